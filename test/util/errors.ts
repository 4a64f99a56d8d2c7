/** Error assertions the construct tests share. */
import { App } from 'cdk8s';

/** The message of the Error `fn` throws (the test fails when it throws none, or something else). */
export function thrownMessage(fn: () => unknown): string {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(Error);
  return (error as Error).message;
}

/** Asserts that `fn` throws an Error whose message is exactly `message`. */
export function expectExactError(fn: () => unknown, message: string): void {
  expect(thrownMessage(fn)).toBe(message);
}

/** The message `app.synth()` fails with ('' when it succeeds). */
export function synthError(app: App): string {
  try {
    app.synth();
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

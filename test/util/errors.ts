/** Error assertions the construct tests share. */
import { App } from 'cdk8s';

/** Asserts that `fn` throws an Error whose message is exactly `message`. */
export function expectExactError(fn: () => unknown, message: string): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toBe(message);
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

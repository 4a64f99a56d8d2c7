/**
 * Internal: how the CLI reports a failure of its own (exit code 3), told apart from usage and read
 * errors (exit code 2) and from findings (exit code 1).
 *
 * Any exception that escapes the analysis or the rendering is a bug of cdk8s-secure-baseline, or a
 * limit it hit (`RangeError: Invalid string length` on a report too large for one string): it is
 * reported as an internal error, in one line without a stack unless `--debug` is given. An
 * operating-system error (a Node `SystemError` with a `code` such as `ENOENT`, `EACCES`) while
 * reading or writing a file is an I/O error: exit code 2, as for read errors.
 */

/** The exit code of an internal error. */
export const EXIT_INTERNAL_ERROR = 3;

/** The exit code of usage and read errors. */
export const EXIT_USAGE_OR_READ_ERROR = 2;

/** Whether an error comes from the operating system (file not found, permission denied, disk full). */
export function isSystemError(e: unknown): boolean {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && typeof (e as NodeJS.ErrnoException).syscall === 'string';
}

/**
 * Writes an escaped exception to `err` and returns the exit code: 2 for an operating-system error
 * (`error: ...`), else 3 (`internal error: ...`, with the stack when `debug`; `hasDebugFlag`: whether
 * the command has a `--debug` flag to mention).
 */
export function reportUncaught(e: unknown, err: (s: string) => void, debug: boolean, hasDebugFlag = true): number {
  const message = e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e);
  if (isSystemError(e)) {
    err(`error: ${message}\n`);
    return EXIT_USAGE_OR_READ_ERROR;
  }
  err(`internal error: ${message}. This is a failure of cdk8s-secure-baseline, not a finding about the input`
    + ` (exit code 3); please report it with the input that triggers it${debug || !hasDebugFlag ? '' : ' (--debug prints the stack)'}\n`);
  if (debug && e instanceof Error && e.stack) err(`${e.stack}\n`);
  return EXIT_INTERNAL_ERROR;
}

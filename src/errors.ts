/**
 * LatentError: the one error type for mistakes a user can fix (bad data, bad options, bad files).
 * The CLI prints its message and hint without a stack trace; anything else is a bug and keeps its
 * stack.
 */

export class LatentError extends Error {
  override readonly name = 'LatentError';
  /** A sentence telling the user how to fix the problem. */
  readonly hint: string | undefined;

  constructor(message: string, hint?: string) {
    super(message);
    this.hint = hint;
  }

  /** Message and hint, as the CLI prints them. */
  describe(): string {
    return this.hint === undefined ? this.message : `${this.message}\n  hint: ${this.hint}`;
  }
}

/** Narrowing helper for catch blocks. */
export function isLatentError(error: unknown): error is LatentError {
  return error instanceof LatentError;
}

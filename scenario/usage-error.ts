/** Bad input from the user: printed as one message, exit code 2, never a stack trace. */
export class UsageError extends Error {
  override readonly name: string = 'UsageError';

  /** One line, then `details` (a list of problems, one line each) below it. */
  constructor(
    readonly headline: string,
    readonly details: readonly string[] = [],
  ) {
    super([headline, ...details].join('\n'));
  }
}

export const EXIT = { ok: 0, unexpected: 1, usage: 2, interrupted: 130 } as const;

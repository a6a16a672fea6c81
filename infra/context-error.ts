// A refusal to build the CDK app because of how it was invoked (context,
// environment). bin/app.ts prints the message alone and exits non-zero: the
// person at the terminal needs the one sentence that says what to pass, not a
// stack trace from inside the CDK.
export class ContextError extends Error {
  override readonly name: string = 'ContextError';
}

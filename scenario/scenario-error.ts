// A scenario that cannot be used, said in one message that names the field
// and the fix. Its own module, so entry points can catch it without loading zod.
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';

  /** One line, then `details` (a list of problems, one line each) below it. */
  constructor(
    readonly headline: string,
    readonly details: readonly string[] = [],
  ) {
    super([headline, ...details].join('\n'));
  }
}

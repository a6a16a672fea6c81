// A scenario that cannot be used, said in one message that names the field
// and the fix: bad input like any other (exit 2), named apart so the CDK app,
// which takes no other input from a user, can catch it alone. Its own module,
// so entry points can catch it without loading zod.
import { UsageError } from './usage-error.ts';

export class ScenarioError extends UsageError {
  override readonly name: string = 'ScenarioError';
}

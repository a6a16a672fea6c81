// How many lab functions a scenario's state machine can have running at once.
// A new AWS account's Lambda concurrency quota is 10 in a region (AWS raises it
// with use, or on a quota request); an invocation beyond it is throttled, and
// each Lambda Task retries Lambda.TooManyRequestsException. The figure is read
// from the definition itself: a branch runs one state at a time, a Parallel
// state runs all its branches at once, and only a Task whose Resource is a lab
// function's ARN placeholder holds a Lambda execution (a gate's DynamoDB Query
// holds none). A Task's TimeoutSeconds outlasts its function's timeout, so a
// retried Task never overlaps the invocation it retries.
import { FUNCTION_PLACEHOLDERS, type AslDefinition } from './scenario-definition.ts';

/** Lambda's default concurrency quota for a new account, per region ("Lambda quotas": it starts low and grows with use). */
export const NEW_ACCOUNT_LAMBDA_CONCURRENCY = 10;

type State = Record<string, unknown>;
interface Branch {
  States: Record<string, State>;
}

const FUNCTION_RESOURCES = new Set(Object.values(FUNCTION_PLACEHOLDERS).map((placeholder) => `\${${placeholder}}`));

/** The most lab-function invocations the state machine can have in flight at one moment. */
export function peakLambdaInvocations(definition: AslDefinition): number {
  return peakOf(definition);
}

function peakOf(branch: Branch): number {
  return Math.max(0, ...Object.values(branch.States).map(peakOfState));
}

function peakOfState(state: State): number {
  if (state.Type === 'Parallel') return (state.Branches as Branch[]).reduce((sum, branch) => sum + peakOf(branch), 0);
  if (state.Type === 'Map') throw new Error('peakLambdaInvocations: a Map state runs its iterations at once; count them before adding one');
  return state.Type === 'Task' && FUNCTION_RESOURCES.has(state.Resource as string) ? 1 : 0;
}

// Finds the lab's CloudFormation stack and reads its outputs, per the
// contract in infra/stack-outputs.ts.
import { DescribeStacksCommand, type CloudFormationClient, type Stack } from '@aws-sdk/client-cloudformation';
import { STACK_OUTPUTS } from '../infra/stack-outputs.ts';
import { errorName, TargetError } from './target-errors.ts';
import type { RemoteTarget } from './target.ts';

export interface StackOutputs {
  plansTable: string;
  eventsTable: string;
  /** Bare id ("Z…"), without the "/hostedzone/" prefix. */
  hostedZoneId: string;
  zoneName: string;
  vpcId: string;
  /** Scenario name → state machine ARN. */
  stateMachines: Record<string, string>;
}

export interface DeployedStack {
  name: string;
  /** The stack's ARN: names this deployment even if another stack of the same name follows it. */
  id: string;
  account: string;
  status: string;
  /** Undefined while the stack has no usable outputs (being created, rolled back, deleted). */
  outputs?: StackOutputs;
}

/** Statuses in which the stack's resources and outputs are all there. */
const USABLE_STATUSES = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE', 'IMPORT_ROLLBACK_COMPLETE']);

export function isStackMissing(error: unknown): boolean {
  return errorName(error) === 'ValidationError' && /does not exist/i.test((error as Error).message);
}

/** The stack is not there at all (as opposed to there but not usable): the doctor's checks before a deploy still mean something. */
export class StackMissingError extends TargetError {}

export function stackMissingError(target: RemoteTarget): TargetError {
  if (target.name === 'localstack') {
    return new StackMissingError(
      `stack ${target.stackName} is not deployed on LocalStack at ${target.endpoints.cloudformation} (region ${target.region}); deploy it: ` +
        `${target.commands.deploy}`,
    );
  }
  const region =
    target.regionSource === 'default'
      ? `${target.region} (no region is configured, so racelab used ${target.region})`
      : `${target.region} (from ${target.regionSource})`;
  return new StackMissingError(
    `stack ${target.stackName} is not deployed in region ${region}; if you deployed it in another region, set AWS_REGION=<that region> (or ` +
      `pass --region), otherwise deploy it: ${target.commands.deploy}`,
  );
}

/** arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/UUID → ACCOUNT. */
export function accountOfArn(arn: string): string {
  return arn.split(':')[4] ?? '';
}

/** Reads the stack; throws the "not deployed" TargetError if it does not exist. */
export async function describeStack(cloudFormation: CloudFormationClient, target: RemoteTarget, stackNameOrId = target.stackName): Promise<DeployedStack> {
  let stack: Stack | undefined;
  try {
    stack = (await cloudFormation.send(new DescribeStacksCommand({ StackName: stackNameOrId }))).Stacks?.[0];
  } catch (error) {
    if (isStackMissing(error)) throw stackMissingError(target);
    throw error;
  }
  if (!stack?.StackId) throw stackMissingError(target);
  const status = stack.StackStatus ?? 'UNKNOWN';
  return {
    name: stack.StackName ?? target.stackName,
    id: stack.StackId,
    account: accountOfArn(stack.StackId),
    status,
    outputs: USABLE_STATUSES.has(status) ? parseStackOutputs(target, stack) : undefined,
  };
}

/** The stack's outputs, or a TargetError if it is not in a usable state. */
export function requireOutputs(stack: DeployedStack, target: RemoteTarget): StackOutputs {
  if (stack.outputs) return stack.outputs;
  throw new TargetError(
    `stack ${stack.name} is ${stack.status}, not ready for use; wait for it to finish, or if it failed, remove it ` +
      `(${target.commands.destroy}) and deploy again: ${target.commands.deploy}`,
  );
}

export function parseStackOutputs(target: RemoteTarget, stack: Stack): StackOutputs {
  const values = new Map((stack.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]));
  const read = (key: keyof typeof STACK_OUTPUTS): string => {
    const value = values.get(STACK_OUTPUTS[key]);
    if (!value) {
      throw new TargetError(
        `stack ${target.stackName} has no output ${STACK_OUTPUTS[key]}; it was deployed by another version of dns-race-lab, so redeploy it: ` +
          `${target.commands.deploy}`,
      );
    }
    return value;
  };
  let stateMachines: unknown;
  try {
    stateMachines = JSON.parse(read('stateMachines'));
  } catch (error) {
    if (error instanceof TargetError) throw error;
    stateMachines = undefined;
  }
  const isArnMap = (value: unknown): value is Record<string, string> =>
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((arn) => typeof arn === 'string');
  if (!isArnMap(stateMachines)) {
    throw new TargetError(
      `stack ${target.stackName}'s output ${STACK_OUTPUTS.stateMachines} is not a JSON object of scenario name → state machine ARN; ` +
        `redeploy it: ${target.commands.deploy}`,
    );
  }
  return {
    plansTable: read('plansTable'),
    eventsTable: read('eventsTable'),
    hostedZoneId: read('hostedZoneId').replace(/^\/hostedzone\//, ''),
    zoneName: read('zoneName').replace(/\.$/, ''),
    vpcId: read('vpcId'),
    stateMachines,
  };
}

/** The ARN of the state machine deployed for a scenario, or a TargetError naming what is deployed. */
export function stateMachineFor(outputs: StackOutputs, scenario: string, target: RemoteTarget): string {
  const arn = outputs.stateMachines[scenario];
  if (arn) return arn;
  const deployed = Object.keys(outputs.stateMachines).sort().join(', ') || 'none';
  throw new TargetError(
    `scenario ${scenario} is not deployed in stack ${target.stackName}; deployed: ${deployed}; redeploy with ` +
      `${target.commands.deploy.replace(/^.*&& /, '')} to add it`,
  );
}

// A deployed lab, opened: the target's clients, its stack and outputs, and
// (on aws) the sandbox check, all done before any command changes anything.
import { DescribeStackEventsCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { ListExecutionsCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { createRemoteClients, type RemoteClients } from './remote-clients.ts';
import { describeStack, requireOutputs, type DeployedStack, type StackOutputs } from './deployed-stack.ts';
import { ensureSandboxAccount, type AccountCheck } from './account-guard.ts';
import { explainTargetError, localStackFix, TargetError } from './target-errors.ts';
import { describeTarget, type RemoteTarget } from './target.ts';
import { processEnvironment, type Environment } from '../infra/environment.ts';

export interface RemoteLab {
  target: RemoteTarget;
  clients: RemoteClients;
  stack: DeployedStack;
  /** Present on aws: the account checked by the sandbox guard. */
  account?: AccountCheck;
  close(): void;
}

export interface ReadyRemoteLab extends RemoteLab {
  outputs: StackOutputs;
}

export interface OpenOptions {
  env?: Environment;
}

/** Opens the lab; errors come back in their user-facing form. */
export async function openRemoteLab(target: RemoteTarget, options: OpenOptions = {}): Promise<RemoteLab> {
  const clients = createRemoteClients(target);
  try {
    const stack = await describeStack(clients.cloudFormation, target);
    const account = target.guardAccount ? await ensureSandboxAccount(stack.account, clients.iam, options.env ?? processEnvironment()) : undefined;
    return { target, clients, stack, account, close: () => clients.destroy() };
  } catch (error) {
    clients.destroy();
    throw explainTargetError(error, target);
  }
}

/** Opens the lab and insists its stack is complete, with outputs; a failed deploy says which resource failed, and why. */
export async function openReadyRemoteLab(target: RemoteTarget, options: OpenOptions = {}): Promise<ReadyRemoteLab> {
  const lab = await openRemoteLab(target, options);
  try {
    return { ...lab, outputs: requireOutputs(lab.stack, target) };
  } catch (error) {
    const failure = /FAILED|ROLLBACK/.test(lab.stack.status) ? await firstFailedResource(lab.clients.cloudFormation, lab.stack.id) : undefined;
    lab.close();
    if (!failure || !(error instanceof TargetError)) throw error;
    // On LocalStack the usual cause is a Lambda it could not start (no Docker): name that fix rather than a bare redeploy.
    const fix = target.name === 'localstack' ? localStackFix(failure, target) : undefined;
    throw new TargetError(fix ? `stack ${lab.stack.name} is ${lab.stack.status}: ${failure}; ${fix}` : `${error.message}; ${failure}`);
  }
}

const MAX_REASON = 300;

/**
 * "Function ProbeFn (AWS::Lambda::Function) failed: <reason>" for the first
 * resource that failed in this stack's events, or undefined (events are newest
 * first; the stack's own event only lists the resources that failed).
 */
async function firstFailedResource(cloudFormation: CloudFormationClient, stackId: string): Promise<string | undefined> {
  try {
    const { StackEvents: events = [] } = await cloudFormation.send(new DescribeStackEventsCommand({ StackName: stackId }));
    const failed = events.filter(
      (event) =>
        /_FAILED$/.test(event.ResourceStatus ?? '') &&
        event.ResourceType !== 'AWS::CloudFormation::Stack' &&
        !/cancelled/i.test(event.ResourceStatusReason ?? ''),
    );
    const first = failed.at(-1);
    if (!first?.ResourceStatusReason) return undefined;
    const reason = first.ResourceStatusReason.split('\n')[0]!.slice(0, MAX_REASON);
    return `${first.LogicalResourceId} (${first.ResourceType}) failed: ${reason}`;
  } catch {
    return undefined; // the events only add detail to the message already at hand
  }
}

/** One line for stderr: where the command acts (account included on aws). */
export function describeRemoteLab(lab: RemoteLab): string {
  const account = lab.account ? `, account ${lab.account.account}${lab.account.alias ? ` (${lab.account.alias})` : ''}` : '';
  return `${describeTarget(lab.target)}${account}`;
}

export interface RunningExecution {
  scenario: string;
  executionArn: string;
  name: string;
}

export async function runningExecutions(stepFunctions: SFNClient, outputs: StackOutputs): Promise<RunningExecution[]> {
  const running: RunningExecution[] = [];
  for (const [scenario, stateMachineArn] of Object.entries(outputs.stateMachines)) {
    const page = await stepFunctions.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: 10 }));
    for (const execution of page.executions ?? []) {
      if (execution.executionArn) running.push({ scenario, executionArn: execution.executionArn, name: execution.name ?? execution.executionArn });
    }
  }
  return running;
}

/**
 * Two runs on one lab would write into each other's plans and records, and a
 * reset under a running execution would pull the zone from under it.
 */
export async function ensureNoRunningExecution(lab: ReadyRemoteLab, doing: string): Promise<void> {
  const [first, ...more] = await runningExecutions(lab.clients.stepFunctions, lab.outputs);
  if (!first) return;
  const others = more.length ? ` (and ${more.length} more)` : '';
  throw new TargetError(
    `cannot ${doing}: execution ${first.name} of scenario ${first.scenario} is still running on this lab${others}; wait for it to end, or ` +
      `stop it: ${lab.target.commands.cli} stepfunctions stop-execution --execution-arn ${first.executionArn}`,
  );
}

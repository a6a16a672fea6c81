// Deletes the lab's stack and waits until it is gone, printing each resource
// as CloudFormation deletes it. Two things would make the deletion fail or
// hang, so they are dealt with first: running executions are stopped, and
// the hosted zone is emptied (CloudFormation cannot delete a hosted zone that
// still holds record sets other than its SOA and NS).
import { DeleteStackCommand, DescribeStackEventsCommand, type StackEvent } from '@aws-sdk/client-cloudformation';
import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { describeStack, isStackMissing } from './deployed-stack.ts';
import { realPacing, type Pacing } from './pacing.ts';
import { clearHostedZone } from '../lambdas/adapters/route53-zone-clear.ts';
import { runningExecutions, type RemoteLab } from './remote-lab.ts';
import { errorName, TargetError } from './target-errors.ts';

export interface TeardownOptions {
  pacing?: Pacing;
  /** Between two status checks; default 5 s (a deletion takes minutes). */
  pollIntervalMs?: number;
  /** Give up waiting after this long; default 45 min (Lambda ENIs in a VPC can take a while to go). */
  timeoutMs?: number;
  progress?: (line: string) => void;
}

export const TEARDOWN_POLL_INTERVAL_MS = 5000;
export const TEARDOWN_TIMEOUT_MS = 45 * 60 * 1000;

async function prepareForDeletion(lab: RemoteLab, progress: (line: string) => void): Promise<void> {
  const outputs = lab.stack.outputs;
  if (!outputs) return; // a stack without outputs (failed create) has nothing running and an empty zone, if any
  for (const execution of await runningExecutions(lab.clients.stepFunctions, outputs)) {
    await lab.clients.stepFunctions.send(
      new StopExecutionCommand({ executionArn: execution.executionArn, error: 'racelab.Teardown', cause: 'the lab is being torn down' }),
    );
    progress(`stopped execution ${execution.name} (${execution.scenario})`);
  }
  try {
    const deleted = await clearHostedZone(lab.clients.route53, outputs.hostedZoneId, outputs.zoneName, 'racelab teardown');
    if (deleted) progress(`deleted ${deleted} record set${deleted === 1 ? '' : 's'} from ${outputs.zoneName}, so CloudFormation can delete the zone`);
  } catch (error) {
    if (errorName(error) !== 'NoSuchHostedZone') throw error;
  }
}

/** Why the deletion failed, from the stack's events: "Resource: reason; …". */
function failureReasons(events: StackEvent[]): string {
  const failed = events.filter((event) => event.ResourceStatus === 'DELETE_FAILED' && event.LogicalResourceId !== event.StackName);
  return failed.map((event) => `${event.LogicalResourceId}: ${event.ResourceStatusReason ?? 'no reason given'}`).join('; ') || 'no reason given';
}

export async function teardownStack(lab: RemoteLab, options: TeardownOptions = {}): Promise<void> {
  const pacing = options.pacing ?? realPacing;
  const progress = options.progress ?? (() => undefined);
  const { cloudFormation } = lab.clients;
  const stackId = lab.stack.id;
  // Newest first; an emulator without stack events just shows less progress.
  const stackEvents = async (): Promise<StackEvent[]> => {
    try {
      return (await cloudFormation.send(new DescribeStackEventsCommand({ StackName: stackId })))?.StackEvents ?? [];
    } catch {
      return [];
    }
  };
  await prepareForDeletion(lab, progress);
  // Events from before the deletion (the create, updates) are not progress.
  const seen = new Set((await stackEvents()).map((event) => event.EventId));
  await cloudFormation.send(new DeleteStackCommand({ StackName: stackId }));
  const startedAt = pacing.now();
  for (;;) {
    const elapsed = () => `+${Math.round((pacing.now() - startedAt) / 1000)}s`.padStart(6);
    const events = await stackEvents();
    for (const event of [...events].reverse()) {
      if (!event.EventId || seen.has(event.EventId)) continue;
      seen.add(event.EventId);
      progress(`${elapsed()}  ${(event.LogicalResourceId ?? '').padEnd(40)} ${event.ResourceStatus ?? ''}`);
    }
    let status: string;
    try {
      status = (await describeStack(cloudFormation, lab.target, stackId)).status;
    } catch (error) {
      // Asked by id, CloudFormation reports DELETE_COMPLETE; some emulators forget the stack instead.
      if (error instanceof TargetError || isStackMissing(error)) return;
      throw error;
    }
    if (status === 'DELETE_COMPLETE') return;
    if (status === 'DELETE_FAILED') {
      throw new TargetError(
        `CloudFormation could not delete stack ${lab.stack.name} (${failureReasons(events)}); fix that and run the teardown again, or ` +
          `delete the stack in the CloudFormation console`,
      );
    }
    if (pacing.now() - startedAt > (options.timeoutMs ?? TEARDOWN_TIMEOUT_MS)) {
      throw new TargetError(
        `stack ${lab.stack.name} is still ${status} after ${Math.round((options.timeoutMs ?? TEARDOWN_TIMEOUT_MS) / 60000)} min; ` +
          `CloudFormation goes on deleting it, so check back later: ${lab.target.commands.cli} cloudformation describe-stacks --stack-name ${stackId}`,
      );
    }
    await pacing.sleep(options.pollIntervalMs ?? TEARDOWN_POLL_INTERVAL_MS);
  }
}

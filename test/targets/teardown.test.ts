// Proves `racelab teardown` on a deployed lab: it stops running executions
// and empties the hosted zone first (CloudFormation cannot delete a zone with
// records), deletes the stack by its id (never a newer stack of the same
// name), shows each resource's deletion as progress, and turns DELETE_FAILED
// into one sentence with the failing resources' reasons. CloudFormation and
// Step Functions are mocked; Route 53 is the embedded endpoint.
import { DeleteStackCommand, DescribeStackEventsCommand, DescribeStacksCommand, type ResourceStatus, type StackEvent } from '@aws-sdk/client-cloudformation';
import { ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { ListExecutionsCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRemoteLab, type RemoteLab } from '../../targets/remote-lab.ts';
import { teardownStack } from '../../targets/teardown-stack.ts';
import type { Pacing } from '../../targets/pacing.ts';
import { awsError, deployedLab, runningExecution, STACK_ID, type DeployedLabFixture } from './deployed-lab-fixture.ts';

/**
 * Answers in order, then repeats the last (sinon's resolvesOnce counts calls
 * made before it was set up, and the lab was opened with DescribeStacks already).
 */
function inTurn<T>(...answers: T[]): () => Promise<T> {
  return async () => (answers.length > 1 ? answers.shift()! : answers[0]!);
}

/** A clock that moves only when the code sleeps: no real waiting. */
function fakePacing(): Pacing & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return { slept, now: () => now, sleep: async (ms) => void (slept.push(ms), (now += ms)) };
}

const stackEvent = (id: string, resource: string, status: ResourceStatus, reason?: string): StackEvent => ({
  EventId: id,
  StackId: STACK_ID,
  StackName: 'DnsRaceLab',
  LogicalResourceId: resource,
  ResourceStatus: status,
  ResourceStatusReason: reason,
  Timestamp: new Date(),
});

let fixture: DeployedLabFixture;
let remote: RemoteLab;
beforeEach(async () => {
  fixture = await deployedLab();
  remote = await openRemoteLab(fixture.target('aws'));
});
afterEach(async () => {
  remote?.close();
  await fixture?.close();
});

describe('teardown', () => {
  it('stops running executions, empties the zone, deletes the stack by id and waits until it is gone, with progress', async () => {
    await fixture.lab.deps().dns.change([{ action: 'CREATE', record: { name: `left.${fixture.lab.zone}`, type: 'A', ttl: 60, values: ['10.0.0.1'] } }]);
    fixture.stepFunctions.on(ListExecutionsCommand).resolves(runningExecution());
    fixture.stepFunctions.on(StopExecutionCommand).resolves({ stopDate: new Date() });
    fixture.cloudFormation.on(DeleteStackCommand).resolves({});
    fixture.cloudFormation
      .on(DescribeStackEventsCommand)
      .callsFake(
        inTurn(
          { StackEvents: [stackEvent('create-1', 'DnsRaceLab', 'CREATE_COMPLETE')] },
          { StackEvents: [stackEvent('delete-1', 'DnsRaceLab', 'DELETE_IN_PROGRESS'), stackEvent('create-1', 'DnsRaceLab', 'CREATE_COMPLETE')] },
          { StackEvents: [stackEvent('delete-2', 'PlansTable', 'DELETE_COMPLETE'), stackEvent('delete-1', 'DnsRaceLab', 'DELETE_IN_PROGRESS')] },
        ),
      );
    fixture.cloudFormation
      .on(DescribeStacksCommand)
      .callsFake(inTurn({ Stacks: [fixture.stack({ StackStatus: 'DELETE_IN_PROGRESS' })] }, { Stacks: [fixture.stack({ StackStatus: 'DELETE_COMPLETE' })] }));
    const pacing = fakePacing();
    const progress: string[] = [];

    await teardownStack(remote, { pacing, progress: (line) => progress.push(line) });

    expect(fixture.stepFunctions.commandCalls(StopExecutionCommand)[0]?.args[0].input.executionArn).toContain('r-live');
    const left = await remote.clients.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: fixture.lab.hostedZoneId }));
    expect(left.ResourceRecordSets?.map((set) => set.Type).sort()).toEqual(['NS', 'SOA']);
    expect(fixture.cloudFormation.commandCalls(DeleteStackCommand)[0]?.args[0].input).toEqual({ StackName: STACK_ID });
    expect(progress[0]).toBe('stopped execution r-live (oct-2025)');
    expect(progress[1]).toMatch(/^deleted 1 record set from lab.internal/);
    expect(progress.slice(2).map((line) => line.replace(/\s+/g, ' ').trim())).toEqual(['+0s DnsRaceLab DELETE_IN_PROGRESS', '+5s PlansTable DELETE_COMPLETE']);
    expect(pacing.slept).toEqual([5000]);
  });

  it('treats a stack that CloudFormation no longer knows as deleted (as emulators report it)', async () => {
    fixture.cloudFormation.on(DeleteStackCommand).resolves({});
    fixture.cloudFormation.on(DescribeStacksCommand).rejects(awsError('ValidationError', `Stack with id ${STACK_ID} does not exist`));
    await expect(teardownStack(remote, { pacing: fakePacing() })).resolves.toBeUndefined();
  });

  it('reports DELETE_FAILED in one sentence with each failing resource and its reason', async () => {
    fixture.cloudFormation.on(DeleteStackCommand).resolves({});
    fixture.cloudFormation.on(DescribeStackEventsCommand).resolves({
      StackEvents: [
        stackEvent('d-2', 'DnsRaceLab', 'DELETE_FAILED', 'resources failed to delete'),
        stackEvent('d-1', 'LabZone', 'DELETE_FAILED', 'The specified hosted zone contains non-required resource record sets'),
      ],
    });
    fixture.cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [fixture.stack({ StackStatus: 'DELETE_FAILED' })] });
    await expect(teardownStack(remote, { pacing: fakePacing() })).rejects.toThrow(
      'CloudFormation could not delete stack DnsRaceLab (LabZone: The specified hosted zone contains non-required resource record sets); fix that and run the teardown again, or delete the stack in the CloudFormation console',
    );
  });

  it('gives up waiting after the timeout, saying CloudFormation goes on and how to check', async () => {
    fixture.cloudFormation.on(DeleteStackCommand).resolves({});
    fixture.cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [fixture.stack({ StackStatus: 'DELETE_IN_PROGRESS' })] });
    await expect(teardownStack(remote, { pacing: fakePacing(), timeoutMs: 60_000 })).rejects.toThrow(
      /^stack DnsRaceLab is still DELETE_IN_PROGRESS after 1 min; CloudFormation goes on deleting it, so check back later: aws cloudformation describe-stacks/,
    );
  });
});

// Proves `racelab reset` on a deployed lab, through the CLI's own DynamoDB and
// Route 53 clients against the embedded lab's endpoints (the same APIs): after
// a real run has left plans, fences, the generation counter and a full DNS
// tree behind, reset leaves an empty plans table and a zone holding only its
// apex SOA and NS, in change batches Route 53 accepts; it refuses while an
// execution runs.
import { ListResourceRecordSetsCommand, type Route53Client } from '@aws-sdk/client-route-53';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenario/files.ts';
import { ensureNoRunningExecution, openReadyRemoteLab, type ReadyRemoteLab } from '../../targets/remote-lab.ts';
import { describeReset, resetLab } from '../../targets/reset-lab.ts';
import { runScenarioEmbedded } from '../../local/run-embedded.ts';
import { deployedLab, runningExecution, type DeployedLabFixture } from './deployed-lab-fixture.ts';

let fixture: DeployedLabFixture;
let remote: ReadyRemoteLab;
beforeEach(async () => {
  fixture = await deployedLab();
  remote = await openReadyRemoteLab(fixture.target('aws'));
});
afterEach(async () => {
  remote?.close();
  await fixture?.close();
});

async function recordSets(client: Route53Client, hostedZoneId: string): Promise<string[]> {
  const listed = await client.send(new ListResourceRecordSetsCommand({ HostedZoneId: hostedZoneId }));
  return (listed.ResourceRecordSets ?? []).map((set) => `${set.Name} ${set.Type}`);
}

describe('reset on a deployed lab', () => {
  it('deletes every plan, fence and the generation counter, and every record set but the apex SOA and NS', async () => {
    // write-time-check so the run leaves fence items as well as plans and records.
    await runScenarioEmbedded(fixture.lab, await loadScenario('oct-2025'), { runId: 'r-before-reset', safeguards: ['write-time-check'] });
    const { dynamodb, route53 } = remote.clients;
    expect((await recordSets(route53, remote.outputs.hostedZoneId)).length).toBeGreaterThan(10);

    const summary = await resetLab(remote.clients, remote.outputs);

    expect(summary.items.plan).toBeGreaterThan(0);
    expect(summary.items.fence).toBeGreaterThan(0);
    expect(summary.items.counter).toBe(1);
    expect(summary.recordSets).toBeGreaterThan(10);
    expect((await dynamodb.send(new ScanCommand({ TableName: remote.outputs.plansTable }))).Items).toEqual([]);
    expect((await recordSets(route53, remote.outputs.hostedZoneId)).sort()).toEqual([`${fixture.lab.zone}. NS`, `${fixture.lab.zone}. SOA`]);
    // The lab is at steady state again: the next Planner starts from generation 1.
    expect(await fixture.lab.deps().store.nextGeneration()).toBe(1);
  });

  it('deletes more record sets than fit one change batch, and leaves the run events alone', async () => {
    const { dns, events } = fixture.lab.deps();
    for (let batch = 0; batch < 5; batch += 1) {
      const records = Array.from({ length: 50 }, (_, i) => ({
        name: `r${batch * 50 + i}.${fixture.lab.zone}`,
        type: 'TXT' as const,
        ttl: 60,
        values: [`"${i}"`],
      }));
      await dns.change(records.map((record) => ({ action: 'CREATE', record })));
    }
    await events.append({ runId: 'r-kept', at: Date.now(), actor: 'planner', step: 'plan', outcome: 'written' });

    const summary = await resetLab(remote.clients, remote.outputs);

    expect(summary.recordSets).toBe(250);
    expect(await recordSets(remote.clients.route53, remote.outputs.hostedZoneId)).toHaveLength(2);
    expect(await events.list('r-kept')).toHaveLength(1);
    expect(describeReset(summary)).toBe('deleted 0 plans, 0 fences, no generation counter and 250 record sets (the zone keeps its SOA and NS)');
  });

  it('on a lab already at steady state deletes nothing and succeeds, twice', async () => {
    // Like a fresh deploy, a fresh embedded lab holds nothing (its warm-up cleans up after itself).
    const nothing = { items: { plan: 0, fence: 0, counter: 0, 'kill-switch': 0, other: 0 }, recordSets: 0 };
    expect(await resetLab(remote.clients, remote.outputs)).toEqual(nothing);
    expect(await resetLab(remote.clients, remote.outputs)).toEqual(nothing);
  });

  it('releases the kill switch an operator left thrown, and says so: the next run starts with the automation on', async () => {
    await runScenarioEmbedded(fixture.lab, await loadScenario('oct-2025-freeze'), { runId: 'r-frozen', safeguards: [] });
    expect((await fixture.lab.deps().killSwitch.read()).thrown).toBe(true);
    const summary = await resetLab(remote.clients, remote.outputs);
    expect(summary.items['kill-switch']).toBe(1);
    expect(describeReset(summary)).toMatch(/^deleted \d+ plans, 0 fences, the generation counter, the kill switch and \d+ record sets/);
    expect(await fixture.lab.deps().killSwitch.read()).toEqual({ thrown: false });
  });

  it('refuses while an execution runs, since the run would lose its zone mid-way', async () => {
    fixture.stepFunctions.on(ListExecutionsCommand).resolves(runningExecution());
    await expect(ensureNoRunningExecution(remote, 'reset the lab')).rejects.toThrow(
      /^cannot reset the lab: execution r-live of scenario oct-2025 is still running/,
    );
  });
});

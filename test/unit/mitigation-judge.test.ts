// Mitigate's judge on snapshots of the lab after oct-2025: the answer key's
// hand repair passes; an alias flipped to a tree the trainee invented (no plan
// row), a lock the automation must wait out for hours or cannot read, and a
// plan row past the Planner's counter each fail, saying what it does to the
// automation; the live lab is never changed by the judging.
import { describe, expect, it } from 'vitest';
import { endpointRecord, leaseOf, lockName, lockRecord, planTreeRecords } from '../../lambdas/core/dns-tree.ts';
import type { RecordChange } from '../../lambdas/core/dns-records.ts';
import { MemoryLab } from '../../local/memory-lab.ts';
import { runScenarioEmbedded } from '../../local/run-embedded.ts';
import { loadScenario } from '../../scenario/files.ts';
import { judgeSnapshot } from '../../training/exercises.ts';
import type { LabSnapshot } from '../../training/mitigation-judge.ts';

const ENDPOINTS = ['dynamodb.us-east-1', 'dynamodb-fips.us-east-1', 'dynamodb.us-east-1.api'];

async function afterTheOutage(): Promise<MemoryLab> {
  const lab = new MemoryLab();
  await runScenarioEmbedded(lab, await loadScenario('oct-2025'), { runId: 'mitigate', safeguards: [] });
  return lab;
}

async function snapshot(lab: MemoryLab, takenAtMs = Date.now()): Promise<LabSnapshot> {
  return { zone: lab.zone.apex, records: lab.zone.list(), plans: [...lab.store.plans.values()], counter: await lab.store.generationCounter(), takenAtMs };
}

/** The answer key's batch for one endpoint: the lock as read deleted, `lock` created, the alias to `generation`'s tree. */
async function flip(lab: MemoryLab, endpoint: string, generation: number, lock?: (read: ReturnType<typeof leaseOf>) => RecordChange['record']) {
  const read = (await lab.dns.recordsUnder(lockName(endpoint, lab.zone.apex)))[0]!;
  const lease = leaseOf(read)!;
  const next = lock?.(lease) ?? lockRecord(endpoint, { holder: 'operator', expiresAtMs: 0, token: lease.token + 1 }, lab.zone.apex);
  await lab.dns.change([
    { action: 'DELETE', record: read },
    { action: 'CREATE', record: next },
    { action: 'UPSERT', record: endpointRecord(endpoint, generation, lab.zone.apex) },
  ]);
}

const failing = (checks: { ok: boolean; says: string }[]) => checks.filter((item) => !item.ok).map((item) => item.says);

describe("mitigate's judge", () => {
  it('fails on the outage; passes on the answer key, and the next plan reaches every endpoint on a copy, not on the lab', async () => {
    const lab = await afterTheOutage();
    expect(failing(await judgeSnapshot(await snapshot(lab)))).toContain('dynamodb.us-east-1: its alias points at a tree that exists (not yet)');
    for (const endpoint of ENDPOINTS) await flip(lab, endpoint, 6);
    const before = lab.zone.fingerprint();
    const checks = await judgeSnapshot(await snapshot(lab));
    expect(failing(checks)).toEqual([]);
    expect(checks.at(-1)!.says).toBe("the automation goes on: the next Enactor cycle brings every endpoint onto the Planner's next plan, g8");
    expect(lab.zone.fingerprint()).toBe(before);
  });

  it('an alias flipped to an invented tree fails: no plan row, and the automation is stranded behind it', async () => {
    const lab = await afterTheOutage();
    for (const endpoint of ENDPOINTS.slice(1)) await flip(lab, endpoint, 6);
    // g99's tree, made by hand from g6's addresses: DNS answers, but no plan has that generation.
    const g6 = lab.store.plans.get(6)!;
    const tree = planTreeRecords({ ...g6, generation: 99 }, ENDPOINTS[0]!, lab.zone.apex);
    await lab.dns.change(tree.map((record) => ({ action: 'CREATE', record })));
    await flip(lab, ENDPOINTS[0]!, 99);
    const says = failing(await judgeSnapshot(await snapshot(lab)));
    expect(says[0]).toMatch(/^dynamodb\.us-east-1: g99 has no plan row: the automation knows only the plans in its table/);
    expect(says[1]).toMatch(
      /^the automation cannot go on from your repair: .* with write-time-check, it leaves dynamodb\.us-east-1.* off g8 \(it ended stale: write-time check: endpoint is at g99/,
    );
    expect(says).toHaveLength(2);
  });

  it('a lock held for hours, or one that is no lease, fails; a short lease passes', async () => {
    const now = Date.now();
    const lab = await afterTheOutage();
    await flip(lab, ENDPOINTS[0]!, 6, (read) =>
      lockRecord(ENDPOINTS[0]!, { holder: 'operator', expiresAtMs: now + 6 * 3600_000, token: read!.token + 1 }, lab.zone.apex),
    );
    await flip(lab, ENDPOINTS[1]!, 6, () => ({ name: lockName(ENDPOINTS[1]!, lab.zone.apex), type: 'TXT', ttl: 1, values: ['"mine"'] }));
    await flip(lab, ENDPOINTS[2]!, 6, (read) =>
      lockRecord(ENDPOINTS[2]!, { holder: 'operator', expiresAtMs: now + 30_000, token: read!.token + 1 }, lab.zone.apex),
    );
    const checks = await judgeSnapshot(await snapshot(lab, now));
    const says = failing(checks);
    expect(says.find((line) => line.startsWith('dynamodb.us-east-1:'))).toMatch(
      /^dynamodb\.us-east-1: its lock is operator's for 21,600 s more, past the longest lease \(300 s\): every Enactor backs off/,
    );
    expect(says.find((line) => line.startsWith('dynamodb-fips.us-east-1:'))).toMatch(/^dynamodb-fips\.us-east-1: its lock holds "mine", which is no lease/);
    expect(checks.map((item) => item.says)).toContain("dynamodb.us-east-1.api: its lock is operator's for 30 s more, a lease an Enactor waits out");
  });

  it("a plan row written past the Planner's counter fails: the Planner's next plan would collide with it", async () => {
    const lab = await afterTheOutage();
    for (const endpoint of ENDPOINTS) await flip(lab, endpoint, 6);
    await lab.store.putPlan({ ...lab.store.plans.get(6)!, generation: 8 });
    const says = failing(await judgeSnapshot(await snapshot(lab)));
    expect(says).toEqual([
      expect.stringMatching(/^the automation cannot go on: the Planner's next plan fails \(.*8.*\); a plan row you wrote must stay at or under/),
    ]);
  });
});

// racelab repair's domain logic on the real zone model: it brings every
// endpoint onto a plan that answers from whatever state it finds, rebuilds the
// plan from its tree when no row is left, never moves an endpoint backwards,
// takes each lock it needs like any writer, and a second run changes nothing.
import { describe, expect, it } from 'vitest';
import { cleanUp } from '../../lambdas/core/cleanup.ts';
import type { RecordChange } from '../../lambdas/core/dns-records.ts';
import { endpointName, leaseOf, LOCK_LEASE_SECONDS_MAX, lockName, lockRecord, planTreeName, rollbackName } from '../../lambdas/core/dns-tree.ts';
import { applyEndpoint, begin, runEnactor } from '../../lambdas/core/enactor.ts';
import { ChangeRejected } from '../../lambdas/core/errors.ts';
import { writePlans } from '../../lambdas/core/planner.ts';
import { loadBalancerPool } from '../../lambdas/core/planner.ts';
import { applyRepair, planRepair, REPAIR_HOLDER, repairNeeded, STALE_LOCK_SECONDS, type RepairContext } from '../../lambdas/core/repair.ts';
import { MemoryPlanStore } from '../../local/memory-plan-store.ts';
import { ENDPOINTS, memoryLab, ZONE } from '../support/memory-lab.ts';

const [REGIONAL] = ENDPOINTS as [string, string, string];
type Lab = ReturnType<typeof memoryLab>;

const contextOf = (lab: Lab): RepairContext => ({ store: lab.store, dns: lab.dns, clock: lab.clock, zone: ZONE });

/** The outage: az-a's stale g2 over az-b's g6 everywhere, then az-b's clean-up deletes g2 (row and tree). */
async function outage(lab: Lab): Promise<void> {
  await lab.plan(1);
  await runEnactor(lab.enactor('az-c'));
  await lab.plan(1);
  const slow = (await begin(lab.enactor('az-a'))).work!;
  await lab.plan(4);
  const fast = (await begin(lab.enactor('az-b'))).work!;
  lab.clock.time += 5_000;
  for (const endpoint of ENDPOINTS) await applyEndpoint(lab.enactor('az-b'), fast, endpoint);
  lab.clock.time += 5_000;
  for (const endpoint of ENDPOINTS) await applyEndpoint(lab.enactor('az-a'), slow, endpoint);
  await cleanUp(lab.enactor('az-b'), fast);
}

async function repaired(lab: Lab) {
  const plan = await planRepair(contextOf(lab));
  await applyRepair(contextOf(lab), plan);
  return plan;
}

describe('racelab repair (domain)', () => {
  it('after the outage: every endpoint onto the newest plan row, answering; a second run changes nothing', async () => {
    const lab = memoryLab();
    await outage(lab);
    for (const endpoint of ENDPOINTS) expect(await lab.addresses(endpoint)).toEqual([]);
    const plan = await repaired(lab);
    expect(plan).toMatchObject({ source: 'row', restoreRow: false, plan: { generation: 6 } });
    expect(plan.endpoints.map((e) => [e.endpoint, e.from, e.fromAnswering, e.to])).toEqual(ENDPOINTS.map((e) => [e, 2, false, 6]));
    for (const endpoint of ENDPOINTS) {
      expect(lab.pointsAt(endpoint)).toBe(6);
      expect(await lab.addresses(endpoint)).not.toEqual([]);
    }
    expect(repairNeeded(await planRepair(contextOf(lab)))).toBe(false);
    // And the automation works again: the next Enactor applies the next plan.
    await lab.plan(1);
    lab.clock.time += 5_000;
    expect((await runEnactor(lab.enactor('az-c'))).status).toBe('cleaned');
    expect(lab.pointsAt(REGIONAL)).toBe(7);
  });

  it('with no plan row left, rebuilds the plan from the newest tree in DNS and writes its row back', async () => {
    const lab = memoryLab();
    await outage(lab);
    for (const generation of await lab.store.listGenerations()) await lab.store.deletePlan(generation);
    const plan = await repaired(lab);
    expect(plan).toMatchObject({ source: 'tree', restoreRow: true, plan: { generation: 6 } });
    expect((await lab.store.getPlan(6))?.loadBalancers.map((lb) => lb.id).sort()).toEqual(
      lab.zone
        .lookup(planTreeName(REGIONAL, 6, ZONE))
        .map((r) => r.setIdentifier)
        .sort(),
    );
    for (const endpoint of ENDPOINTS) expect(await lab.addresses(endpoint)).not.toEqual([]);
    expect(repairNeeded(await planRepair(contextOf(lab)))).toBe(false);
  });

  it('never moves an endpoint back: one on a newer tree that answers stays there', async () => {
    const lab = memoryLab();
    await lab.plan(2);
    lab.clock.time += 5_000;
    await runEnactor(lab.enactor('az-c'));
    await lab.store.deletePlan(2); // the newest row is gone; g2's tree still answers
    const plan = await planRepair(contextOf(lab));
    expect(plan.plan?.generation).toBe(1);
    expect(plan.endpoints.every((endpoint) => endpoint.to === 2)).toBe(true);
  });

  it("rewrites a plan's tree that differs from the plan, and skips a plan row with no live load balancer", async () => {
    const lab = memoryLab();
    await lab.plan(1);
    await runEnactor(lab.enactor('az-c'));
    const tree = lab.zone.lookup(planTreeName(REGIONAL, 1, ZONE));
    await lab.dns.change([
      { action: 'UPSERT', record: { ...tree[0]!, weight: 99 } },
      { action: 'CREATE', record: { ...tree[0]!, setIdentifier: 'stray', values: ['10.99.0.1'] } },
    ]);
    const empty = {
      ...(await lab.store.getPlan(1))!,
      generation: 2,
      loadBalancers: (await lab.store.getPlan(1))!.loadBalancers.map((lb) => ({ ...lb, weight: 0 })),
    };
    await lab.store.nextGeneration();
    await lab.store.putPlan(empty);
    const plan = await repaired(lab);
    expect(plan.plan?.generation).toBe(1);
    expect(lab.zone.lookup(planTreeName(REGIONAL, 1, ZONE))).toEqual(tree);
    expect(repairNeeded(await planRepair(contextOf(lab)))).toBe(false);
  });

  it('takes each lock it needs like any writer and leaves it released; the rollback record points at a tree that exists', async () => {
    const lab = memoryLab();
    await outage(lab);
    await repaired(lab);
    const lease = leaseOf(lab.zone.lookup(lockName(REGIONAL, ZONE), 'TXT')[0]);
    expect(lease).toMatchObject({ holder: REPAIR_HOLDER, expiresAtMs: lab.clock.now() });
    const rollback = lab.zone.lookup(rollbackName(REGIONAL, ZONE), 'A')[0]?.alias?.target;
    expect(lab.zone.lookup(rollback!).length).toBeGreaterThan(0);
  });

  it('fails, changing nothing on that endpoint, when the zone changed between its read and its batch', async () => {
    const lab = memoryLab();
    await outage(lab);
    const plan = await planRepair(contextOf(lab));
    const moved: RecordChange = { action: 'UPSERT', record: lockRecord(REGIONAL, { holder: 'az-c', expiresAtMs: 1_000, token: 1 }, ZONE) };
    await lab.dns.change([moved]);
    await expect(applyRepair(contextOf(lab), plan)).rejects.toBeInstanceOf(ChangeRejected);
    expect(lab.pointsAt(REGIONAL)).toBe(2);
  });

  it('replaces a lock that expires further ahead than any lease the lab grants, even when nothing else needs changing, and says whose', async () => {
    const lab = memoryLab();
    await lab.plan(1);
    await runEnactor(lab.enactor('az-c'));
    await repaired(lab); // a first rollback record: from here on nothing else needs changing
    lab.clock.time += 5_000;
    // A lock that expires within the longest lease (and the clock skew) is some Enactor's: repair leaves it.
    const held = (seconds: number) => lockRecord(REGIONAL, { holder: 'az-x', expiresAtMs: lab.clock.now() + seconds * 1000, token: 9 }, ZONE);
    await lab.dns.change([
      { action: 'DELETE', record: lab.zone.lookup(lockName(REGIONAL, ZONE), 'TXT')[0]! },
      { action: 'CREATE', record: held(STALE_LOCK_SECONDS) },
    ]);
    expect(repairNeeded(await planRepair(contextOf(lab)))).toBe(false);
    // A day ahead, no lease explains it: every Enactor would back off from the endpoint for a day.
    await lab.dns.change([
      { action: 'DELETE', record: held(STALE_LOCK_SECONDS) },
      { action: 'CREATE', record: held(86_400) },
    ]);
    const plan = await repaired(lab);
    const regional = plan.endpoints.find((endpoint) => endpoint.endpoint === REGIONAL)!;
    expect(regional).toMatchObject({ from: 1, to: 1, staleLock: { holder: 'az-x', secondsLeft: 86_400 } });
    expect(regional.changes.map((change) => change.action)).toEqual(['DELETE', 'CREATE']);
    expect(plan.endpoints.filter((endpoint) => endpoint.changes.length > 0)).toHaveLength(1);
    expect(leaseOf(lab.zone.lookup(lockName(REGIONAL, ZONE), 'TXT')[0])).toEqual({ holder: REPAIR_HOLDER, expiresAtMs: lab.clock.now(), token: 10 });
    expect(repairNeeded(await planRepair(contextOf(lab)))).toBe(false);
    expect(STALE_LOCK_SECONDS).toBeGreaterThan(LOCK_LEASE_SECONDS_MAX);
    // The automation goes on at once.
    await lab.plan(1);
    expect((await runEnactor(lab.enactor('az-a'))).status).toBe('cleaned');
    expect(lab.pointsAt(REGIONAL)).toBe(2);
  });

  it("after the plans table is lost, raises the Planner's counter past every generation it finds, so the next plan is newer", async () => {
    const lab = memoryLab();
    await outage(lab);
    const lost = new MemoryPlanStore();
    const ctx = { ...contextOf(lab), store: lost };
    const plan = await planRepair(ctx);
    // g6's tree is the newest left; the endpoints still point at g2 (gone). Nothing names a generation past 6.
    expect(plan).toMatchObject({ source: 'tree', restoreRow: true, plan: { generation: 6 }, counter: { from: 0, to: 6 } });
    await applyRepair(ctx, plan);
    expect(repairNeeded(await planRepair(ctx))).toBe(false);
    const settings = { endpoints: ENDPOINTS, pool: loadBalancerPool(3), seed: 7 };
    expect(await writePlans({ store: lost, clock: lab.clock, record: async () => {}, killSwitch: lab.killSwitch }, settings, 1)).toEqual([7]);
    lab.clock.time += 5_000;
    expect((await runEnactor({ ...lab.enactor('az-c'), store: lost })).status).toBe('cleaned');
    for (const endpoint of ENDPOINTS) expect(lab.pointsAt(endpoint)).toBe(7);
  });

  it("acts only on the lab's endpoints: a tree under another name is reported, never published, nor rebuilt from", async () => {
    const lab = memoryLab();
    await outage(lab);
    const tree = lab.zone.lookup(planTreeName(REGIONAL, 6, ZONE), 'A');
    const stray = 'stray.example';
    await lab.dns.change(tree.map((record) => ({ action: 'CREATE' as const, record: { ...record, name: planTreeName(stray, 9, ZONE) } })));
    for (const store of [lab.store, new MemoryPlanStore()]) {
      const ctx = { ...contextOf(lab), store };
      const plan = await planRepair(ctx);
      expect(plan.strays).toEqual([{ endpoint: stray, generations: [9], published: false }]);
      expect(plan.plan?.generation).toBe(6);
      expect(plan.endpoints.map((endpoint) => endpoint.endpoint).sort()).toEqual([...ENDPOINTS].sort());
    }
    await repaired(lab);
    expect(lab.zone.lookup(endpointName(stray, ZONE))).toEqual([]);
    expect(lab.zone.lookup(planTreeName(stray, 9, ZONE), 'A')).toHaveLength(tree.length);
  });

  it("says there is nothing to repair onto when no plan row and no tree of the lab's endpoints are left, naming a stray tree", async () => {
    const lab = memoryLab();
    expect(await planRepair(contextOf(lab))).toEqual({ restoreRow: false, endpoints: [], strays: [] });
    const record = { name: planTreeName('stray.example', 3, ZONE), type: 'A' as const, ttl: 1, values: ['10.99.0.1'], setIdentifier: 'lb-9', weight: 1 };
    await lab.dns.change([{ action: 'CREATE', record }]);
    expect(await planRepair(contextOf(lab))).toEqual({
      restoreRow: false,
      endpoints: [],
      strays: [{ endpoint: 'stray.example', generations: [3], published: false }],
    });
  });
});

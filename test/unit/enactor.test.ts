// The Enactor's steps against the real zone model: the one-time check, the
// single change batch (lock, tree, alias, rollback record), the lock's lease,
// the consistent read, retries, the stuck state, and what each safeguard changes.
import { describe, expect, it } from 'vitest';
import { cleanUp } from '../../lambdas/core/cleanup.ts';
import { aliasRecord, type RecordChange } from '../../lambdas/core/dns-records.ts';
import { leaseFrom, leaseOf, lockName, lockRecord, planTreeName, planTreeRecords, rollbackName } from '../../lambdas/core/dns-tree.ts';
import { applyEndpoint, begin, runEnactor } from '../../lambdas/core/enactor.ts';
import type { EnactorWork } from '../../lambdas/core/enactor-types.ts';
import { liveAddresses } from '../../lambdas/core/plan.ts';
import type { DnsZone } from '../../lambdas/core/ports.ts';
import { ENDPOINTS, memoryLab, ZONE } from '../support/memory-lab.ts';

const [REGIONAL, FIPS] = ENDPOINTS as [string, string, string];

async function workFor(lab: ReturnType<typeof memoryLab>, enactor: string): Promise<EnactorWork> {
  const started = await begin(lab.enactor(enactor));
  expect(started.status).toBe('ready');
  return started.work!;
}

describe('begin', () => {
  it('checks every endpoint from one read of the whole zone: one ListResourceRecordSets, every endpoint at one moment', async () => {
    const lab = memoryLab();
    await lab.plan(1);
    await runEnactor(lab.enactor('az-c'));
    await lab.plan(1);
    const reads: string[] = [];
    const dns: DnsZone = { recordsUnder: (name) => (reads.push(name), lab.dns.recordsUnder(name)), change: (changes) => lab.dns.change(changes) };
    const result = await begin({ ...lab.enactor('az-a'), dns });
    expect(result).toMatchObject({ status: 'ready', work: { checkedAgainst: 1 } });
    expect(reads).toEqual([ZONE]);
    reads.length = 0;
    await cleanUp({ ...lab.enactor('az-a'), dns }, result.work!);
    expect(reads).toEqual([ZONE]);
  });

  it('reports no-plan when the Planner has written nothing', async () => {
    const lab = memoryLab();
    expect((await begin(lab.enactor('az-a'))).status).toBe('no-plan');
  });

  it('picks the newest plan and remembers what it was checked against', async () => {
    const lab = memoryLab();
    await lab.plan(3);
    const result = await begin(lab.enactor('az-a'));
    expect(result).toMatchObject({ continue: true, status: 'ready', work: { checkedAgainst: null } });
    expect(result.work?.plan.generation).toBe(3);
  });

  it('stops when the newest plan is not newer than what an endpoint already points at', async () => {
    const lab = memoryLab();
    await lab.plan(1);
    await runEnactor(lab.enactor('az-c'));
    expect(await begin(lab.enactor('az-a'))).toMatchObject({ continue: false, status: 'up-to-date' });
  });
});

/** g1 applied by az-c; az-a begins with g2; the Planner writes `newer` more and az-b begins with the newest. Every lease is over. */
async function slowAndFast(lab: ReturnType<typeof memoryLab>, newer: number): Promise<{ slow: EnactorWork; fast: EnactorWork }> {
  await lab.plan(1);
  await runEnactor(lab.enactor('az-c'));
  await lab.plan(1);
  const slow = await workFor(lab, 'az-a');
  await lab.plan(newer);
  const fast = await workFor(lab, 'az-b');
  lab.clock.time += 5_000;
  return { slow, fast };
}

/** Deletes a plan's tree under every endpoint, as a clean-up would, leaving its row alone. */
async function deleteTree(lab: ReturnType<typeof memoryLab>, generation: number): Promise<void> {
  const changes: RecordChange[] = ENDPOINTS.flatMap((endpoint) =>
    lab.zone.lookup(planTreeName(endpoint, generation, ZONE)).map((record) => ({ action: 'DELETE' as const, record })),
  );
  await lab.dns.change(changes);
}

/** A DnsZone that lets `meanwhile` run once, right after the first read: another actor acting between a read and a batch. */
function interleaved(dns: DnsZone, meanwhile: () => Promise<void>): DnsZone {
  let pending: (() => Promise<void>) | undefined = meanwhile;
  return {
    async recordsUnder(name) {
      const records = await dns.recordsUnder(name);
      const run = pending;
      pending = undefined;
      await run?.();
      return records;
    },
    change: (changes) => dns.change(changes),
  };
}

describe('applying a plan to an endpoint', () => {
  it('writes the lock, the tree, the alias and the rollback record in one batch', async () => {
    const lab = memoryLab();
    await lab.plan(1);
    await runEnactor(lab.enactor('az-c'));
    await lab.plan(1);
    lab.clock.time += 5_000; // az-c's lease is over
    const versionBefore = lab.zone.version;
    const work = await workFor(lab, 'az-a');
    const result = await applyEndpoint(lab.enactor('az-a'), work, REGIONAL);
    expect(result.status).toBe('applied');
    expect(lab.zone.version).toBe(versionBefore + 1);
    expect(lab.pointsAt(REGIONAL)).toBe(2);
    expect(lab.zone.lookup(planTreeName(REGIONAL, 2, ZONE), 'A')).toEqual(planTreeRecords(work.plan, REGIONAL, ZONE));
    expect(await lab.addresses(REGIONAL)).toEqual(liveAddresses(work.plan).sort());
    expect(lab.zone.lookup(rollbackName(REGIONAL, ZONE), 'A')).toEqual([aliasRecord(rollbackName(REGIONAL, ZONE), 'A', planTreeName(REGIONAL, 1, ZONE))]);
    // DAT453's lock value: the holder and an expiry (the clock plus the whole lease, to the millisecond), and the
    // token: one more than that of the lock az-c left (1, its first).
    const lock = lab.zone.lookup(lockName(REGIONAL, ZONE), 'TXT')[0];
    expect(leaseOf(lock)).toEqual({ holder: 'az-a', expiresAtMs: lab.clock.now() + 2_000, token: 2 });
    expect(lock?.values).toEqual([`"holder=az-a expires=${(lab.clock.now() + 2_000) / 1000}.000 token=2"`]);
  });

  it("leaves the plan's tree exactly as the plan says: what else it holds is deleted in the same batch", async () => {
    const lab = memoryLab();
    await lab.plan(1);
    const work = await workFor(lab, 'az-a');
    const [first] = planTreeRecords(work.plan, REGIONAL, ZONE);
    const fips = planTreeName(FIPS, 1, ZONE);
    // Left in g1's trees before it is applied: a record set the plan does not have, and a simple A record that would clash with the weighted ones.
    await lab.dns.change([
      { action: 'CREATE', record: { ...first!, setIdentifier: 'stray', values: ['10.99.0.1'] } },
      { action: 'CREATE', record: { name: fips, type: 'A', ttl: 1, values: ['10.99.0.2'] } },
    ]);
    for (const endpoint of [REGIONAL, FIPS]) {
      expect((await applyEndpoint(lab.enactor('az-a'), work, endpoint)).status).toBe('applied');
      expect(lab.zone.lookup(planTreeName(endpoint, 1, ZONE), 'A')).toEqual(planTreeRecords(work.plan, endpoint, ZONE));
      expect(await lab.addresses(endpoint)).toEqual(liveAddresses(work.plan).sort());
    }
  });

  it('leaves load balancers at weight 0 out of the tree: that capacity was removed', async () => {
    const lab = memoryLab();
    await lab.plan(1);
    const work = await workFor(lab, 'az-a');
    const plan = { ...work.plan, loadBalancers: work.plan.loadBalancers.map((lb, i) => ({ ...lb, weight: i === 0 ? 0 : 2 })) };
    await applyEndpoint(lab.enactor('az-a'), { ...work, plan }, REGIONAL);
    expect(lab.zone.lookup(planTreeName(REGIONAL, 1, ZONE)).map((record) => record.setIdentifier)).toEqual(['lb-2', 'lb-3']);
  });

  it('without safeguards, writes a stale plan over a newer one: the check was made once, at begin', async () => {
    const lab = memoryLab();
    await lab.plan(1);
    const slow = await workFor(lab, 'az-a');
    await lab.plan(3);
    await runEnactor(lab.enactor('az-b'));
    lab.clock.time += 5_000; // az-b's lease is over
    expect(lab.pointsAt(REGIONAL)).toBe(4);
    expect((await applyEndpoint(lab.enactor('az-a'), slow, REGIONAL)).status).toBe('applied');
    expect(lab.pointsAt(REGIONAL)).toBe(1);
  });

  it.each(['write-time-check', 'recheck-each-endpoint'] as const)('with %s, refuses to write a plan older than the endpoint holds', async (safeguard) => {
    const lab = memoryLab();
    await lab.plan(1);
    const slow = await workFor(lab, 'az-a');
    await lab.plan(3);
    await runEnactor(lab.enactor('az-b'));
    lab.clock.time += 5_000;
    const result = await applyEndpoint(lab.enactor('az-a', { safeguards: [safeguard] }), slow, REGIONAL);
    expect(result).toMatchObject({ continue: false, status: 'stale' });
    expect(lab.pointsAt(REGIONAL)).toBe(4);
  });

  it('with write-time-check, the DynamoDB fence alone refuses a generation older than one already fenced', async () => {
    const lab = memoryLab();
    await lab.plan(2);
    const work = await workFor(lab, 'az-a');
    expect(await lab.store.advanceFence(REGIONAL, 5, 'az-b')).toBe(true);
    const result = await applyEndpoint(lab.enactor('az-a', { safeguards: ['write-time-check'] }), work, REGIONAL);
    expect(result.status).toBe('stale');
    expect(result.detail).toContain('fence');
    expect(lab.pointsAt(REGIONAL)).toBeUndefined();
  });

  it('retries with exponential backoff while throttled, then applies', async () => {
    const lab = memoryLab();
    await lab.plan(1);
    const ctx = lab.enactor('az-a', { faults: [{ kind: 'throttle', enactor: 'az-a', endpoint: REGIONAL, times: 3 }] });
    const result = await applyEndpoint(ctx, await workFor(lab, 'az-a'), REGIONAL);
    expect(result.status).toBe('applied');
    expect(lab.clock.sleeps).toEqual([100, 200, 400]);
    expect(lab.outcomes('az-a').filter((o) => o === 'apply:retry')).toHaveLength(3);
  });

  it('gives up after attemptsMax attempts', async () => {
    const lab = memoryLab();
    await lab.plan(1);
    const ctx = lab.enactor('az-a', { faults: [{ kind: 'throttle', enactor: 'az-a', endpoint: REGIONAL, times: 10 }] });
    expect((await applyEndpoint(ctx, await workFor(lab, 'az-a'), REGIONAL)).status).toBe('gave-up');
    expect(lab.clock.sleeps).toHaveLength(3);
    expect(lab.pointsAt(REGIONAL)).toBeUndefined();
  });

  it("held by a fault until another actor's event: retries past attemptsMax while it waits, then applies once the event is there", async () => {
    const lab = memoryLab();
    await lab.plan(1);
    const until = { actor: 'az-b', step: 'apply', outcome: 'applied' as const, endpoint: REGIONAL };
    const ctx = {
      ...lab.enactor('az-a', { faults: [{ kind: 'throttle', enactor: 'az-a', endpoint: REGIONAL, until }] }),
      history: () => lab.events.list(lab.runId),
    };
    const work = await workFor(lab, 'az-a');
    // The event arrives while az-a backs off for the 6th time (attemptsMax is 4).
    const sleep = ctx.clock.sleep.bind(ctx.clock);
    ctx.clock.sleep = async (ms: number) => {
      await sleep(ms);
      if (lab.clock.sleeps.length === 6)
        await lab.events.append({ runId: lab.runId, at: lab.clock.now(), actor: 'az-b', step: 'apply', outcome: 'applied', endpoint: REGIONAL });
    };
    const result = await applyEndpoint(ctx, work, REGIONAL);
    expect(result.status).toBe('applied');
    expect(lab.outcomes('az-a').filter((o) => o === 'apply:retry')).toHaveLength(6);
    expect(lab.pointsAt(REGIONAL)).toBe(1);
  });

  it('fails the step, naming the event, when a fault has held it longer than its limit', async () => {
    const lab = memoryLab();
    await lab.plan(1);
    const until = { actor: 'az-b', step: 'apply', outcome: 'applied' as const };
    const ctx = {
      ...lab.enactor('az-a', { faults: [{ kind: 'throttle', enactor: 'az-a', endpoint: REGIONAL, until }] }),
      history: () => lab.events.list(lab.runId),
      faultHoldMsMax: 1000,
    };
    await expect(applyEndpoint(ctx, await workFor(lab, 'az-a'), REGIONAL)).rejects.toThrow(
      `${REGIONAL}: an injected fault waited 1 s for "az-b apply applied", which never happened (raise gates.timeoutSeconds, or fix the fault's "until")`,
    );
    expect(lab.pointsAt(REGIONAL)).toBeUndefined();
  });
});

describe('the lock: a TXT lease with holder and expiry', () => {
  async function heldByAzB(lab: ReturnType<typeof memoryLab>): Promise<EnactorWork> {
    await lab.plan(1);
    const work = await workFor(lab, 'az-a');
    await lab.dns.change([{ action: 'CREATE', record: lockRecord(REGIONAL, { holder: 'az-b', expiresAtMs: lab.clock.now() + 1_000, token: 1 }, ZONE) }]);
    return work;
  }

  it("backs off while another Enactor's lease is live, and writes nothing", async () => {
    const lab = memoryLab();
    const work = await heldByAzB(lab);
    const versionBefore = lab.zone.version;
    const ctx = lab.enactor('az-a', { policy: { attemptsMax: 1 } });
    expect((await applyEndpoint(ctx, work, REGIONAL)).status).toBe('gave-up');
    expect(lab.zone.version).toBe(versionBefore);
    expect(lab.events.events.find((e) => e.outcome === 'retry')?.detail).toBe('attempt 1: lock held by az-b for 1.0 s more');
  });

  it('takes an expired lease over: deletes the exact value it read and creates its own', async () => {
    const lab = memoryLab();
    const work = await heldByAzB(lab);
    const ctx = lab.enactor('az-a', { policy: { backoffMs: 500, backoffMsMax: 500 } });
    expect((await applyEndpoint(ctx, work, REGIONAL)).status).toBe('applied');
    expect(lab.clock.sleeps).toEqual([500, 500]); // backed off until the lease ran out
    expect(leaseOf(lab.zone.lookup(lockName(REGIONAL, ZONE), 'TXT')[0])?.holder).toBe('az-a');
  });

  it('renews its own live lease', async () => {
    const lab = memoryLab();
    await lab.plan(2);
    const work = await workFor(lab, 'az-a');
    await applyEndpoint(lab.enactor('az-a'), work, REGIONAL);
    expect((await applyEndpoint(lab.enactor('az-a'), work, REGIONAL)).status).toBe('applied');
    expect(lab.clock.sleeps).toEqual([]);
  });

  it('lock-contention: a competing holder wins the lock between the read and the batch, so the batch fails; the others are not held back', async () => {
    const lab = memoryLab();
    await lab.plan(1);
    await runEnactor(lab.enactor('az-c'));
    lab.clock.time += 5_000;
    await lab.plan(1);
    const ctx = lab.enactor('az-a', { faults: [{ kind: 'lock-contention', enactor: 'az-a', endpoint: REGIONAL, times: 2 }] });
    const result = await applyEndpoint(ctx, await workFor(lab, 'az-a'), REGIONAL);
    expect(result.status).toBe('applied');
    const retries = lab.events.events.filter((e) => e.outcome === 'retry').map((e) => e.detail);
    expect(retries).toHaveLength(2);
    expect(retries).toEqual(['attempt 1: lost the lock (it changed since it was read)', 'attempt 2: lost the lock (it changed since it was read)']);
    // The contender's lease ended as it was taken: az-b goes straight through.
    await lab.dns.change([{ action: 'UPSERT', record: lockRecord(FIPS, { holder: 'contender', expiresAtMs: lab.clock.now(), token: 9 }, ZONE) }]);
    expect((await applyEndpoint(lab.enactor('az-b'), await workFor(lab, 'az-b'), FIPS)).status).toBe('applied');
  });
});

describe('the lock never repeats a value', () => {
  it('a batch built on a read of the lock is rejected once the same holder has rewritten it, at the same instant (no ABA)', async () => {
    const lab = memoryLab();
    // Leases over at once and a clock that stands still, as in the explorer: every write by one holder at one instant.
    const policy = { lockLeaseSeconds: 0 };
    await lab.plan(1);
    await runEnactor(lab.enactor('az-c', { policy }));
    await lab.plan(1);
    const stale = await workFor(lab, 'az-a');
    await lab.plan(1);
    const newer = await workFor(lab, 'az-c');
    // az-a reads REGIONAL (on g1, az-c's lock); az-c then moves it to g3, rewriting its own lock at the same instant.
    const dns = interleaved(lab.dns, async () => {
      expect((await applyEndpoint(lab.enactor('az-c', { policy }), newer, REGIONAL)).status).toBe('applied');
    });
    const result = await applyEndpoint({ ...lab.enactor('az-a', { policy }), dns }, stale, REGIONAL);
    expect(result.status).toBe('applied');
    const events = lab.events.events.filter((e) => e.actor === 'az-a' && e.step === 'apply').map((e) => `${e.outcome}: ${e.detail}`);
    // Route 53's exact-match DELETE of the value read fails: the lock changed. The retry reads g3 and says so.
    expect(events).toEqual(['retry: attempt 1: lost the lock (it changed since it was read)', 'applied: over g3']);
    expect(lab.zone.lookup(rollbackName(REGIONAL, ZONE), 'A')[0]?.alias?.target).toBe(planTreeName(REGIONAL, 3, ZONE));
  });

  it('each value carries a token one more than the value its writer deleted; a value written by hand or before tokens reads as token 0', () => {
    const first = leaseFrom('az-a', 5_000, 0, undefined);
    const second = leaseFrom('az-a', 5_000, 0, first);
    expect([first.token, second.token]).toEqual([1, 2]);
    expect(lockRecord(REGIONAL, first, ZONE).values).not.toEqual(lockRecord(REGIONAL, second, ZONE).values);
    expect(leaseOf(lockRecord(REGIONAL, second, ZONE))).toEqual(second);
    const byHand = { ...lockRecord(REGIONAL, first, ZONE), values: ['"holder=operator expires=0"'] };
    expect(leaseOf(byHand)).toEqual({ holder: 'operator', expiresAtMs: 0, token: 0 });
    expect(leaseOf({ ...byHand, values: ['"holder=az-b expires=1796147988.5 token=7"'] })).toEqual({ holder: 'az-b', expiresAtMs: 1796147988500, token: 7 });
    expect(leaseOf({ ...byHand, values: ['"something else"'] })).toBeUndefined();
  });

  it('a lease lasts what lockLeaseSeconds says, to the millisecond, wherever in a second it was taken', async () => {
    const lab = memoryLab();
    await lab.plan(1);
    lab.clock.time += 999; // late in a second: an expiry rounded to the second would cut the lease short
    await runEnactor(lab.enactor('az-c'));
    await lab.plan(1);
    const work = await workFor(lab, 'az-a');
    lab.clock.time += 1_999;
    const ctx = lab.enactor('az-a', { policy: { attemptsMax: 1 } });
    expect((await applyEndpoint(ctx, work, REGIONAL)).status).toBe('gave-up');
    expect(lab.events.events.find((e) => e.outcome === 'retry')?.detail).toBe('attempt 1: lock held by az-c for 0.0 s more');
    lab.clock.time += 1;
    expect((await applyEndpoint(ctx, work, REGIONAL)).status).toBe('applied');
  });
});

describe('the consistent read', () => {
  it('a batch built on a read that another Enactor overtook fails; the retry reports what it really wrote over', async () => {
    const lab = memoryLab();
    const { slow, fast } = await slowAndFast(lab, 2);
    // az-b moves the endpoint to g4 right after az-a's first read (az-b's lease then runs out).
    const dns = interleaved(lab.dns, async () => {
      await applyEndpoint(lab.enactor('az-b'), fast, REGIONAL);
      lab.clock.time += 5_000;
    });
    const result = await applyEndpoint({ ...lab.enactor('az-a'), dns }, slow, REGIONAL);
    expect(result.status).toBe('applied');
    const azA = lab.events.events.filter((e) => e.actor === 'az-a' && e.step === 'apply');
    expect(azA.map((e) => e.outcome)).toEqual(['retry', 'applied']);
    expect(azA[1]).toMatchObject({ generation: 2, over: 4, detail: 'over g4' });
    expect(lab.zone.lookup(rollbackName(REGIONAL, ZONE), 'A')[0]?.alias?.target).toBe(planTreeName(REGIONAL, 4, ZONE));
  });
});

describe('the stuck state: the rollback record cannot point at a tree that is gone', () => {
  it('is stuck when the active tree is gone from DNS, and changes nothing', async () => {
    const lab = memoryLab();
    await lab.plan(1);
    await runEnactor(lab.enactor('az-c'));
    await deleteTree(lab, 1);
    await lab.plan(1);
    lab.clock.time += 5_000;
    const versionBefore = lab.zone.version;
    const work = await workFor(lab, 'az-a');
    const result = await applyEndpoint(lab.enactor('az-a'), work, REGIONAL);
    expect(result).toMatchObject({ continue: false, status: 'stuck' });
    expect(result.detail).toBe('active tree g1 is gone from DNS: cannot write the rollback record');
    expect(lab.zone.version).toBe(versionBefore);
  });

  it("is not stuck re-applying the endpoint's own generation whose tree is gone: it writes that tree again", async () => {
    const lab = memoryLab();
    await lab.plan(1);
    const work = await workFor(lab, 'az-c');
    await applyEndpoint(lab.enactor('az-c'), work, REGIONAL);
    await deleteTree(lab, 1);
    lab.clock.time += 5_000;
    expect((await applyEndpoint(lab.enactor('az-a'), work, REGIONAL)).status).toBe('applied');
    expect(await lab.addresses(REGIONAL)).not.toEqual([]);
  });

  it("is not stuck when only the active plan's row is gone: the rollback record needs only the generation", async () => {
    const lab = memoryLab();
    await lab.plan(1);
    await runEnactor(lab.enactor('az-c'));
    await lab.store.deletePlan(1);
    await lab.plan(1);
    lab.clock.time += 5_000;
    expect((await applyEndpoint(lab.enactor('az-a'), await workFor(lab, 'az-a'), REGIONAL)).status).toBe('applied');
    expect(lab.zone.lookup(rollbackName(REGIONAL, ZONE), 'A')[0]?.alias?.target).toBe(planTreeName(REGIONAL, 1, ZONE));
  });

  it('with self-heal, applies the newest plan when the active tree is gone, and writes no rollback record', async () => {
    const lab = memoryLab();
    await lab.plan(1);
    await runEnactor(lab.enactor('az-c'));
    await lab.plan(1);
    const older = await workFor(lab, 'az-a');
    await deleteTree(lab, 1);
    await lab.plan(1);
    lab.clock.time += 5_000;
    const result = await applyEndpoint(lab.enactor('az-a', { safeguards: ['self-heal'] }), older, REGIONAL);
    expect(result.status).toBe('applied');
    expect(lab.pointsAt(REGIONAL)).toBe(3);
    expect(lab.outcomes('az-a')).toContain('apply:self-heal');
    expect(lab.zone.lookup(rollbackName(REGIONAL, ZONE), 'A')).toEqual([]);
  });
});

describe('a plan with no live load balancer (a Planner fault)', () => {
  async function emptyPlanLab() {
    const lab = memoryLab();
    await lab.plan(1);
    await runEnactor(lab.enactor('az-c'));
    lab.clock.time += 5_000;
    const empty = {
      ...(await lab.store.getPlan(1))!,
      generation: 2,
      loadBalancers: (await lab.store.getPlan(1))!.loadBalancers.map((lb) => ({ ...lb, weight: 0 })),
    };
    await lab.store.nextGeneration();
    await lab.store.putPlan(empty);
    return lab;
  }

  it('never-empty refuses it before writing anything', async () => {
    const lab = await emptyPlanLab();
    const result = await applyEndpoint(lab.enactor('az-a', { safeguards: ['never-empty'] }), await workFor(lab, 'az-a'), REGIONAL);
    expect(result).toMatchObject({ status: 'refused', detail: 'g2 has no live load balancer' });
    expect(lab.pointsAt(REGIONAL)).toBe(1);
  });

  it('without never-empty, Route 53 rejects the alias to an empty tree: the Enactor retries and gives up, and DNS still answers', async () => {
    const lab = await emptyPlanLab();
    const result = await applyEndpoint(lab.enactor('az-a'), await workFor(lab, 'az-a'), REGIONAL);
    expect(result.status).toBe('gave-up');
    expect(lab.events.events.find((e) => e.outcome === 'retry')?.detail).toContain('but that target was not found');
    expect(lab.pointsAt(REGIONAL)).toBe(1);
    expect(await lab.addresses(REGIONAL)).not.toEqual([]);
  });
});

describe('clean-up', () => {
  async function raceToStaleWrite(lab: ReturnType<typeof memoryLab>) {
    const { slow, fast } = await slowAndFast(lab, 4);
    for (const endpoint of ENDPOINTS) await applyEndpoint(lab.enactor('az-b'), fast, endpoint);
    lab.clock.time += 5_000;
    for (const endpoint of ENDPOINTS) await applyEndpoint(lab.enactor('az-a'), slow, endpoint);
    return fast;
  }

  it('deletes plans more than keepGenerations older, rows and trees: the live stale plan too, so DNS answers nothing', async () => {
    const lab = memoryLab();
    const fast = await raceToStaleWrite(lab);
    expect(lab.pointsAt(REGIONAL)).toBe(2);
    expect(await lab.addresses(REGIONAL)).not.toEqual([]);
    await cleanUp(lab.enactor('az-b'), fast);
    expect(await lab.store.listGenerations()).toEqual([4, 5, 6]);
    expect(lab.zone.lookup(planTreeName(REGIONAL, 2, ZONE))).toEqual([]);
    for (const endpoint of ENDPOINTS) expect(await lab.addresses(endpoint)).toEqual([]);
  });

  it('also deletes an old tree whose row is already gone', async () => {
    const lab = memoryLab();
    const fast = await raceToStaleWrite(lab);
    await lab.store.deletePlan(1);
    await cleanUp(lab.enactor('az-b'), fast);
    expect(lab.zone.lookup(planTreeName(REGIONAL, 1, ZONE))).toEqual([]);
    expect(lab.events.events.find((e) => e.actor === 'az-b' && e.step === 'cleanup' && e.generation === 1)?.detail).toBe(
      'tree only (its row was already gone)',
    );
  });

  it('with protect-active, keeps the plan endpoints point at, row and tree, and deletes the others', async () => {
    const lab = memoryLab();
    const fast = await raceToStaleWrite(lab);
    await cleanUp(lab.enactor('az-b', { safeguards: ['protect-active'] }), fast);
    expect(await lab.store.listGenerations()).toEqual([2, 4, 5, 6]);
    expect(await lab.addresses(FIPS)).not.toEqual([]);
    expect(lab.outcomes('az-b')).toContain('cleanup:kept');
  });

  it('with protect-active, keeps the row of a plan an endpoint points at even when its tree is already gone', async () => {
    const lab = memoryLab();
    const fast = await raceToStaleWrite(lab);
    await deleteTree(lab, 2);
    await cleanUp(lab.enactor('az-b', { safeguards: ['protect-active'] }), fast);
    expect(await lab.store.getPlan(2)).toBeDefined();
  });

  it('with protect-active, the check and the deletion are one batch: an endpoint that moves onto the plan meanwhile makes it retry and keep the plan', async () => {
    const lab = memoryLab();
    const { slow, fast } = await slowAndFast(lab, 4);
    for (const endpoint of ENDPOINTS) await applyEndpoint(lab.enactor('az-b'), fast, endpoint);
    lab.clock.time += 5_000;
    // az-a writes its stale g2 right after the clean-up's first read.
    const dns = interleaved(lab.dns, async () => {
      await applyEndpoint(lab.enactor('az-a'), slow, REGIONAL);
    });
    await cleanUp({ ...lab.enactor('az-b', { safeguards: ['protect-active'] }), dns }, fast);
    expect(lab.pointsAt(REGIONAL)).toBe(2);
    expect(await lab.store.getPlan(2)).toBeDefined();
    expect(await lab.addresses(REGIONAL)).not.toEqual([]);
  });

  it('with protect-active, gives up on a plan the zone keeps changing under, without failing: the next clean-up deletes it', async () => {
    const lab = memoryLab();
    const fast = await raceToStaleWrite(lab);
    // Another Enactor takes FIPS's lock right after every read the clean-up makes, so each of its batches fails.
    let reads = 0;
    const dns: DnsZone = {
      async recordsUnder(name) {
        const records = await lab.dns.recordsUnder(name);
        const lock = lab.zone.lookup(lockName(FIPS, ZONE))[0];
        const taken = lockRecord(FIPS, leaseFrom('az-c', ++reads * 1000, 2, leaseOf(lock)), ZONE);
        await lab.dns.change([...(lock ? [{ action: 'DELETE' as const, record: lock }] : []), { action: 'CREATE', record: taken }]);
        return records;
      },
      change: (changes) => lab.dns.change(changes),
    };
    const ctx = lab.enactor('az-b', { safeguards: ['protect-active'] });
    const result = await cleanUp({ ...ctx, dns }, fast);
    expect(result.status).toBe('cleaned');
    expect(reads).toBe(ctx.policy.attemptsMax);
    const gaveUp = lab.events.events.find((e) => e.actor === 'az-b' && e.step === 'cleanup' && e.outcome === 'gave-up');
    expect(gaveUp?.generation).toBe(1);
    expect(gaveUp?.detail).toBe(`the zone kept changing for ${ctx.policy.attemptsMax} attempts; g1, g2, g3 left for the next clean-up`);
    expect(await lab.store.listGenerations()).toEqual([1, 2, 3, 4, 5, 6]);
    // Once the zone is still, the next clean-up deletes what was left (and keeps g2, which FIPS points at).
    await cleanUp(lab.enactor('az-b', { safeguards: ['protect-active'] }), fast);
    expect(await lab.store.listGenerations()).toEqual([2, 4, 5, 6]);
  });

  it('with never-empty, keeps the tree of the live plan but still deletes its row', async () => {
    const lab = memoryLab();
    const fast = await raceToStaleWrite(lab);
    await cleanUp(lab.enactor('az-b', { safeguards: ['never-empty'] }), fast);
    expect(await lab.addresses(REGIONAL)).not.toEqual([]);
    expect(await lab.store.getPlan(2)).toBeUndefined();
    expect(lab.outcomes('az-b')).toContain('cleanup:refused');
  });
});

// The Enactor's steps against the real zone model: the one-time check, the
// single change batch, retries, the stuck state, and what each safeguard changes.
import { describe, expect, it } from 'vitest';
import { applyEndpoint, begin, runEnactor, type EnactorWork } from '../../lambdas/core/enactor.ts';
import { cleanUp } from '../../lambdas/core/cleanup.ts';
import { lockName, planSubtreeName, rollbackName } from '../../lambdas/core/dns-tree.ts';
import { ENDPOINTS, memoryLab, ZONE } from '../support/memory-lab.ts';

const [REGIONAL, FIPS] = ENDPOINTS as [string, string, string];

async function workFor(lab: ReturnType<typeof memoryLab>, enactor: string): Promise<EnactorWork> {
  const started = await begin(lab.enactor(enactor));
  expect(started.status).toBe('ready');
  return started.work!;
}

describe('begin', () => {
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

describe('applying a plan to an endpoint', () => {
  it('writes the subtree, the CNAME, the lock and the rollback record in one batch', async () => {
    const lab = memoryLab();
    await lab.plan(1);
    await runEnactor(lab.enactor('az-c'));
    await lab.plan(1);
    const versionBefore = lab.zone.version;
    const result = await applyEndpoint(lab.enactor('az-a'), await workFor(lab, 'az-a'), REGIONAL);
    expect(result.status).toBe('applied');
    expect(lab.zone.version).toBe(versionBefore + 1);
    expect(lab.pointsAt(REGIONAL)).toBe(2);
    expect(lab.zone.lookup(planSubtreeName(REGIONAL, 2, ZONE), 'A')).toHaveLength(3);
    expect(lab.zone.lookup(lockName(REGIONAL, ZONE), 'TXT')[0]?.values[0]).toContain('enactor=az-a generation=2');
    expect(lab.zone.lookup(rollbackName(REGIONAL, ZONE), 'CNAME')[0]?.values[0]).toBe(planSubtreeName(REGIONAL, 1, ZONE));
  });

  it('without safeguards, writes a stale plan over a newer one: the check was made once, at begin', async () => {
    const lab = memoryLab();
    await lab.plan(1);
    const slow = await workFor(lab, 'az-a');
    await lab.plan(3);
    await runEnactor(lab.enactor('az-b'));
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

  it('retries when another writer takes the lock between its read and its batch (real InvalidChangeBatch)', async () => {
    const lab = memoryLab();
    await lab.plan(1);
    await runEnactor(lab.enactor('az-c'));
    await lab.plan(1);
    const ctx = lab.enactor('az-a', { faults: [{ kind: 'lock-contention', enactor: 'az-a', endpoint: REGIONAL, times: 2 }] });
    const result = await applyEndpoint(ctx, await workFor(lab, 'az-a'), REGIONAL);
    expect(result.status).toBe('applied');
    expect(lab.events.events.filter((e) => e.outcome === 'retry').map((e) => e.detail)).toEqual([
      'attempt 1: lock or record changed',
      'attempt 2: lock or record changed',
    ]);
  });

  it('gives up after attemptsMax attempts', async () => {
    const lab = memoryLab();
    await lab.plan(1);
    const ctx = lab.enactor('az-a', { faults: [{ kind: 'throttle', enactor: 'az-a', endpoint: REGIONAL, times: 10 }] });
    expect((await applyEndpoint(ctx, await workFor(lab, 'az-a'), REGIONAL)).status).toBe('gave-up');
    expect(lab.clock.sleeps).toHaveLength(3);
    expect(lab.pointsAt(REGIONAL)).toBeUndefined();
  });

  it('held by a fault until another actor\'s event: retries past attemptsMax while it waits, then applies once the event is there', async () => {
    const lab = memoryLab();
    await lab.plan(1);
    const until = { actor: 'az-b', step: 'apply', outcome: 'applied' as const, endpoint: REGIONAL };
    const ctx = { ...lab.enactor('az-a', { faults: [{ kind: 'throttle', enactor: 'az-a', endpoint: REGIONAL, until }] }), history: () => lab.events.list(lab.runId) };
    const work = await workFor(lab, 'az-a');
    // The event arrives while az-a backs off for the 6th time (attemptsMax is 4).
    const sleep = ctx.clock.sleep.bind(ctx.clock);
    ctx.clock.sleep = async (ms) => {
      await sleep(ms);
      if (lab.clock.sleeps.length === 6) await lab.events.append({ runId: lab.runId, at: lab.clock.now(), actor: 'az-b', step: 'apply', outcome: 'applied', endpoint: REGIONAL });
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
    const ctx = { ...lab.enactor('az-a', { faults: [{ kind: 'throttle', enactor: 'az-a', endpoint: REGIONAL, until }] }), history: () => lab.events.list(lab.runId), faultHoldMaxMs: 1000 };
    await expect(applyEndpoint(ctx, await workFor(lab, 'az-a'), REGIONAL)).rejects.toThrow(
      `${REGIONAL}: an injected fault waited 1 s for "az-b apply applied", which never happened (raise gates.timeoutSeconds, or fix the fault's "until")`,
    );
    expect(lab.pointsAt(REGIONAL)).toBeUndefined();
  });

  it('is stuck when the endpoint points at a plan that is gone, and changes nothing', async () => {
    const lab = memoryLab();
    await lab.plan(1);
    await runEnactor(lab.enactor('az-c'));
    await lab.store.deletePlan(1);
    await lab.plan(1);
    const versionBefore = lab.zone.version;
    const work = await workFor(lab, 'az-a');
    expect(work.plan.generation).toBe(2);
    const result = await applyEndpoint(lab.enactor('az-a'), work, REGIONAL);
    expect(result).toMatchObject({ continue: false, status: 'stuck' });
    expect(result.detail).toContain('g1 is missing');
    expect(lab.zone.version).toBe(versionBefore);
  });

  it('with self-heal, applies the newest plan when the active one is gone', async () => {
    const lab = memoryLab();
    await lab.plan(1);
    await runEnactor(lab.enactor('az-c'));
    await lab.plan(1);
    const older = await workFor(lab, 'az-a');
    await lab.store.deletePlan(1);
    await lab.plan(1);
    const result = await applyEndpoint(lab.enactor('az-a', { safeguards: ['self-heal'] }), older, REGIONAL);
    expect(result.status).toBe('applied');
    expect(lab.pointsAt(REGIONAL)).toBe(3);
    expect(lab.outcomes('az-a')).toContain('apply:self-heal');
  });
});

describe('clean-up', () => {
  async function raceToStaleWrite(lab: ReturnType<typeof memoryLab>) {
    await lab.plan(1);
    await runEnactor(lab.enactor('az-c'));
    await lab.plan(1);
    const slow = await workFor(lab, 'az-a');
    await lab.plan(4);
    const fast = await workFor(lab, 'az-b');
    for (const endpoint of ENDPOINTS) await applyEndpoint(lab.enactor('az-b'), fast, endpoint);
    for (const endpoint of ENDPOINTS) await applyEndpoint(lab.enactor('az-a'), slow, endpoint);
    return fast;
  }

  it('deletes plans more than keepGenerations older, rows and subtrees: the live stale plan too, so DNS goes empty', async () => {
    const lab = memoryLab();
    const fast = await raceToStaleWrite(lab);
    expect(lab.pointsAt(REGIONAL)).toBe(2);
    expect(lab.addresses(REGIONAL)).toHaveLength(3);
    await cleanUp(lab.enactor('az-b'), fast);
    expect(await lab.store.listGenerations()).toEqual([4, 5, 6]);
    expect(lab.zone.lookup(planSubtreeName(REGIONAL, 2, ZONE))).toEqual([]);
    for (const endpoint of ENDPOINTS) expect(lab.addresses(endpoint)).toEqual([]);
  });

  it('with protect-active, keeps the plan endpoints point at and deletes the others', async () => {
    const lab = memoryLab();
    const fast = await raceToStaleWrite(lab);
    await cleanUp(lab.enactor('az-b', { safeguards: ['protect-active'] }), fast);
    expect(await lab.store.listGenerations()).toEqual([2, 4, 5, 6]);
    expect(lab.addresses(FIPS)).toHaveLength(3);
    expect(lab.outcomes('az-b')).toContain('cleanup:kept');
  });

  it('with never-empty, keeps the DNS records of the live plan but still deletes its row', async () => {
    const lab = memoryLab();
    const fast = await raceToStaleWrite(lab);
    await cleanUp(lab.enactor('az-b', { safeguards: ['never-empty'] }), fast);
    expect(lab.addresses(REGIONAL)).toHaveLength(3);
    expect(await lab.store.getPlan(2)).toBeUndefined();
    expect(lab.outcomes('az-b')).toContain('cleanup:refused');
  });
});

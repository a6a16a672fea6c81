// The kill switch (the freeze), honoured by the domain code: the Planner before
// each plan, every Enactor at the start of its cycle, before each attempt and
// right before its change batch, and its clean-up before each deletion. Thrown
// mid-cycle, it stops the very next write. Against the real zone model and the
// in-memory plan store, with the switch thrown at the moment under test.
import { describe, expect, it } from 'vitest';
import { cleanUp } from '../../lambdas/core/cleanup.ts';
import { applyEndpoint, begin, runEnactor } from '../../lambdas/core/enactor.ts';
import { ENACTOR_IDS } from '../../lambdas/core/events.ts';
import { describeThrown } from '../../lambdas/core/kill-switch.ts';
import type { DnsZone } from '../../lambdas/core/ports.ts';
import { ENDPOINTS, memoryLab, ZONE } from '../support/memory-lab.ts';

const [REGIONAL, FIPS] = ENDPOINTS as [string, string, string];

/** The zone's records, as text: what must not change while the switch is thrown. */
const zoneText = async (lab: ReturnType<typeof memoryLab>) => JSON.stringify(await lab.dns.recordsUnder(ZONE));

/** A zone that throws the kill switch right after a call: `when` picks the call (a read of an endpoint, or a batch). */
function throwingAfter(lab: ReturnType<typeof memoryLab>, when: 'read' | 'change', count = 1): DnsZone {
  let seen = 0;
  const after = async <T>(result: T, kind: 'read' | 'change') => {
    if (kind === when && ++seen === count) await lab.killSwitch.set({ thrown: true, by: 'operator' });
    return result;
  };
  return {
    recordsUnder: async (name) => after(await lab.dns.recordsUnder(name), 'read'),
    change: async (changes) => after(await lab.dns.change(changes), 'change'),
  };
}

describe('the Planner and the kill switch', () => {
  it('thrown, writes no plan and takes no generation; records frozen', async () => {
    const lab = memoryLab();
    await lab.plan(1);
    await lab.killSwitch.set({ thrown: true, by: 'operator', reason: 'stop' });
    expect(await lab.plan(3)).toEqual([]);
    expect(await lab.store.listGenerations()).toEqual([1]);
    expect(await lab.store.generationCounter()).toBe(1);
    expect(lab.events.events.filter((event) => event.actor === 'planner').at(-1)).toMatchObject({
      step: 'plan',
      outcome: 'frozen',
      detail: 'kill switch thrown by operator (stop): no plan written',
    });
    await lab.killSwitch.set({ thrown: false });
    expect(await lab.plan(1)).toEqual([2]);
  });

  it('thrown between two plans of one step, writes no more', async () => {
    const lab = memoryLab();
    let reads = 0;
    // The switch as the Planner reads it: thrown from its third read on.
    const killSwitch = { read: async () => ({ thrown: ++reads >= 3 }) };
    const { writePlans } = await import('../../lambdas/core/planner.ts');
    const { loadBalancerPool } = await import('../../lambdas/core/planner.ts');
    const written = await writePlans(
      {
        store: lab.store,
        clock: lab.clock,
        record: async (fields) => void lab.events.events.push({ runId: 'r', at: 0, actor: 'planner', ...fields }),
        killSwitch,
      },
      { endpoints: ENDPOINTS, pool: loadBalancerPool(3), seed: 7 },
      5,
    );
    expect(written).toEqual([1, 2]);
    expect(lab.outcomes('planner')).toEqual(['plan:written', 'plan:written', 'plan:frozen']);
  });
});

describe('every Enactor and the kill switch', () => {
  it.each(ENACTOR_IDS)('%s, thrown before its cycle, begins nothing and changes nothing', async (enactor) => {
    const lab = memoryLab();
    await lab.plan(1);
    await lab.killSwitch.set({ thrown: true, by: 'operator' });
    const before = await zoneText(lab);
    expect(await runEnactor(lab.enactor(enactor))).toMatchObject({
      continue: false,
      status: 'frozen',
      detail: 'kill switch thrown by operator: no cycle begun',
    });
    expect(await begin(lab.enactor(enactor))).toMatchObject({ continue: false, status: 'frozen' });
    expect(await zoneText(lab)).toBe(before);
    expect(lab.outcomes(enactor)).toEqual(['begin:frozen', 'begin:frozen']);
  });

  it('thrown between an attempt’s read and its change batch, sends no batch: the next write is stopped', async () => {
    const lab = memoryLab();
    await lab.plan(1);
    const started = await begin(lab.enactor('az-a'));
    // The switch is thrown the moment az-a's attempt has read the endpoint: its batch is next.
    const dns = throwingAfter(lab, 'read');
    const before = await zoneText(lab);
    const result = await applyEndpoint({ ...lab.enactor('az-a'), dns }, started.work!, REGIONAL);
    expect(result).toMatchObject({ continue: false, status: 'frozen', detail: 'kill switch thrown by operator: g1 not written' });
    expect(await zoneText(lab)).toBe(before);
    expect(lab.pointsAt(REGIONAL)).toBeUndefined();
    expect(lab.events.events.at(-1)).toMatchObject({ actor: 'az-a', step: 'apply', outcome: 'frozen', generation: 1, endpoint: REGIONAL });
  });

  it('thrown after the first endpoint of a cycle, leaves the rest as they were and never cleans up', async () => {
    const lab = memoryLab();
    await lab.plan(1);
    await runEnactor(lab.enactor('az-c'));
    await lab.plan(2);
    lab.clock.time += 5_000;
    const dns = throwingAfter(lab, 'change');
    const result = await runEnactor({ ...lab.enactor('az-b'), dns });
    expect(result).toMatchObject({ status: 'frozen' });
    expect([REGIONAL, FIPS].map((endpoint) => lab.pointsAt(endpoint))).toEqual([3, 1]);
    expect(lab.outcomes('az-b')).toEqual(['begin:ready', 'apply:applied', 'apply:frozen']);
    expect(await lab.store.listGenerations()).toEqual([1, 2, 3]);
  });

  it('thrown while an attempt backs off, stops at the next attempt (it does not retry on)', async () => {
    const lab = memoryLab();
    await lab.plan(1);
    const started = await begin(lab.enactor('az-a'));
    // Throttled on every attempt; the switch is thrown while the first backoff sleeps.
    const ctx = lab.enactor('az-a', { faults: [{ kind: 'throttle', enactor: 'az-a', endpoint: REGIONAL, times: 10 }] });
    const sleep = ctx.clock.sleep.bind(ctx.clock);
    const clock = { now: () => ctx.clock.now(), sleep: async (ms: number) => (await lab.killSwitch.set({ thrown: true }), sleep(ms)) };
    expect(await applyEndpoint({ ...ctx, clock }, started.work!, REGIONAL)).toMatchObject({ status: 'frozen' });
    expect(lab.outcomes('az-a')).toEqual(['begin:ready', 'apply:retry', 'apply:frozen']);
  });

  it('clean-up: thrown at its start, lists nothing; thrown during its first deletion, deletes no more and says what it left', async () => {
    const lab = memoryLab();
    await lab.plan(1);
    await runEnactor(lab.enactor('az-c'));
    await lab.plan(4);
    const started = await begin(lab.enactor('az-b'));
    for (const endpoint of ENDPOINTS) await applyEndpoint(lab.enactor('az-b'), started.work!, endpoint);
    // keepGenerations 2: applying g5 deletes g1 and g2.
    await lab.killSwitch.set({ thrown: true });
    expect(await cleanUp(lab.enactor('az-b'), started.work!)).toMatchObject({ status: 'frozen', detail: 'kill switch thrown: no clean-up' });
    await lab.killSwitch.set({ thrown: false });
    const dns = throwingAfter(lab, 'change');
    // The switch is thrown once g1's trees are gone: its row goes with them (one deletion), g2 is not touched.
    expect(await cleanUp({ ...lab.enactor('az-b'), dns }, started.work!)).toMatchObject({
      status: 'frozen',
      detail: 'kill switch thrown by operator: g2 not deleted',
    });
    expect(await lab.store.listGenerations()).toEqual([2, 3, 4, 5]);
    expect(lab.outcomes('az-b').slice(-3)).toEqual(['cleanup:frozen', 'cleanup:deleted', 'cleanup:frozen']);
  });
});

describe('what a frozen event says', () => {
  it('names who threw the switch and why, within bounds', () => {
    expect(describeThrown({ thrown: true })).toBe('kill switch thrown');
    expect(describeThrown({ thrown: true, by: 'alice', reason: 'race in us-east-1' })).toBe('kill switch thrown by alice (race in us-east-1)');
    expect(describeThrown({ thrown: true, by: 'x'.repeat(500) }).length).toBeLessThan(150);
  });
});

// The Enactor as a state value and moves: the value is plain JSON, and driving
// from a JSON copy of it is driving from it; the explorer starts a forked
// Enactor's move again from such a copy, and fails an Enactor whose move makes
// a second call on the world, naming the move, rather than key it wrongly.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BOUNDS, type ExplorerConfig } from '../../explorer/config.ts';
import { enactorContext, Execution, frozenContext } from '../../explorer/execution.ts';
import { enactorContextOf } from '../../lambdas/enactor/handler.ts';
import { enactorInputSchema } from '../../lambdas/task-input.ts';
import { MemoryLab } from '../../local/memory-lab.ts';
import { loadScenario } from '../../scenario/files.ts';
import { labSettings } from '../../scenario/schedule.ts';
import { crashes } from '../../explorer/invariants.ts';
import { exhaustive } from '../../explorer/search.ts';
import { drive, takeMove, type Move } from '../../lambdas/core/enactor-driver.ts';
import { cycleState, isEnd, type EnactorState } from '../../lambdas/core/enactor-state.ts';
import type { EnactorContext } from '../../lambdas/core/enactor-types.ts';
import { MOVES, runEnactor } from '../../lambdas/core/enactor.ts';
import type { EventFields } from '../../lambdas/core/events.ts';
import type { Fault } from '../../lambdas/core/faults.ts';
import { writePlans, loadBalancerPool } from '../../lambdas/core/planner.ts';
import { NEVER_THROWN } from '../../lambdas/core/kill-switch.ts';
import { SafeguardSet, type Safeguard } from '../../lambdas/core/safeguards/index.ts';
import { MemoryDnsZone } from '../../local/memory-dns-zone.ts';
import { MemoryPlanStore } from '../../local/memory-plan-store.ts';
import { ZoneRecords } from '../../local/route53/zone-model.ts';
import { ENDPOINTS, ManualClock, POLICY, ZONE } from '../support/memory-lab.ts';

/** A world, and an Enactor context on it that keeps its events in `events`. */
function lab(zone: ZoneRecords, store: MemoryPlanStore, time: number, safeguards: Safeguard[], faults: Fault[]) {
  const events: EventFields[] = [];
  const clock = new ManualClock();
  clock.time = time;
  const ctx: EnactorContext = {
    enactor: 'az-a',
    zone: ZONE,
    store,
    dns: new MemoryDnsZone(zone),
    clock,
    record: async (fields) => void events.push(fields),
    killSwitch: NEVER_THROWN,
    safeguards: new SafeguardSet(safeguards),
    policy: POLICY,
    faults,
  };
  return { zone, store, clock, ctx, events };
}

describe('the Enactor as a state value', () => {
  it.each([
    ['protect-active and self-heal, a lost lock and throttling', ['protect-active', 'self-heal'] as Safeguard[]],
    ['write-time-check and recheck-each-endpoint', ['write-time-check', 'recheck-each-endpoint'] as Safeguard[]],
  ])('round-trips through JSON at every move, and driving from the copy ends the same (%s)', async (_, safeguards) => {
    const faults: Fault[] = [
      { kind: 'lock-contention', enactor: 'az-a', endpoint: ENDPOINTS[0]!, times: 1 },
      { kind: 'throttle', enactor: 'az-a', endpoint: ENDPOINTS[1]!, times: 1 },
    ];
    // g1 applied everywhere, then three newer plans: the Enactor applies g4 and cleans up g1.
    const start = lab(ZoneRecords.withApexRecords(ZONE), new MemoryPlanStore(), 1_000_000, [], []);
    const settings = { endpoints: ENDPOINTS, pool: loadBalancerPool(2), seed: 7 };
    await writePlans(start.ctx, settings, 1);
    await runEnactor(start.ctx);
    await writePlans(start.ctx, settings, 3);

    const run = lab(start.zone, start.store, start.clock.time, safeguards, faults);
    const seen = new Set<string>();
    let state: EnactorState = cycleState();
    for (;;) {
      seen.add(state.at);
      const text = JSON.stringify(state);
      expect(JSON.parse(text)).toEqual(state);
      expect(structuredClone(state)).toEqual(state);
      // From here, on two copies of the world as it is now: once from the value, once from its JSON copy.
      const [a, b] = [0, 1].map(() => lab(run.zone.clone(), run.store.clone(), run.clock.time, safeguards, faults));
      const [fromValue, fromCopy] = [await drive(a!.ctx, structuredClone(state), MOVES), await drive(b!.ctx, JSON.parse(text) as EnactorState, MOVES)];
      expect(fromCopy).toEqual(fromValue);
      expect(b!.events).toEqual(a!.events);
      expect(b!.zone.fingerprint()).toBe(a!.zone.fingerprint());
      expect(b!.store.fingerprint()).toBe(a!.store.fingerprint());
      const next = await takeMove(run.ctx, state, MOVES);
      if (isEnd(next)) {
        expect(next.end.status).toBe('cleaned');
        break;
      }
      state = next;
    }
    // The cycle went through the moves that matter: the attempts, the batch, clean-up's.
    for (const at of ['begin', 'check-applied', 'before-endpoint', 'read', 'before-write', 'send', 'cleanup', 'cleanup-read', 'cleanup-delete', 'cleanup-row'])
      expect(seen).toContain(at);
    if (safeguards.includes('protect-active')) expect(seen).toContain('contend');
  });

  const config: ExplorerConfig = { ...DEFAULT_BOUNDS, enactors: 2, endpoints: 1, generations: 3, safeguards: [] };
  const moves = MOVES as unknown as Record<string, Move<never>>;

  /** Runs `check` with the begin move replaced by one that makes `extra` call before its own. */
  async function withTwoCalls(extra: (ctx: EnactorContext) => Promise<unknown>, check: () => Promise<void>): Promise<void> {
    const begin = moves.begin!;
    moves.begin = async (ctx: EnactorContext, state: never) => {
      await extra(ctx);
      return begin(ctx, state);
    };
    try {
      await check();
    } finally {
      moves.begin = begin;
    }
  }

  it('fails an Enactor whose move makes a second call on the world, naming the move and saying to split it', async () => {
    const message = /^az-a failed: the move "begin" made a second call on the world \(store\.listGenerations, then store\.newestPlan\): .*split it in two/;
    await withTwoCalls(
      (ctx) => ctx.store.listGenerations(),
      async () => {
        // az-a's first call goes through; its second fails it.
        const execution = await Execution.replay(config, [1]);
        expect(execution.actors[1]!.status).toBe('failed');
        expect(crashes(execution.actors).map((crash) => crash.detail)).toEqual([expect.stringMatching(message)]);
        // The search says so as a violation, with its schedule, and goes on.
        const result = await exhaustive(config, { stopOn: ['no-crash'] });
        expect(result.violations['no-crash']?.detail).toMatch(message);
      },
    );
  });

  it('fails it even when the move catches the refusal of its second call', async () => {
    await withTwoCalls(
      (ctx) => ctx.store.listGenerations().then(() => ctx.store.newestPlan().catch(() => undefined)),
      async () => {
        const execution = await Execution.replay(config, [1]);
        expect(crashes(execution.actors).map((crash) => crash.detail)).toEqual([expect.stringMatching(/the move "begin" made a second call/)]);
      },
    );
  });
});

describe('what the explorer drives is what a Lambda runs', () => {
  it('the context an Enactor sees has the same fields, of the same kinds, and is frozen, under the explorer and in the Lambda', async () => {
    const scenario = await loadScenario('oct-2025');
    const settings = { ...labSettings(scenario), faults: [] };
    const input = enactorInputSchema.parse({ runId: 'shape', safeguards: [], settings, enactor: 'az-a', step: 'begin' });
    const lambda = enactorContextOf(new MemoryLab().deps(), input);
    const config: ExplorerConfig = { ...DEFAULT_BOUNDS, safeguards: [] };
    const explored = frozenContext(
      config,
      enactorContext(config, 'az-a', new MemoryPlanStore(), new MemoryDnsZone(ZoneRecords.withApexRecords(ZONE)), new ManualClock(), async () => {}),
    );
    const shape = (ctx: EnactorContext) => Object.fromEntries(Object.entries(ctx).map(([key, value]) => [key, typeof value]));
    expect(shape(explored)).toEqual(shape(lambda));
    expect(Object.isFrozen(lambda) && Object.isFrozen(explored)).toBe(true);
    expect(explored.zone).toBe(lambda.zone);
    // The faults' own fields come only with faults: what a scenario's story needs, and the explorer drives none.
    const faulted = enactorContextOf(new MemoryLab().deps(), { ...input, settings: labSettings(scenario) });
    expect(Object.keys(faulted)).toEqual(expect.arrayContaining(['history', 'runStartedAt', 'faultHoldMsMax']));
  });
});

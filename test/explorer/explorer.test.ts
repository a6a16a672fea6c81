// The explorer on the real Planner and Enactor code: it finds the outage from
// scratch, proves the closing safeguard within its bounds, tells the truth
// about the others, and its reductions change the work but not the answer.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BOUNDS, enactorIds, type ExplorerConfig } from '../../explorer/config.ts';
import { counterexampleReport, counterexampleScenario, readableCounterexample } from '../../explorer/counterexample.ts';
import { Execution } from '../../explorer/execution.ts';
import { checkRepair } from '../../explorer/invariants.ts';
import { World } from '../../explorer/world.ts';
import { EXPLORER_ENDPOINTS, EXPLORER_ZONE } from '../../explorer/config.ts';
import { stillClock } from '../../explorer/execution.ts';
import { RelativeTokens } from '../../explorer/lock-tokens.ts';
import { endpointName, lockName, lockRecord, planTreeRecords } from '../../lambdas/core/dns-tree.ts';
import { applyRepair, planRepair } from '../../lambdas/core/repair.ts';
import { MemoryDnsZone } from '../../local/memory-dns-zone.ts';
import { MemoryPlanStore } from '../../local/memory-plan-store.ts';
import { exhaustive, randomWalks, replaySchedule, shrink } from '../../explorer/search.ts';
import { EnactorSymmetry } from '../../explorer/symmetry.ts';
import { parseScenario } from '../../scenario/schema.ts';
import type { Safeguard } from '../../lambdas/core/safeguards/index.ts';

const small = (safeguards: Safeguard[] = [], bounds: Partial<ExplorerConfig> = {}): ExplorerConfig => ({
  ...DEFAULT_BOUNDS,
  enactors: 2,
  endpoints: 2,
  generations: 4,
  ...bounds,
  safeguards,
});

const STRAY = 'stray.example';

/** A copy of the world where an endpoint's lock runs far past any lease (every Enactor would back off), and a tree sits under a name that is not the lab's. */
function tampered(world: World): World {
  const copy = world.clone();
  const [endpoint] = EXPLORER_ENDPOINTS;
  const lock = copy.zone.lookup(lockName(endpoint, EXPLORER_ZONE), 'TXT')[0];
  const stale = lockRecord(endpoint, { holder: 'az-x', expiresAtMs: 86_400_000, token: 99 }, EXPLORER_ZONE);
  const tree = planTreeRecords(
    { generation: 99, createdAt: 0, endpoints: [STRAY], loadBalancers: [{ id: 'lb-9', address: '10.99.0.1', weight: 1 }] },
    STRAY,
    EXPLORER_ZONE,
  );
  copy.zone.apply([
    ...(lock ? [{ action: 'DELETE' as const, record: lock }] : []),
    { action: 'CREATE', record: stale },
    ...tree.map((record) => ({ action: 'CREATE' as const, record })),
  ]);
  return copy;
}

// Exhaustive searches are CPU-bound: on a loaded machine they take longer, and that is not a failure.
describe('explorer', () => {
  it('finds the empty answer from scratch in the baseline, with no scripted delays', async () => {
    const result = await exhaustive(small(), { stopOn: ['answers'] });
    const found = result.violations.answers!;
    expect(found.detail).toMatch(/answers nothing \(alias → g2's tree, whose records are gone\)/);
    // Replaying the schedule reproduces it exactly.
    const { violations } = await replaySchedule(result.config, found.schedule);
    expect(violations.map((v) => v.invariant)).toContain('answers');
  });

  it('proves write-time-check for every interleaving within the bounds', async () => {
    const result = await exhaustive(small(['write-time-check']));
    expect(result.stats.complete).toBe(true);
    expect(result.stats.states).toBeGreaterThan(1000);
    expect(result.violations).toEqual({});
  });

  it('tells the truth about each safeguard alone', async () => {
    const holds = async (safeguard: Safeguard) => Object.keys((await exhaustive(small([safeguard]))).violations).sort();
    // Stuck means the active TREE is gone, so keeping trees is enough for the automation to recover.
    expect(await holds('protect-active')).toEqual(['active-kept', 'never-older']);
    expect(await holds('never-empty')).toEqual(['active-kept', 'never-older']);
    const selfHeal = await holds('self-heal');
    expect(selfHeal).toContain('answers');
    expect(selfHeal).not.toContain('converges');
    // Re-checking before each endpoint narrows the window, so it must show a counterexample.
    expect(await holds('recheck-each-endpoint')).toContain('answers');
  });

  it('finds nothing a plain search would find differently: sleep sets change the work, not the states or the verdict', async () => {
    const withPor = await exhaustive(small([], { endpoints: 1 }));
    const without = await exhaustive(small([], { endpoints: 1 }), { partialOrderReduction: false });
    expect(withPor.stats.states).toBe(without.stats.states);
    expect(Object.keys(withPor.violations).sort()).toEqual(Object.keys(without.violations).sort());
    expect(withPor.stats.schedules).toBeLessThan(without.stats.schedules);
  });

  // Each reduction changes the work, not the verdict or the states reached. One unreduced search per bound set
  // (no symmetry, ended actors and Enactors keyed by every result they received, tokens as they are) keys each
  // state it reaches as each reduced keying would; the search with the reduction must visit exactly those keys,
  // with the same verdict. Each reduction is added to the ones before it, as the search uses them: an Enactor
  // keyed by its state value needs ended actors keyed by how they ended (else what it received counts again
  // once it ends), and relative tokens pay once histories are gone.
  const OFF = { keepEnded: true, byHistory: true, literalTokens: true } as const;
  const REDUCTIONS = {
    'symmetry over the Enactors': { symmetry: true, ...OFF },
    'an ended actor by how it ended': { symmetry: false, byHistory: true, literalTokens: true },
    'an Enactor by its state value': { symmetry: false, literalTokens: true },
    "a lock's token relative to its current one": { symmetry: false },
    'every reduction together': { symmetry: true },
  } as const;
  type Reduction = keyof typeof REDUCTIONS;
  /** What each reduction adds to: the keying without it. */
  const WITHOUT: Record<Reduction, Limits> = {
    'symmetry over the Enactors': { symmetry: false, ...OFF },
    'an ended actor by how it ended': { symmetry: false, ...OFF },
    'an Enactor by its state value': REDUCTIONS['an ended actor by how it ended'],
    "a lock's token relative to its current one": REDUCTIONS['an Enactor by its state value'],
    'every reduction together': { symmetry: false, ...OFF },
  };
  type Limits = { symmetry: boolean; keepEnded?: boolean; byHistory?: boolean; literalTokens?: boolean };
  const keyOf = (execution: Execution, limits: Limits, symmetry: EnactorSymmetry) =>
    limits.symmetry ? execution.symmetricKey(symmetry, limits).key : execution.stateKey(limits);
  const unreduced = new Map<string, Promise<{ violations: string[]; keys: Map<string, Set<string>> }>>();
  /** The one unreduced search of a bound set, shared by the tests of its reductions. */
  function unreducedSearch(name: string, config: ExplorerConfig) {
    let search = unreduced.get(name);
    if (!search) {
      const symmetry = new EnactorSymmetry(enactorIds(config));
      const keys = new Map<string, Set<string>>();
      for (const limits of [...Object.values(REDUCTIONS), ...Object.values(WITHOUT)]) keys.set(JSON.stringify(limits), new Set());
      search = exhaustive(config, {
        symmetry: false,
        ...OFF,
        onNewState: (execution) => {
          for (const [limits, seen] of keys) seen.add(keyOf(execution, JSON.parse(limits) as Limits, symmetry));
        },
      }).then((result) => {
        expect(result.stats.complete).toBe(true);
        return { violations: Object.keys(result.violations).sort(), keys };
      });
      unreduced.set(name, search);
    }
    return search;
  }
  const bounds = {
    // Every invariant but no-crash violated: the reductions must keep each counterexample.
    '2 × 1 × 4, baseline': small([], { endpoints: 1 }),
    // Clean-up keeps what an endpoint points at, re-reads and retries: its progress is the state.
    '2 × 1 × 4, protect-active': small(['protect-active'], { endpoints: 1 }),
    // An Enactor applies another plan than it began with (a move of its own, a safeguard's call).
    '2 × 1 × 4, self-heal': small(['self-heal'], { endpoints: 1 }),
    // Three Enactors (symmetry with three to order), the fence a move of its own; every invariant holds.
    '3 × 1 × 2, write-time-check': small(['write-time-check'], { enactors: 3, endpoints: 1, generations: 2 }),
    // Enactors that lose the lock and retry rewrite it most; a check before each of two endpoints.
    '2 × 2 × 3, recheck-each-endpoint': small(['recheck-each-endpoint'], { generations: 3 }),
  } as const;
  it.each([
    ['symmetry over the Enactors', '2 × 1 × 4, baseline'],
    ['symmetry over the Enactors', '3 × 1 × 2, write-time-check'],
    ['an ended actor by how it ended', '2 × 1 × 4, baseline'],
    ['an ended actor by how it ended', '3 × 1 × 2, write-time-check'],
    ['an Enactor by its state value', '2 × 1 × 4, baseline'],
    ['an Enactor by its state value', '2 × 1 × 4, protect-active'],
    ['an Enactor by its state value', '2 × 1 × 4, self-heal'],
    ['an Enactor by its state value', '3 × 1 × 2, write-time-check'],
    ['an Enactor by its state value', '2 × 2 × 3, recheck-each-endpoint'],
    ["a lock's token relative to its current one", '2 × 2 × 3, recheck-each-endpoint'],
    ['every reduction together', '2 × 1 × 4, baseline'],
    ['every reduction together', '2 × 1 × 4, protect-active'],
    ['every reduction together', '3 × 1 × 2, write-time-check'],
  ] as const)('keying %s changes the work, not the verdict or the states reached (%s)', async (reduction, name) => {
    const config = bounds[name];
    const { violations, keys } = await unreducedSearch(name, config);
    const limits = REDUCTIONS[reduction];
    const visited = new Set<string>();
    const reduced = await exhaustive(config, { ...limits, visitedStates: visited });
    expect(reduced.stats.complete).toBe(true);
    expect(Object.keys(reduced.violations).sort()).toEqual(violations);
    // Every state the unreduced search reaches, keyed as the reduction keys it: the reduced search visits exactly those.
    expect(visited).toEqual(keys.get(JSON.stringify(limits)));
    expect(reduced.stats.states).toBe(visited.size);
    // And it saves states over the keying without it (the states the search without it visits, as it keys them).
    expect(reduced.stats.states * 1.1).toBeLessThan(keys.get(JSON.stringify(WITHOUT[reduction]))!.size);
  });

  it("keys a lock's token as current or older, and refuses one it cannot place rather than merge states wrongly", () => {
    const lock = (token: number) => lockRecord(EXPLORER_ENDPOINTS[0], { holder: 'az-a', expiresAtMs: 0, token }, EXPLORER_ZONE);
    const world = new World();
    world.zone.apply([{ action: 'CREATE', record: lock(7) }]);
    const tokens = new RelativeTokens(world.fingerprint());
    expect(tokens.world).toContain('token=cur');
    expect(tokens.of(JSON.stringify([lock(7), lock(6)]))).toBe(
      JSON.stringify([lock(7), lock(6)])
        .replace('token=7', 'token=cur')
        .replace('token=6', 'token=old'),
    );
    expect(() => tokens.of('"holder=az-a expires=0.000 token=7"')).toThrow(/a lock token the state key cannot place/);
  });

  it('symmetry: a state and the same state with the Enactors swapped are one class; different states are not', async () => {
    const config = small();
    const symmetry = new EnactorSymmetry(enactorIds(config));
    // The Planner writes g2; then one Enactor begins and reads, while the other has not moved. Actor 1 is az-a, 2 is az-b.
    const aFirst = await Execution.replay(config, [0, 1, 1]);
    const bFirst = await Execution.replay(config, [0, 2, 2]);
    expect(aFirst.stateKey()).not.toBe(bFirst.stateKey());
    expect(aFirst.symmetricKey(symmetry).key).toBe(bFirst.symmetricKey(symmetry).key);
    // The Enactor that moved takes the same place in the class's representative, whichever it was; the Planner stays.
    const [a, b] = [aFirst.symmetricKey(symmetry).position, bFirst.symmetricKey(symmetry).position];
    expect([a[0], b[0], a[1], a[2]]).toEqual([0, 0, b[2], b[1]]);
    expect(new Set(a)).toEqual(new Set([0, 1, 2]));
    const further = await Execution.replay(config, [0, 1, 1, 1]);
    expect(further.symmetricKey(symmetry).key).not.toBe(aFirst.symmetricKey(symmetry).key);
  });

  it('misses no state: every state random walks reach, the exhaustive search visited too', async () => {
    const config = small(['write-time-check'], { endpoints: 1 });
    const exhaustiveStates = new Set<string>();
    const walkStates = new Set<string>();
    // Random walks key states as they are; so must the search here (symmetry off: it keys classes of states).
    await exhaustive(config, { visitedStates: exhaustiveStates, symmetry: false });
    const walks = await randomWalks(config, 300, 42, { visitedStates: walkStates });
    expect(walks.violations).toEqual({});
    expect(walkStates.size).toBeGreaterThan(100);
    const missed = [...walkStates].filter((key) => !exhaustiveStates.has(key));
    expect(missed).toEqual([]);
  });

  it('with protect-active, the only way to lose an active plan is the window between the Route 53 batch and the DynamoDB delete', async () => {
    const result = await exhaustive(small(['protect-active']), { stopOn: ['active-kept'] });
    const shrunk = await shrink(result.config, result.violations['active-kept']!);
    const { execution } = await replaySchedule(result.config, shrunk.schedule);
    const ops = execution.trace.map((step) => `${step.actor} ${step.op}`);
    // The last three steps: the clean-up's batch succeeds, a stale Enactor moves an endpoint onto the plan, the row goes.
    expect(ops.at(-3)).toMatch(/^az-\w zone\.change /);
    expect(ops.at(-2)).toMatch(/^az-\w zone\.change .*→g000002/);
    expect(ops.at(-1)).toMatch(/^az-\w store\.deletePlan g2$/);
  });

  it('proves racelab repair: run alone from every state the baseline reaches, as it is, with the plans table lost, or with a stale lock and a stray tree', async () => {
    const config = small();
    const worlds: World[] = [];
    const result = await exhaustive(config, { onNewState: (execution) => void worlds.push(execution.world.clone()) });
    expect(result.stats.complete).toBe(true);
    expect(worlds.length).toBe(result.stats.states);
    // The baseline reaches the outage's states too: endpoints on a deleted tree, and no row for the live plan.
    expect(worlds.some((world) => world.addresses('dynamodb.us-east-1').length === 0)).toBe(true);
    const failures: string[] = [];
    for (const world of worlds) {
      for (const [variant, start] of [
        ['as reached', world],
        ['plans table lost', new World(world.zone.clone(), new MemoryPlanStore())],
        ['stale lock, stray tree', tampered(world)],
      ] as const) {
        for (const violation of await checkRepair(start, config)) failures.push(`${variant}: ${violation.invariant}: ${violation.detail}`);
      }
      // Repair publishes only the lab's endpoints.
      const after = tampered(world);
      const ctx = { store: after.store, dns: new MemoryDnsZone(after.zone), clock: stillClock, zone: EXPLORER_ZONE };
      await applyRepair(ctx, await planRepair(ctx));
      if (after.zone.lookup(endpointName(STRAY, EXPLORER_ZONE)).length > 0) failures.push('stale lock, stray tree: the stray tree was published');
    }
    expect(failures).toEqual([]);
  });

  it('reports an actor that throws as a violation, with its schedule', async () => {
    const world = await Execution.steadyState(small());
    // A corrupt plan row: the Enactor that picks it up throws a TypeError.
    await world.store.putPlan({ generation: 2, createdAt: 0, endpoints: ['dynamodb.us-east-1'], loadBalancers: null as never });
    const { violations } = await replaySchedule(
      small(),
      Array.from({ length: 12 }, () => 1),
      world,
    );
    const crash = violations.find((v) => v.invariant === 'no-crash');
    expect(crash?.detail).toMatch(/^az-a failed: .*null/);
    expect(crash?.schedule.length).toBeGreaterThan(0);
  });

  it('forks an execution into an identical, independent copy', async () => {
    const config = small();
    // az-a reads the zone and records "ready" before it waits at its next call: the event its move, started again
    // from its state in the fork, must not record twice.
    const original = await Execution.replay(config, [0, 1, 1, 1, 2]);
    const fork = await original.fork();
    expect(fork.stateKey()).toBe(original.stateKey());
    // Each event once: the move started again does not record what the copy already holds.
    expect(fork.events).toEqual(original.events);
    await fork.step(fork.enabled()[0]!);
    expect(fork.stateKey()).not.toBe(original.stateKey());
    expect((await original.fork()).stateKey()).toBe(original.stateKey());
  });

  it('shrinks a counterexample and writes it as a valid scenario that plays the steps in order', async () => {
    const config = small();
    const result = await exhaustive(config, { stopOn: ['answers'] });
    const shrunk = await shrink(config, result.violations.answers!);
    expect(shrunk.schedule.length).toBeLessThanOrEqual(result.violations.answers!.schedule.length);
    const { report, execution } = await counterexampleReport(config, shrunk);
    expect(report.outcome).toBe('outage');
    const scenario = await counterexampleScenario(config, shrunk, execution, report.outcome);
    expect(() => parseScenario(JSON.parse(JSON.stringify(scenario)), 'counterexample')).not.toThrow();
    expect(scenario.timeline['az-a'][0]).toMatchObject({ do: 'begin' });
    expect(scenario.counterexample).toMatchObject({ invariant: 'answers', safeguards: [] });
  });

  it("brings a step's calls together where they commute with the calls between, so a scenario can play it; the run is the same", async () => {
    const config = small();
    // az-b (2) writes its stale g2 between az-a's (1) clean-up listing the plans and reading the zone: a gap inside az-a's step.
    const gapped = [0, 2, 0, 0, 1, 1, 1, 1, 2, 1, 1, 2, 1, 2, 1, 1, 1, 1];
    const before = await Execution.replay(config, gapped);
    expect([before.trace[12]!.op, before.trace[13]!.actor]).toEqual(['store.listGenerations', 'az-b']);
    const readable = await readableCounterexample(config, { invariant: 'answers', detail: '', schedule: gapped });
    // The stale write moves ahead of the listing, which it commutes with; the rest stays in place.
    expect(readable.schedule).toEqual([...gapped.slice(0, 12), 2, 1, ...gapped.slice(14)]);
    expect(readable.invariant).toBe('answers');
    const after = await Execution.replay(config, readable.schedule);
    expect(after.world.fingerprint()).toBe(before.world.fingerprint());
  });
});

// Exhaustive search within bounds (depth-first, with state hashing) and seeded
// random walks beyond them. A schedule is the list of actor indexes granted in
// turn; replaying it reproduces a run exactly.
import { seededRandom } from '../lambdas/core/random.ts';
import { enactorIds, type ExplorerConfig } from './config.ts';
import { Execution, independent, type Keying } from './execution.ts';
import { INVARIANT_NAMES, type InvariantName } from './invariant-names.ts';
import { checkConvergence, checkStep, crashes, pointers, type Violation } from './invariants.ts';
import { EnactorSymmetry } from './symmetry.ts';
import { MapTable, SharedTable, type VisitedTable } from './visited-table.ts';
import { World } from './world.ts';

export interface Counterexample extends Violation {
  schedule: number[];
}

/** Which part of a search is running: progress lines name it, since each part counts from zero. */
export type SearchPhase = 'random pre-pass' | 'exhaustive' | 'random walks';

export interface SearchStats {
  phase: SearchPhase;
  /** Steps into the schedule being followed now (progress only). */
  depth: number;
  /** The threads that searched together, when more than one: they share the count of states; schedules and steps are summed. */
  threads?: number;
  /**
   * Exhaustive only, progress only: how much of the search tree lies behind the search, by its shape (each
   * branch weighs its share of its parent). Rough: state hashing prunes later branches more, so it runs slow.
   */
  treeDone?: number;
  schedules: number;
  states: number;
  steps: number;
  elapsedMs: number;
  /** False when a limit stopped the search before the bounded space was covered. */
  complete: boolean;
  firstViolationMs?: number;
}

export interface SearchResult {
  config: ExplorerConfig;
  stats: SearchStats;
  /** The shortest counterexample found for each violated invariant. */
  violations: Partial<Record<InvariantName, Counterexample>>;
}

export interface SearchOptions {
  /** Stop after this many distinct states (the result says it is incomplete). */
  statesMax?: number;
  /** Stop at the first violation of any of these invariants. */
  stopOn?: readonly InvariantName[];
  onProgress?: (stats: SearchStats) => void;
  /** The least time between two onProgress calls (default 1000 ms). */
  progressEveryMs?: number;
  /** When given, receives the key of every distinct state visited (for soundness tests). */
  visitedStates?: Set<string>;
  /** Polled between steps: true ends the search early (Ctrl-C), with what was found so far. */
  shouldStop?: () => boolean;
  /** Random walks only: stop once this many steps are taken (a budget in work, not time, so the result cannot depend on the machine). */
  stepsMax?: number;
  /** Called once for every distinct state the exhaustive search reaches (for checks that need the state itself). */
  onNewState?: (execution: Execution) => void | Promise<void>;
  /** Sleep sets on (default). Off only to check that they change the work, not the result. */
  partialOrderReduction?: boolean;
  /** Symmetry over the Enactors on (default): one state per class of states that differ only by Enactor ids. Off only to check it. */
  symmetry?: boolean;
  /** Exhaustive only: key an actor that has ended by how it ended, not by what it held (default). Off only to check it. */
  keepEnded?: boolean;
  /** Exhaustive only: key an Enactor by every result it received since its start, not by its state value (the default). Only to check it. */
  byHistory?: boolean;
  /** Exhaustive only: key lock tokens as they are, not relative to each lock's current one (the default): for code a trainee changed, and to check it. */
  literalTokens?: boolean;
  /** Exhaustive only: where seen states are kept (default: a Map of this search's own); a parallel search shares one. */
  table?: VisitedTable;
  /** Exhaustive only, for a thread of a parallel search: where to start (default: the root), and how it shares work. */
  work?: WorkSharing;
  /** Threads for the exhaustive search, where `prove` can use them (default 1). */
  threads?: number;
  /** The invariants whose counterexamples the caller keeps (default: all): the others a parallel search may drop. */
  kept?: readonly InvariantName[];
  /** Explore only: the exhaustive search to make (default: `exhaustive`, one thread; explorer/parallel-proof.ts uses more). */
  prove?: (config: ExplorerConfig, limits: SearchOptions) => Promise<SearchResult>;
  /** Random walks only: what progress calls them (explore's pre-pass). */
  phase?: SearchPhase;
}

/** Calls onProgress at most once a second (or as told), with what `extra` adds then (work done only when it reports). */
function progressTicker(started: number, stats: SearchStats, limits: SearchOptions): (extra?: () => Partial<SearchStats>) => void {
  const { onProgress, progressEveryMs = 1000 } = limits;
  let last = started;
  return (extra) => {
    if (!onProgress || performance.now() - last < progressEveryMs) return;
    last = performance.now();
    onProgress({ ...stats, ...extra?.(), elapsedMs: last - started });
  };
}

/**
 * The search runs on promise callbacks alone, which never let the event loop turn: so a signal (Ctrl-C) or a
 * worker's message would wait for the end. This lets it turn every 50 ms.
 */
function eventLoopTurns(): () => Promise<void> | undefined {
  let last = performance.now();
  return () => {
    if (performance.now() - last < 50) return undefined;
    last = performance.now();
    return new Promise((resolve) => setImmediate(resolve));
  };
}

/** Where a branch sits in the search tree: its index among its siblings, their number, and its parent's place. */
export interface TreeFrame {
  parent: TreeFrame | undefined;
  index: number;
  total: number;
}

/** The share of the tree before a branch: each level adds the earlier siblings' share of their parent's. */
export function treeDone(frame: TreeFrame | undefined): number {
  const chain: TreeFrame[] = [];
  for (let at = frame; at; at = at.parent) chain.push(at);
  let done = 0;
  let width = 1;
  for (const level of chain.reverse()) {
    done += (width * level.index) / level.total;
    width /= level.total;
  }
  return done;
}

class Collector {
  readonly violations: Partial<Record<InvariantName, Counterexample>> = {};
  firstViolationMs?: number;
  constructor(private readonly started: number) {}

  add(found: Violation[], schedule: readonly number[]): void {
    for (const violation of found) {
      const known = this.violations[violation.invariant];
      if (!known || schedule.length < known.schedule.length) this.violations[violation.invariant] = { ...violation, schedule: [...schedule] };
      this.firstViolationMs ??= performance.now() - this.started;
    }
  }

  hits(invariants: readonly InvariantName[] | undefined): boolean {
    return (invariants ?? []).some((name) => this.violations[name]);
  }
}

/**
 * Depth-first over every interleaving, pruning states already seen, with sleep
 * sets (partial-order reduction): after exploring actor t from a state, a
 * sibling branch does not try t first again while t's call is independent of
 * what that branch did (same trace, other order). With state caching, a state
 * revisited with a smaller sleep set explores what it skipped before. The
 * branch being followed runs in place; siblings get a fork taken there.
 */
export async function exhaustive(config: ExplorerConfig, limits: SearchOptions = {}): Promise<SearchResult> {
  const started = performance.now();
  const visited = limits.table ?? new MapTable();
  const seen = limits.visitedStates;
  const collector = new Collector(started);
  const stats: SearchStats = { phase: 'exhaustive', depth: 0, schedules: 0, states: 0, steps: 0, elapsedMs: 0, complete: true };
  const work = limits.work;
  const pending: Pending[] = work ? [...work.start] : [{ execution: await Execution.start(config), path: [], sleep: 0 }];
  const tick = progressTicker(started, stats, limits);
  const symmetry = limits.symmetry === false ? undefined : new EnactorSymmetry(enactorIds(config));
  const keying: Keying = { keepEnded: limits.keepEnded === true, byHistory: limits.byHistory === true, literalTokens: limits.literalTokens === true };
  const turn = eventLoopTurns();

  search: for (;;) {
    if (!pending.length) {
      const more = await work?.takeMore();
      if (!more) break;
      pending.push(more);
    }
    const item = pending.pop()!;
    // Work from another thread comes as its schedule: replayed here.
    const execution = item.execution ?? (await Execution.replay(config, item.path));
    let { path, next, sleep, frame } = item;
    stats.schedules++;
    for (;;) {
      if (next !== undefined) {
        const before = pointers(execution.world, config);
        await execution.step(next);
        path = [...path, next];
        stats.steps++;
        // Transition invariants first: a known state may be reached by a new, offending step.
        collector.add(checkStep(execution.world, config, before, { transition: true }), path);
      }
      const enabled = execution.enabled();
      const enabledMask = enabled.reduce((mask, i) => mask | (1 << i), 0);
      // With symmetry, sleep sets are kept in the class representative's actor order, and mapped back here.
      const { key, position } = symmetry ? execution.symmetricKey(symmetry, keying) : { key: execution.stateKey(keying), position: undefined };
      const toClass = (mask: number) => (position ? permuteMask(mask, position) : mask);
      // A known state keeps what both visits leave unexplored; this visit explores what only it does not sleep on.
      const stored = visited.visit(key, toClass(sleep));
      const slept = stored === undefined || !position ? stored : permuteMask(stored, inverse(position));
      let explore: number;
      if (slept === undefined) {
        seen?.add(key);
        stats.states++;
        collector.add(checkStep(execution.world, config, undefined, { transition: false }), path);
        collector.add(crashes(execution.actors), path);
        await limits.onNewState?.(execution);
        if (enabled.length === 0) collector.add(await checkConvergence(execution.world, config), path);
        explore = enabledMask & ~sleep;
      } else {
        explore = enabledMask & slept & ~sleep;
      }
      await turn();
      // An idle thread wants work: give it the bottom of the stack, the branch nearest the root (the most work).
      if (pending.length && work?.wanted()) {
        const { path: given, next: choice, sleep: asleep } = pending.shift()!;
        work.give({ path: given, next: choice, sleep: asleep });
      }
      const full = visited instanceof SharedTable && visited.full;
      if (collector.hits(limits.stopOn) || (limits.statesMax !== undefined && stats.states >= limits.statesMax) || limits.shouldStop?.() || full) {
        stats.complete = false;
        break search;
      }
      const choices = enabled.filter((i) => explore & (1 << i));
      if (choices.length === 0) break;
      // Child i sleeps on everything asleep or explored before it here that commutes with its own step.
      let asleep = limits.partialOrderReduction === false ? 0 : sleep;
      const children = choices.map((choice) => {
        const footprint = execution.footprint(choice);
        let childSleep = 0;
        for (const other of enabled) {
          if (asleep & (1 << other) && independent(execution.footprint(other), footprint)) childSleep |= 1 << other;
        }
        if (limits.partialOrderReduction !== false) asleep |= 1 << choice;
        return { choice, sleep: childSleep };
      });
      const parent = frame;
      const total = children.length;
      // Depth-first: the last pushed is taken first, so the siblings go on in reverse.
      for (let index = total - 1; index > 0; index--) {
        const child = children[index]!;
        pending.push({ execution: await execution.fork(), path, next: child.choice, sleep: child.sleep, frame: { parent, index, total } });
      }
      next = children[0]!.choice;
      sleep = children[0]!.sleep;
      frame = total > 1 ? { parent, index: 0, total } : parent;
      tick(() => ({ depth: path.length, treeDone: treeDone(frame) }));
    }
  }
  stats.elapsedMs = performance.now() - started;
  stats.firstViolationMs = collector.firstViolationMs;
  return { config, stats, violations: collector.violations };
}

/** A branch waiting to be explored: from the state after `path`, take `next` (none: explore that state). */
export interface PendingWork {
  path: number[];
  next?: number;
  sleep: number;
}

/** The search's own branches also hold the execution, forked where they start, and their place in the tree. */
type Pending = PendingWork & { execution?: Execution; frame?: TreeFrame };

/** How a thread of a parallel search gets and gives work (explorer/parallel-proof.ts). */
export interface WorkSharing {
  start: PendingWork[];
  /** When its own branches are done: the next branch from another thread, or undefined when the search is over. */
  takeMore: () => Promise<PendingWork | undefined>;
  /** Whether another thread is idle (and this one should give it a branch): true claims that thread. */
  wanted: () => boolean;
  give: (work: PendingWork) => void;
}

/** A set of actor indexes (bit i for actor i) with actor i moved to `position[i]`. */
export function permuteMask(mask: number, position: readonly number[]): number {
  let moved = 0;
  position.forEach((to, from) => {
    if (mask & (1 << from)) moved |= 1 << to;
  });
  return moved;
}

function inverse(position: readonly number[]): number[] {
  const back: number[] = [];
  position.forEach((to, from) => (back[to] = from));
  return back;
}

/** The shortest counterexample for each invariant, of several searches' (the first given wins a tie). */
export function mergeViolations(found: readonly SearchResult['violations'][]): SearchResult['violations'] {
  const merged: SearchResult['violations'] = {};
  for (const violations of found) {
    for (const [name, counterexample] of Object.entries(violations) as [InvariantName, Counterexample][]) {
      const known = merged[name];
      if (!known || counterexample.schedule.length < known.schedule.length) merged[name] = counterexample;
    }
  }
  return merged;
}

/** Random walks: each picks uniformly among the actors able to go, from a seed. */
export async function randomWalks(config: ExplorerConfig, walks: number, seed: number, limits: SearchOptions = {}): Promise<SearchResult> {
  const started = performance.now();
  const random = seededRandom(seed);
  const initial = await Execution.steadyState(config);
  const collector = new Collector(started);
  const visited = limits.visitedStates ?? new Set<string>();
  const stats: SearchStats = { phase: limits.phase ?? 'random walks', depth: 0, schedules: 0, states: 0, steps: 0, elapsedMs: 0, complete: false };
  const tick = progressTicker(started, stats, limits);
  const turn = eventLoopTurns();
  for (let walk = 0; walk < walks; walk++) {
    await turn();
    const execution = await Execution.start(config, initial);
    const schedule: number[] = [];
    stats.schedules++;
    for (;;) {
      const enabled = execution.enabled();
      if (enabled.length === 0) {
        collector.add(await checkConvergence(execution.world, config), schedule);
        break;
      }
      const before = pointers(execution.world, config);
      const choice = enabled[Math.floor(random() * enabled.length)]!;
      await execution.step(choice);
      schedule.push(choice);
      stats.steps++;
      const key = execution.stateKey();
      if (!visited.has(key)) {
        visited.add(key);
        stats.states++;
      }
      collector.add(checkStep(execution.world, config, before), schedule);
      collector.add(crashes(execution.actors), schedule);
    }
    if (collector.hits(limits.stopOn) || limits.shouldStop?.()) break;
    if (INVARIANT_NAMES.every((name) => collector.violations[name])) break;
    if (limits.stepsMax !== undefined && stats.steps >= limits.stepsMax) break;
    tick(() => ({ depth: schedule.length }));
  }
  stats.elapsedMs = performance.now() - started;
  stats.firstViolationMs = collector.firstViolationMs;
  return { config, stats, violations: collector.violations };
}

export interface ExplorationResult {
  config: ExplorerConfig;
  /** The seeded random pre-pass: finds counterexamples fast. */
  prepass: SearchStats;
  /** The exhaustive search, when something was left to prove. */
  exhaustive?: SearchStats;
  violations: Partial<Record<InvariantName, Counterexample>>;
  /** True when every invariant that holds was proved for every interleaving within the bounds. */
  complete: boolean;
}

/**
 * The pre-pass's budget, counted in steps so that a busy machine finds the same counterexamples: a few tenths of a
 * second. It gives the first counterexamples in milliseconds and lets `check` fail without an exhaustive search;
 * an invariant it leaves open costs the exhaustive search nothing more, so a longer pre-pass only delays the proof.
 */
export const PREPASS = { walks: 5000, stepsMax: 5_000 } as const;

/**
 * Random walks first (counterexamples come fast), then the exhaustive search
 * to prove whatever they did not break. An invariant reported as holding is
 * always backed by the exhaustive search.
 */
export async function explore(config: ExplorerConfig, seed: number, limits: SearchOptions = {}): Promise<ExplorationResult> {
  const quick = await randomWalks(config, PREPASS.walks, seed, { ...limits, stepsMax: PREPASS.stepsMax, stopOn: undefined, phase: 'random pre-pass' });
  const violations = { ...quick.violations };
  const open = INVARIANT_NAMES.filter((name) => !violations[name]);
  const required = limits.stopOn?.filter((name) => open.includes(name));
  if (open.length === 0 || (limits.stopOn && limits.stopOn.some((name) => violations[name]))) {
    return { config, prepass: quick.stats, violations, complete: open.length === 0 };
  }
  // The exhaustive search decides the invariants still open; the pre-pass's counterexamples stand for the rest
  // (so a search on several threads, whose counterexamples depend on timing, need only keep those it adds).
  const full = await (limits.prove ?? exhaustive)(config, { ...limits, stopOn: required, kept: open });
  for (const name of open) if (full.violations[name]) violations[name] = full.violations[name];
  return { config, prepass: quick.stats, exhaustive: full.stats, violations, complete: full.stats.complete };
}

/** Replays a schedule, checking every step; returns the violations it reaches. */
export async function replaySchedule(
  config: ExplorerConfig,
  schedule: readonly number[],
  initial?: World,
): Promise<{ execution: Execution; violations: Counterexample[] }> {
  const execution = await Execution.start(config, initial);
  const violations: Counterexample[] = [];
  for (let i = 0; i < schedule.length; i++) {
    const before = pointers(execution.world, config);
    const choice = schedule[i]!;
    if (!execution.enabled().includes(choice)) break;
    await execution.step(choice);
    for (const found of [...checkStep(execution.world, config, before), ...crashes(execution.actors)])
      violations.push({ ...found, schedule: schedule.slice(0, i + 1) });
  }
  if (execution.enabled().length === 0)
    for (const found of await checkConvergence(execution.world, config)) violations.push({ ...found, schedule: [...schedule] });
  return { execution, violations };
}

/**
 * Makes a counterexample shorter: drops each step in turn (that actor's op
 * comes later instead) and keeps the drop if the invariant still breaks.
 */
export async function shrink(config: ExplorerConfig, counterexample: Counterexample): Promise<Counterexample> {
  let best = counterexample;
  let improved = true;
  while (improved) {
    improved = false;
    for (let i = best.schedule.length - 1; i >= 0; i--) {
      const candidate = [...best.schedule.slice(0, i), ...best.schedule.slice(i + 1)];
      const { violations } = await replaySchedule(config, candidate);
      const same = violations.find((v) => v.invariant === best.invariant);
      if (same && same.schedule.length < best.schedule.length) {
        best = same;
        improved = true;
        break;
      }
    }
  }
  return best;
}

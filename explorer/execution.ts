// One controlled execution of the real Planner and Enactor code. Every call on
// the plan store or the zone waits at a gate until the scheduler grants that
// actor; the call then runs atomically on the shared world. So each such await
// is a scheduling point, and a schedule (which actor goes next, step by step)
// fixes the whole run. Sleeps and event records are not gates: any other actor
// may already run before the next store or zone call, which covers every delay.
//
// The Enactor is driven here move by move (lambdas/core/enactor-driver.ts): at
// each call it holds only the state value its move started from, so that value
// is its key, and a fork starts the move again from a copy of it. The Planner is
// no trainee's to change: it is keyed by every result it received, and a fork
// re-runs it from its start, fed those results.
import { hash } from 'node:crypto';
import { canonicalName, type RecordChange, type RecordSet } from '../lambdas/core/dns-records.ts';
import { MOVES, runEnactor } from '../lambdas/core/enactor.ts';
import { takeMove } from '../lambdas/core/enactor-driver.ts';
import { cycleState, isEnd, type EnactorState } from '../lambdas/core/enactor-state.ts';
import type { EnactorContext } from '../lambdas/core/enactor-types.ts';
import type { EventFields, RunEvent } from '../lambdas/core/events.ts';
import { NEVER_THROWN } from '../lambdas/core/kill-switch.ts';
import { writePlans } from '../lambdas/core/planner.ts';
import type { Plan } from '../lambdas/core/plan.ts';
import type { Clock, DnsZone, PlanStore } from '../lambdas/core/ports.ts';
import { SafeguardSet } from '../lambdas/core/safeguards/index.ts';
import { MemoryDnsZone } from '../local/memory-dns-zone.ts';
import { EXPLORER_ZONE, enactorIds, explorerPolicy, plannerSettings, type ExplorerConfig } from './config.ts';
import { RelativeTokens } from './lock-tokens.ts';
import type { EnactorSymmetry } from './symmetry.ts';
import { World } from './world.ts';

type ActorStatus = 'waiting' | 'running' | 'done' | 'failed';

/** What a port call returned (or threw), kept so a fork can fast-forward the Planner. */
type Outcome = ({ value: unknown } | { error: unknown }) & { text: string };

interface Actor {
  id: string;
  status: ActorStatus;
  /** The port call it waits to make, what that call touches, and the gate to open for it. */
  pending?: { op: string; footprint: Footprint; open: () => void };
  /**
   * An Enactor: its state value (JSON) as the move it is in started from it. At a gate that is all it holds
   * (the move makes one call, the one it waits to make), so it keys the actor, and a fork starts from it.
   */
  state?: string;
  /**
   * Every result it received since its start, as text: the Planner's key, and an Enactor's in the unreduced
   * keying. Text, not a digest, so that symmetry can rename the Enactor ids in it (explorer/symmetry.ts).
   */
  results: string[];
  /** The Planner: each result with its value, in order, so a fork can fast-forward it (shared, append-only, between an execution and its forks). */
  outcomes: Outcome[];
  /**
   * A fork's actor that has not run since the fork: it waits at its original's gate (same op, same footprint), and
   * starts again only when that gate opens, when it must pass that very gate (`op`, after `results` results).
   */
  resume?: { op: string; results: number; fallback?: NodeJS.Immediate };
  /** The text as the reduced key holds it (and its symmetry signature), kept while the actor has not moved: most do not, step to step. */
  keyed?: { status: ActorStatus; state: string | undefined; length: number; text: string; signed?: { text: string; signature: string } };
  error?: string;
}

/** What a port call reads and writes, as keys: zone names, plan rows, the plan list, the counter, fences. */
export interface Footprint {
  reads: readonly string[];
  writes: readonly string[];
}

/** A key ending in SUBTREE stands for a name and every name under it (keys list a name's labels outermost first, "/"-separated). */
export const SUBTREE = '/*';

function overlap(x: string, y: string): boolean {
  if (x === y) return true;
  const within = (tree: string, key: string) => {
    const base = tree.slice(0, -SUBTREE.length);
    const other = key.endsWith(SUBTREE) ? key.slice(0, -SUBTREE.length) : key;
    return other === base || other.startsWith(`${base}/`);
  };
  return (x.endsWith(SUBTREE) && within(x, y)) || (y.endsWith(SUBTREE) && within(y, x));
}

/** Two calls commute unless one writes what the other reads or writes. */
export function independent(a: Footprint, b: Footprint): boolean {
  const clash = (writes: readonly string[], other: Footprint) =>
    writes.some((key) => [...other.reads, ...other.writes].some((otherKey) => overlap(key, otherKey)));
  return !clash(a.writes, b) && !clash(b.writes, a);
}

export interface TraceStep {
  actor: string;
  op: string;
}

/**
 * The actors' clock stands still: what a plan holds (its createdAt) must not
 * depend on when in the interleaving it was written, or two runs that reach
 * the same state would look different to state hashing. (Event times are the
 * step count; they are not part of the state.)
 */
export const stillClock: Clock = { now: () => 0, sleep: async () => {} };

export const PLANNER = 'planner';

export class Execution {
  readonly world: World;
  readonly actors: Actor[] = [];
  readonly trace: TraceStep[] = [];
  readonly events: RunEvent[] = [];
  private blocked: (() => void) | undefined;
  /** Why an actor of a fork, started again, did not come back to the gate its original waits at: step throws it. */
  private forkError: Error | undefined;

  private constructor(
    readonly config: ExplorerConfig,
    world: World,
  ) {
    this.world = world;
  }

  get steps(): number {
    return this.trace.length;
  }

  /** The steady state before the race (g1 applied everywhere), then every actor up to its first gate. */
  static async start(config: ExplorerConfig, initial?: World): Promise<Execution> {
    const execution = new Execution(config, initial?.clone() ?? (await steadyState(config)));
    execution.spawnPlanner(execution.newActor(PLANNER));
    for (const id of enactorIds(config)) execution.spawnEnactor(execution.newActor(id, JSON.stringify(cycleState())), false);
    // Let each actor run to its first gate: nothing touches the world before one.
    await execution.actorsAtRest();
    return execution;
  }

  /**
   * An independent copy of this execution at this point: the world is cloned; each actor waiting at a gate waits
   * at the same gate in the copy, and starts again only when that gate opens (most never run in the copy: its
   * branch soon meets a known state). Then an Enactor starts the move it is in again from a copy of its state value, silently
   * (what it recorded before its gate is in the copy's events already), up to that gate; the Planner is re-run
   * from its start, fed the results it already got (no gates, no world access), up to it. Nothing before an
   * actor's first gate touches the world, so starting it again later, on the copy's world as it is then, reaches
   * the same gate as starting it at the fork would.
   */
  async fork(): Promise<Execution> {
    const copy = new Execution(this.config, this.world.clone());
    copy.trace.push(...this.trace);
    copy.events.push(...this.events);
    for (const actor of this.actors) {
      if (actor.status === 'done' || actor.status === 'failed') {
        copy.actors.push({ ...actor, pending: undefined });
        continue;
      }
      const { op, footprint } = actor.pending!;
      // The results (the key holds them) and outcomes as they are now: the original goes on receiving more.
      const waiting: Actor = {
        id: actor.id,
        status: 'waiting',
        state: actor.state,
        results: [...actor.results],
        outcomes: [...actor.outcomes],
        keyed: actor.keyed,
      };
      waiting.pending = { op, footprint, open: () => copy.startAgain(waiting, op) };
      copy.actors.push(waiting);
    }
    return copy;
  }

  /**
   * A fork's actor's gate opened: starts it again (see fork), to pass that gate at once. If it does not come back
   * to it, by promise callbacks alone, it is not the deterministic code the fork relies on: step says so.
   */
  private startAgain(actor: Actor, op: string): void {
    actor.resume = { op, results: actor.results.length };
    if (actor.id === PLANNER) {
      // The fast-forward gives it every result again.
      actor.results = [];
      this.spawnPlanner(actor);
    } else {
      this.spawnEnactor(actor, true);
    }
    const resume = actor.resume;
    // Unless it passed its gate already (the usual case), give it until the next turn of the event loop.
    if (resume) resume.fallback = setImmediate(() => this.failedToResume(actor, `fork: ${actor.id} did not reach its gate again`));
  }

  /** An actor of a fork, started again, missed the gate its original waits at. */
  private failedToResume(actor: Actor, message: string): void {
    if (!actor.resume) return;
    clearImmediate(actor.resume.fallback);
    actor.resume = undefined;
    this.forkError ??= new Error(message);
    this.blocked?.();
  }

  /** The world before the race: g1 applied to every endpoint. Start executions from clones of it. */
  static steadyState(config: ExplorerConfig): Promise<World> {
    return steadyState(config);
  }

  /** The events the Enactor that makes the steady state records, as `actor`: what a replay's steady state records. */
  static async steadyStateEvents(config: ExplorerConfig, actor: string): Promise<RunEvent[]> {
    const events: RunEvent[] = [];
    await steadyState(config, async (fields) => void events.push({ runId: 'explore', at: 0, actor, ...fields }));
    return events;
  }

  /** Replays a schedule from the start. */
  static async replay(config: ExplorerConfig, schedule: readonly number[], initial?: World): Promise<Execution> {
    const execution = await Execution.start(config, initial);
    for (const choice of schedule) await execution.step(choice);
    return execution;
  }

  /**
   * Resolves once no actor is running: each waits at a gate or has ended. Actors get there through promise
   * callbacks alone, so this comes before the next turn of the event loop; at that turn at the latest, so an
   * actor that waits for anything else is still found running (and fork says so).
   */
  private actorsAtRest(): Promise<void> {
    return new Promise((resolve) => {
      const fallback = setImmediate(resolve);
      const check = () => {
        if (this.actors.every((actor) => actor.status !== 'running')) {
          clearImmediate(fallback);
          resolve();
        }
      };
      this.blocked = check;
      check();
    });
  }

  /** The footprint of the call an actor waits to make. */
  footprint(index: number): Footprint {
    const pending = this.actors[index]?.pending;
    if (!pending) throw new Error(`actor ${index} is not waiting at a gate`);
    return pending.footprint;
  }

  enabled(): number[] {
    const indexes: number[] = [];
    this.actors.forEach((actor, i) => {
      if (actor.status === 'waiting') indexes.push(i);
    });
    return indexes;
  }

  /** Opens one actor's gate and waits until it reaches its next gate or ends. */
  async step(index: number): Promise<void> {
    const actor = this.actors[index];
    if (!actor?.pending) throw new Error(`schedule error: actor ${actor?.id ?? index} is not waiting at a gate`);
    const { op, open } = actor.pending;
    actor.pending = undefined;
    actor.status = 'running';
    this.trace.push({ actor: actor.id, op });
    const blocked = new Promise<void>((resolve) => (this.blocked = resolve));
    open();
    await blocked;
    if (this.forkError) throw this.forkError;
  }

  /**
   * The state: the world plus each actor's status and what fixes its future (sound for deterministic actors),
   * hashed to 20 bytes. An Enactor waiting at a gate counts by the state value its move started from, the Planner
   * by every result it received, and an actor that has ended only by how it ended, unless `keying` says
   * otherwise (to check those reductions).
   */
  stateKey(keying: Keying = {}): string {
    const tokens = lockTokens(this.world, keying);
    return hashed(`${tokens.world}\u0002${this.actors.map((actor) => tokens.of(historyText(actor, keying))).join('\u0002')}`);
  }

  /**
   * The key of the state's class under Enactor symmetry, and where each actor goes in the class's representative
   * (`position[i]`: actor i's index there), so that what the search keeps per actor index can be mapped.
   */
  symmetricKey(symmetry: EnactorSymmetry, keying: Keying = {}): { key: string; position: number[] } {
    const [planner, ...enactors] = this.actors;
    const tokens = lockTokens(this.world, keying);
    const shared = `${tokens.world}\u0002${tokens.of(historyText(planner!, keying))}`;
    const form = symmetry.canonical(
      shared,
      enactors.map((actor) => {
        if (!reduced(keying)) {
          const text = tokens.of(historyOf(actor, keying));
          return { text, signature: symmetry.signature(text, actor.id) };
        }
        // The signature is of the text as keyed, tokens relative: the same for every state of the class.
        const cached = keyed(actor);
        const text = tokens.of(cached.text);
        if (cached.signed?.text !== text) cached.signed = { text, signature: symmetry.signature(text, actor.id) };
        return cached.signed;
      }),
    );
    return { key: hashed(form.text), position: [0, ...form.position.map((k) => k + 1)] };
  }

  /** A new actor, running up to its first gate, in the execution's actors. */
  private newActor(id: string, state?: string): Actor {
    const actor: Actor = { id, status: 'running', state, results: [], outcomes: [] };
    this.actors.push(actor);
    return actor;
  }

  /**
   * Starts the Planner. With outcomes already (a fork's, starting again), its first port calls are answered from
   * them (fast-forwarding), the rest gate live.
   */
  private spawnPlanner(actor: Actor): void {
    // A copy: live calls add to the actor's outcomes.
    const replayed = [...actor.outcomes];
    let calls = 0;
    let silent = replayed.length > 0;
    const live = this.liveGate(actor);
    const gate: Gate = (describe, run) => {
      const index = calls++;
      if (index >= replayed.length) {
        // The first live call: every event recorded before it was copied from the original already.
        silent = false;
        const text = () => actor.results.at(-1)!;
        return live(describe, run).then(
          (value) => {
            actor.outcomes.push({ value, text: text() });
            return value;
          },
          (error: unknown) => {
            actor.outcomes.push({ error, text: text() });
            throw error;
          },
        );
      }
      // Fast-forward: the same results as the live path, so the fork's state key is the original's.
      const outcome = replayed[index]!;
      actor.results.push(outcome.text);
      return 'error' in outcome ? Promise.reject(outcome.error) : Promise.resolve(outcome.value as never);
    };
    const { config } = this;
    const record = this.recorder(PLANNER, () => silent);
    this.run(actor, () =>
      writePlans({ store: gatedStore(this.world, gate), clock: stillClock, record, killSwitch: NEVER_THROWN }, plannerSettings(config), config.generations - 1),
    );
  }

  /**
   * Starts an Enactor from a state value (JSON), driving its moves one by one. `resumed`: a fork starting the
   * move again, silent until its first call. Enforces the one-call rule: a move that makes a second call on the
   * world fails the Enactor, naming the move, since what it holds at the second call is not its state value.
   */
  private spawnEnactor(actor: Actor, resumed: boolean): void {
    const { id } = actor;
    let silent = resumed;
    let calls: string[] = [];
    let overrun: string | undefined;
    const live = this.liveGate(actor);
    const gate: Gate = (describe, run) => {
      const call = typeof describe === 'function' ? describe() : describe;
      const { op } = call;
      calls.push(op);
      if (calls.length > 1) {
        const move = (JSON.parse(actor.state!) as EnactorState).at;
        overrun ??=
          `the move "${move}" made a second call on the world (${calls[0]}, then ${op}): a move makes at most one; ` +
          `split it in two, the second taking the state the first returns`;
        return Promise.reject(new Error(overrun));
      }
      silent = false;
      return live(call, run);
    };
    const ctx = frozenContext(
      this.config,
      enactorContext(
        this.config,
        id,
        gatedStore(this.world, gate),
        gatedZone(this.world, gate),
        stillClock,
        this.recorder(id, () => silent),
      ),
    );
    this.run(actor, async () => {
      for (;;) {
        calls = [];
        // The move gets a copy made through JSON of the very text that keys it: what it starts from is its key.
        const next = await takeMove(ctx, JSON.parse(actor.state!) as EnactorState, MOVES).catch((error: unknown) => {
          throw overrun ? new Error(overrun) : error;
        });
        // A move that caught the refusal of its second call fails all the same.
        if (overrun) throw new Error(overrun);
        if (isEnd(next)) return;
        actor.state = JSON.stringify(next);
      }
    });
  }

  /** A gate that waits until the scheduler grants the actor, then runs the call and keeps its result's text. */
  private liveGate(actor: Actor): Gate {
    return (describe, run) => {
      const { op, footprint } = typeof describe === 'function' ? describe() : describe;
      const { resume } = actor;
      if (resume && footprint) {
        // A fork's actor started again: this is the gate that opened, if it is the same call after the same results.
        if (op !== resume.op || actor.results.length !== resume.results) {
          this.failedToResume(actor, `fork: ${actor.id} started again from its state and reached another call (is its code deterministic?)`);
          return new Promise<never>(() => {});
        }
        clearImmediate(resume.fallback);
        actor.resume = undefined;
      }
      const opened =
        footprint && !resume
          ? new Promise<void>((open) => {
              actor.status = 'waiting';
              actor.pending = { op, footprint, open };
              this.blocked?.();
            })
          : Promise.resolve();
      return opened.then(async () => {
        try {
          const result = await run();
          actor.results.push(resultText(op, result));
          return result;
        } catch (error) {
          actor.results.push(resultText(op, `!${(error as Error).name}`));
          throw error;
        }
      });
    };
  }

  /** Records an actor's events in the execution's, unless it is re-running what the copied events already hold. */
  private recorder(id: string, silent: () => boolean): (fields: EventFields) => Promise<void> {
    return async (fields) => {
      if (!silent()) this.events.push({ runId: 'explore', at: this.steps * 1000, actor: id, ...fields });
    };
  }

  /** Runs an actor's program to its end, which the execution learns as it comes. */
  private run(actor: Actor, program: () => Promise<unknown>): void {
    const finish = (status: ActorStatus, error?: string) => {
      // A fork's actor started again that ended before the gate its original waits at.
      this.failedToResume(actor, `fork: ${actor.id} started again from its state and reached another call (is its code deterministic?)`);
      actor.status = status;
      actor.error = error;
      this.blocked?.();
    };
    void program().then(
      () => finish('done'),
      (error: Error) => finish('failed', error.message),
    );
  }
}

/** Each search's safeguards and policy, frozen once and shared by its Enactors (they only read them). */
const sharedParts = new WeakMap<ExplorerConfig, Pick<EnactorContext, 'safeguards' | 'policy'>>();

/**
 * The context frozen, so a move cannot keep anything on it from one call to the next: its state value is all it
 * keeps. What every Enactor of the search shares is frozen once.
 */
export function frozenContext(config: ExplorerConfig, ctx: EnactorContext): EnactorContext {
  let shared = sharedParts.get(config);
  if (!shared) {
    const { safeguards, policy } = ctx;
    for (const part of [policy, safeguards, safeguards.hooks, ...safeguards.hooks]) Object.freeze(part);
    shared = { safeguards, policy };
    sharedParts.set(config, shared);
  }
  for (const part of [ctx.store, ctx.dns, ctx.faults]) Object.freeze(part);
  return Object.freeze({ ...ctx, ...shared });
}

/**
 * What a port call is: its name in the trace and its footprint; no footprint means "not a scheduling point"
 * (recorded all the same, for forks). A costly one comes as a function, called only when the call runs live.
 */
type Call = { op: string; footprint: Footprint | undefined };
const call = (op: string, footprint: Footprint | undefined): Call => ({ op, footprint });
type Gate = <T>(describe: Call | (() => Call), run: () => Promise<T>) => Promise<T>;

const PLAN_LIST = 'plans';
const COUNTER = 'counter';
const reads = (...keys: string[]): Footprint => ({ reads: keys, writes: [] });
const writes = (...keys: string[]): Footprint => ({ reads: keys, writes: keys });

function gatedStore(world: World, gate: Gate): PlanStore {
  const store = world.store;
  const row = (generation: number) => `plan:${generation}`;
  return {
    // Not a scheduling point: only the Planner touches the counter, so this call commutes with every other.
    nextGeneration: () => gate(call('store.nextGeneration', undefined), () => store.nextGeneration()),
    // Repair's calls: no explored actor makes them (repair runs alone, on a copy of a state: invariants.ts).
    generationCounter: () => gate(call('store.generationCounter', reads(COUNTER)), () => store.generationCounter()),
    raiseGenerationCounter: (generation: number) =>
      gate(call(`store.raiseGenerationCounter g${generation}`, writes(COUNTER)), () => store.raiseGenerationCounter(generation)),
    putPlan: (plan: Plan) => gate(call(`store.putPlan g${plan.generation}`, writes(row(plan.generation), PLAN_LIST)), () => store.putPlan(plan)),
    newestPlan: () => gate(call('store.newestPlan', reads(PLAN_LIST)), () => store.newestPlan()),
    getPlan: (generation: number) => gate(call(`store.getPlan g${generation}`, reads(row(generation))), () => store.getPlan(generation)),
    listGenerations: () => gate(call('store.listGenerations', reads(PLAN_LIST)), () => store.listGenerations()),
    deletePlan: (generation: number) => gate(call(`store.deletePlan g${generation}`, writes(row(generation), PLAN_LIST)), () => store.deletePlan(generation)),
    advanceFence: (endpoint: string, generation: number, enactor: string) =>
      gate(call(`store.advanceFence ${endpoint} g${generation}`, writes(`fence:${endpoint}`)), () => store.advanceFence(endpoint, generation, enactor)),
  };
}

function gatedZone(world: World, gate: Gate): DnsZone {
  const zone = new MemoryDnsZone(world.zone);
  const key = nameKey;
  return {
    // Lazy, as the batch's: a fork's fast-forward passes many reads, and builds no keys for them.
    recordsUnder: (name: string) =>
      gate(
        () => call(`zone.read ${shortName(name)}`, reads(key(name) + SUBTREE)),
        () => zone.recordsUnder(name),
      ),
    // A batch's outcome depends on the names it touches (exact matches, conflicts are per name) and on its aliases' targets.
    change: (changes: RecordChange[]) =>
      gate(
        () => {
          const touched = [...new Set(changes.map((c) => key(c.record.name)))];
          const targets = changes.flatMap((c) => (c.record.alias && c.action !== 'DELETE' ? [key(c.record.alias.target)] : []));
          return call(`zone.change ${describeBatch(changes)}`, { reads: [...touched, ...targets], writes: touched });
        },
        () => withoutStacks(() => zone.change(changes)),
      ),
  };
}

/** Each name's footprint key, by the name: the search builds them for every call on the zone, over a few dozen names. */
const nameKeys = new Map<string, string>();

/** Labels outermost first, so the keys under a name share its prefix: "name:internal/lab/ep" holds "name:internal/lab/ep/_lock". */
function nameKey(name: string): string {
  let key = nameKeys.get(name);
  if (key === undefined) {
    // Bounded, whatever names the code under test makes up.
    if (nameKeys.size >= 10_000) nameKeys.clear();
    key = `name:${canonicalName(name).split('.').reverse().join('/')}`;
    nameKeys.set(name, key);
  }
  return key;
}

/**
 * Runs a call on the zone model with no stack traces captured. A lost lock or a stale batch is a rejection the
 * search meets at step after step, and V8 captures an error's stack when the error is made; nothing reads these
 * stacks: the search keys and reports an actor's failure by its name and message alone. The model has no I/O, so
 * its errors are made during the call, and the limit is back before anything else runs.
 */
function withoutStacks<T>(run: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return run();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

export function enactorContext(
  config: ExplorerConfig,
  enactor: string,
  store: PlanStore,
  dns: DnsZone,
  clock: Clock,
  record: (fields: EventFields) => Promise<void>,
): EnactorContext {
  return {
    enactor,
    zone: EXPLORER_ZONE,
    store,
    dns,
    clock,
    record,
    // The explorer models the race, not the operator: nobody throws the kill switch in its world, so reading it
    // is no call on the world (the handlers' driver reads it; the explorer's never does).
    killSwitch: NEVER_THROWN,
    safeguards: new SafeguardSet(config.safeguards),
    policy: explorerPolicy(config),
    faults: [],
  };
}

/** g1 written and applied to every endpoint by an Enactor running alone. */
/** The steady state; `recordEnactor` takes the events of the Enactor run that applies g1. */
async function steadyState(config: ExplorerConfig, recordEnactor: (fields: EventFields) => Promise<void> = async () => {}): Promise<World> {
  const world = new World();
  const clock = stillClock;
  await writePlans({ store: world.store, clock, record: async () => {}, killSwitch: NEVER_THROWN }, plannerSettings(config), 1);
  await runEnactor(enactorContext(config, 'setup', world.store, new MemoryDnsZone(world.zone), clock, recordEnactor)).catch((error: unknown) => {
    // Code under test that cannot apply a first plan alone: said so, since no interleaving is there to show.
    throw new Error(`the Enactor, applying g1 alone to an empty zone before any interleaving, failed: ${(error as Error).message ?? String(error)}`);
  });
  return world;
}

const SHORT_ZONE = `.${EXPLORER_ZONE}`;
function shortName(name: string): string {
  return name.endsWith(SHORT_ZONE) ? name.slice(0, -SHORT_ZONE.length) : name;
}

function describeRecord(record: RecordSet): string {
  return `${shortName(record.name)} →${shortName(record.alias?.target ?? '')}`;
}

/** A batch as the schedule shows it: where it points endpoints, or which trees it deletes. */
function describeBatch(changes: RecordChange[]): string {
  const moves = changes.filter((c) => c.record.alias && c.action !== 'DELETE' && !c.record.name.startsWith('_'));
  const deletes = changes.filter((c) => c.action === 'DELETE' && !c.record.alias && c.record.type === 'A');
  if (deletes.length) return `delete ${[...new Set(deletes.map((c) => shortName(c.record.name)))].join(', ')}`;
  return moves.map((c) => describeRecord(c.record)).join(', ') || `${changes.length} change(s)`;
}

function hashed(text: string): string {
  // One call, no Hash object: the search hashes every state it reaches.
  return hash('sha1', text, 'base64');
}

/** One result as the state key holds it: the call and what it returned. */
function resultText(op: string, result: unknown): string {
  return `${op}\u0000${result === undefined ? '' : JSON.stringify(result)}`;
}

/** How a state key holds the actors: every reduction on unless turned off (to check it). */
export interface Keying {
  /** Key an ended actor by everything it received, not only by how it ended. */
  keepEnded?: boolean;
  /**
   * Key an Enactor by every result it received since its start, not by its state value (the unreduced keying:
   * the soundness tests compare the two).
   */
  byHistory?: boolean;
  /** Key each lock token as the number it is, not relative to its lock's current one (explorer/lock-tokens.ts). */
  literalTokens?: boolean;
}

/** How the key writes lock tokens: relative to each lock's current one (the reduction), or as they are. */
function lockTokens(world: World, keying: Keying): Pick<RelativeTokens, 'world' | 'of'> {
  return keying.literalTokens ? { world: world.fingerprint(), of: (text) => text } : new RelativeTokens(world.fingerprint());
}

const reduced = (keying: Keying) => !keying.keepEnded && !keying.byHistory;

/** The actor's text as the key holds it: reduced (from the cache while the actor has not moved), or as `keying` says. */
function historyText(actor: Actor, keying: Keying): string {
  return reduced(keying) ? keyed(actor).text : historyOf(actor, keying);
}

/** The actor's text as the reduced key holds it, from the cache while the actor has not moved. */
function keyed(actor: Actor): NonNullable<Actor['keyed']> {
  const { status, state, results } = actor;
  const cached = actor.keyed;
  if (cached && cached.status === status && cached.state === state && cached.length === results.length) return cached;
  actor.keyed = { status, state, length: results.length, text: historyOf(actor, {}) };
  return actor.keyed;
}

/**
 * What fixes an actor's future, as one text. An Enactor waiting at a gate: the state value its move started
 * from (with `byHistory`, every result it received instead). The Planner: every result it received. An actor
 * that has ended has no future, and no invariant reads what it held: only how it ended counts, so states that
 * differ only there are one (with `keepEnded`, every result it received).
 */
function historyOf(actor: Actor, keying: Keying): string {
  if (!keying.keepEnded && actor.status === 'done') return 'done';
  if (!keying.keepEnded && actor.status === 'failed') return `failed:${actor.error}`;
  const ended = actor.status === 'done' || actor.status === 'failed';
  if (actor.state === undefined || keying.byHistory || ended) return `${actor.status}:\u0001${actor.results.join('\u0001')}`;
  return `${actor.status}:${actor.state}`;
}

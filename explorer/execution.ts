// One controlled execution of the real Planner and Enactor code. Every call on
// the plan store or the zone waits at a gate until the scheduler grants that
// actor; the call then runs atomically on the shared world. So each such await
// is a scheduling point, and a schedule (which actor goes next, step by step)
// fixes the whole run. Sleeps and event records are not gates: any other actor
// may already run before the next store or zone call, which covers every delay.
import { createHash } from 'node:crypto';
import { canonicalName, type RecordChange, type RecordSet } from '../lambdas/core/dns-records.ts';
import { runEnactor } from '../lambdas/core/enactor.ts';
import type { Checkpoint, EnactorContext } from '../lambdas/core/enactor-types.ts';
import type { EventFields, RunEvent } from '../lambdas/core/events.ts';
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

/** What a port call returned (or threw), kept so a fork can fast-forward the actor. */
type Outcome = ({ value: unknown } | { error: unknown }) & { text: string };

interface Actor {
  id: string;
  status: ActorStatus;
  /** The port call it waits to make, what that call touches, and the gate to open for it. */
  pending?: { op: string; footprint: Footprint; open: () => void };
  /**
   * What fixes the actor's local state (its code is deterministic): the summary it settled at its last checkpoint
   * (EnactorContext.checkpoint), then each result it received since, as text. Text, not a digest, so that
   * symmetry can rename the Enactor ids in it (explorer/symmetry.ts).
   */
  settled: string;
  since: string[];
  /** What its last 'run' checkpoint told, and how many results it had then (to key by 'run' checkpoints only). */
  run: { text: string; at: number };
  /** The text of each summary settled, in order (a fork's fast-forward settles the same ones, and reuses them). */
  settles: string[];
  /** The history's text (and its symmetry signature), kept while the actor has not moved: most actors do not, step to step. */
  keyed?: { status: ActorStatus; settled: string; length: number; text: string; signed?: { text: string; signature: string } };
  /** Every result it received, in order, with its text for the history (shared, append-only, between an execution and its forks). */
  outcomes: Outcome[];
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

interface ActorPorts {
  store: PlanStore;
  dns: DnsZone;
  clock: Clock;
  record: (fields: EventFields) => Promise<void>;
  /** Replaces the actor's history with what its checkpoint told (EnactorContext.checkpoint). */
  settle: Checkpoint;
}

type Program = (ports: ActorPorts) => Promise<unknown>;

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
    for (const [id, program] of programs(config)) execution.spawn(id, program, { status: 'running', settled: '', since: [], outcomes: [], settles: [] });
    // Let each actor run to its first gate: nothing touches the world before one.
    await execution.actorsAtRest();
    return execution;
  }

  /**
   * An independent copy of this execution at this point: the world is cloned
   * and each actor is re-run from its start, fed the results it already got
   * (no gates, no world access) until it reaches the gate it waits at now.
   */
  async fork(): Promise<Execution> {
    const copy = new Execution(this.config, this.world.clone());
    copy.trace.push(...this.trace);
    copy.events.push(...this.events);
    const programsById = new Map(programs(this.config));
    for (const actor of this.actors) {
      if (actor.status === 'done' || actor.status === 'failed') {
        copy.actors.push({ ...actor, pending: undefined });
        continue;
      }
      const state = { status: 'running' as const, settled: '', since: [], outcomes: actor.outcomes, settles: actor.settles };
      copy.spawn(actor.id, programsById.get(actor.id)!, state, actor.outcomes.length);
    }
    await copy.actorsAtRest();
    copy.actors.forEach((actor, i) => {
      if (actor.status === 'running') throw new Error(`fork: ${actor.id} did not reach its gate while fast-forwarding`);
      if (historyOf(actor, { keepEnded: true }) !== historyOf(this.actors[i]!, { keepEnded: true }))
        throw new Error(`fork: ${actor.id} fast-forwarded to a different state`);
    });
    return copy;
  }

  /** The world before the race: g1 applied to every endpoint. Start executions from clones of it. */
  static steadyState(config: ExplorerConfig): Promise<World> {
    return steadyState(config);
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
  }

  /**
   * The state: the world plus each actor's status and history (sound for deterministic actors), hashed to 20 bytes.
   * An actor's history starts at its last checkpoint, and an actor that has ended counts only by how it ended,
   * unless `keying` says otherwise (to check those reductions).
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

  /**
   * Starts an actor's program. With `replayed` > 0 its first port calls are
   * answered from `state.outcomes` (a fork fast-forwarding), the rest gate live.
   */
  private spawn(id: string, program: Program, state: Pick<Actor, 'status' | 'settled' | 'since' | 'outcomes' | 'settles'>, replayed = 0): void {
    const actor: Actor = { id, ...state, since: [...state.since], outcomes: [...state.outcomes], settles: [...state.settles], run: { text: '', at: 0 } };
    this.actors.push(actor);
    let calls = 0;
    let settled = 0;
    let silent = replayed > 0;
    /** A port call: answered from the record while fast-forwarding, else (if `footprint`) gated, then run and recorded. */
    const gate = <T>(describe: Call | (() => Call), run: () => Promise<T>): Promise<T> => {
      const index = calls++;
      // The first live call: every event recorded before it was copied from the original already.
      if (index >= replayed) silent = false;
      if (index < replayed) {
        // Fast-forward: the same history as the live path, so the fork's state key is the original's.
        const outcome = actor.outcomes[index]!;
        actor.since.push(outcome.text);
        return 'error' in outcome ? Promise.reject(outcome.error) : Promise.resolve(outcome.value as T);
      }
      const { op, footprint } = typeof describe === 'function' ? describe() : describe;
      const opened = footprint
        ? new Promise<void>((open) => {
            actor.status = 'waiting';
            actor.pending = { op, footprint, open };
            this.blocked?.();
          })
        : Promise.resolve();
      return opened.then(async () => {
        try {
          const result = await run();
          const text = resultText(op, result);
          actor.since.push(text);
          actor.outcomes.push({ value: result, text });
          return result;
        } catch (error) {
          const text = resultText(op, `!${(error as Error).name}`);
          actor.since.push(text);
          actor.outcomes.push({ error, text });
          throw error;
        }
      });
    };
    const clock = stillClock;
    const record = async (fields: EventFields) => {
      // A fork's copied events already hold what the fast-forward would record again.
      if (!silent) this.events.push({ runId: 'explore', at: this.steps * 1000, actor: id, ...fields });
    };
    const finish = (status: ActorStatus, error?: string) => {
      actor.status = status;
      actor.error = error;
      this.blocked?.();
    };
    const settle: Checkpoint = (scope, summary) => {
      // While fast-forwarding, the original settled the same summaries in the same order: reuse their text.
      const index = settled++;
      const known = calls <= replayed ? actor.settles[index] : undefined;
      // A 'step' checkpoint's text goes beside what the last 'run' checkpoint told.
      actor.settled = known ?? (scope === 'run' ? resultText('run', summary) : `${actor.run.text}\u0003${resultText('step', summary)}`);
      if (scope === 'run') actor.run = { text: actor.settled, at: calls };
      actor.settles[index] = actor.settled;
      actor.since = [];
    };
    void program({ store: gatedStore(this.world, gate), dns: gatedZone(this.world, gate), clock, record, settle }).then(
      () => finish('done'),
      (error: Error) => finish('failed', error.message),
    );
  }
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

/** The racing actors: the Planner writing the remaining generations, and each Enactor running one full cycle. */
function programs(config: ExplorerConfig): [string, Program][] {
  return [
    [PLANNER, ({ store, clock, record }) => writePlans({ store, clock, record }, plannerSettings(config), config.generations - 1)],
    ...enactorIds(config).map((id): [string, Program] => [
      id,
      ({ store, dns, clock, record, settle }) => runEnactor(enactorContext(config, id, store, dns, clock, record, settle)),
    ]),
  ];
}

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
  // Labels outermost first, so the keys under a name share its prefix: "name:internal/lab/ep" holds "name:internal/lab/ep/_lock".
  const key = (name: string) => `name:${canonicalName(name).split('.').reverse().join('/')}`;
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
        () => zone.change(changes),
      ),
  };
}

export function enactorContext(
  config: ExplorerConfig,
  enactor: string,
  store: PlanStore,
  dns: DnsZone,
  clock: Clock,
  record: (fields: EventFields) => Promise<void>,
  checkpoint?: Checkpoint,
): EnactorContext {
  return {
    checkpoint,
    enactor,
    zone: EXPLORER_ZONE,
    store,
    dns,
    clock,
    record,
    safeguards: new SafeguardSet(config.safeguards),
    policy: explorerPolicy(config),
    faults: [],
  };
}

/** g1 written and applied to every endpoint by an Enactor running alone. */
async function steadyState(config: ExplorerConfig): Promise<World> {
  const world = new World();
  const clock = stillClock;
  const record = async () => {};
  await writePlans({ store: world.store, clock, record }, plannerSettings(config), 1);
  await runEnactor(enactorContext(config, 'setup', world.store, new MemoryDnsZone(world.zone), clock, record));
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
  return createHash('sha1').update(text).digest('base64');
}

/** One result as the state key holds it: the call and what it returned. */
function resultText(op: string, result: unknown): string {
  return `${op}\u0000${result === undefined ? '' : JSON.stringify(result)}`;
}

/** How a state key holds the actors: both reductions on unless turned off (to check them). */
export interface Keying {
  /** Key an ended actor by everything it held, not only by how it ended. */
  keepEnded?: boolean;
  /**
   * Key an actor by what it told at its last checkpoint and the results since ('all', the default), at its last
   * 'run' checkpoint and the results since ('run': for code that may keep more past a 'step' checkpoint than it
   * tells, as a trainee's change may), or by every result it received ('none').
   */
  checkpoints?: 'all' | 'run' | 'none';
  /** Key each lock token as the number it is, not relative to its lock's current one (explorer/lock-tokens.ts). */
  literalTokens?: boolean;
}

/** How the key writes lock tokens: relative to each lock's current one (the reduction), or as they are. */
function lockTokens(world: World, keying: Keying): Pick<RelativeTokens, 'world' | 'of'> {
  return keying.literalTokens ? { world: world.fingerprint(), of: (text) => text } : new RelativeTokens(world.fingerprint());
}

const reduced = (keying: Keying) => !keying.keepEnded && (keying.checkpoints ?? 'all') === 'all';

/** The actor's history text as the key holds it: reduced (from the cache while the actor has not moved), or as told. */
function historyText(actor: Actor, keying: Keying): string {
  return reduced(keying) ? keyed(actor).text : historyOf(actor, keying);
}

/** The actor's history text as the reduced key holds it, from the cache while the actor has not moved. */
function keyed(actor: Actor): NonNullable<Actor['keyed']> {
  const { status, settled, since } = actor;
  const cached = actor.keyed;
  if (cached && cached.status === status && cached.settled === settled && cached.length === since.length) return cached;
  actor.keyed = { status, settled, length: since.length, text: historyOf(actor, {}) };
  return actor.keyed;
}

/**
 * Everything that fixes an actor's local state, as one text: what it settled at its last checkpoint and every
 * result since (or, without checkpoints, every result). An actor that has ended has no future, and no invariant
 * reads what it held: only how it ended counts, so states that differ only there are one.
 */
function historyOf(actor: Actor, keying: Keying): string {
  if (!keying.keepEnded && actor.status === 'done') return 'done';
  if (!keying.keepEnded && actor.status === 'failed') return `failed:${actor.error}`;
  const since = (from: number) => actor.outcomes.slice(from).map((outcome) => outcome.text);
  if (keying.checkpoints === 'none') return `${actor.status}:\u0001${since(0).join('\u0001')}`;
  if (keying.checkpoints === 'run') return `${actor.status}:${actor.run.text}\u0001${since(actor.run.at).join('\u0001')}`;
  return `${actor.status}:${actor.settled}\u0001${actor.since.join('\u0001')}`;
}

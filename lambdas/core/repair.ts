// The manual intervention of the incident, as code: bring every endpoint back
// onto a plan that answers, from whatever state the zone and the plans table
// are in, even when the plan the endpoints point at is gone from both. It is
// idempotent (a second run finds nothing to change) and never moves an
// endpoint back to an older plan that still answers. It acts only on the lab's
// endpoints, and leaves the Planner's counter past every generation it finds.
import { sameRecordSet, type RecordChange, type RecordSet } from './dns-records.ts';
import {
  endpointName,
  endpointOfTree,
  endpointRecord,
  extraTreeRecords,
  generationOfTree,
  leaseFrom,
  LOCK_LEASE_SECONDS_MAX,
  lockRecord,
  planTreeRecords,
  pointedGeneration,
  rollbackRecord,
} from './dns-tree.ts';
import { snapshotOf, type EndpointSnapshot } from './endpoint-state.ts';
import { liveAddresses, type Plan } from './plan.ts';
import type { Clock, DnsZone, PlanStore } from './ports.ts';

/** The lock holder repair writes; its lease is over the moment it is written (repair takes the lock and releases it). */
export const REPAIR_HOLDER = 'racelab-repair';

/**
 * How far the clock of a lock's writer may run ahead of repair's. Every caller of the lab's AWS APIs signs its
 * requests (SigV4), and AWS refuses a signature more than 5 minutes off its own clock; the Enactors run on
 * Lambda, whose clocks AWS keeps in sync. So seen from any repair that can reach the lab, an Enactor's lease
 * ends at most LOCK_LEASE_SECONDS_MAX + 300 s ahead; further is no lease the lab granted.
 */
export const CLOCK_SKEW_SECONDS_MAX = 300;

/** A lock whose expiry lies further ahead than this is stale: no Enactor wrote it, and every Enactor would back off. */
export const STALE_LOCK_SECONDS = LOCK_LEASE_SECONDS_MAX + CLOCK_SKEW_SECONDS_MAX;

export interface RepairContext {
  store: PlanStore;
  dns: DnsZone;
  clock: Clock;
  zone: string;
}

export interface EndpointRepair {
  endpoint: string;
  /** The generation the endpoint pointed at, and whether that tree still answered. */
  from?: number;
  fromAnswering: boolean;
  /** The generation it points at after the repair. */
  to: number;
  /** One change batch; empty when the endpoint needs nothing. */
  changes: RecordChange[];
  /** A lock that no lease the lab grants explains (STALE_LOCK_SECONDS), which the batch replaces: who held it, for how long more. */
  staleLock?: { holder: string; secondsLeft: number };
}

export type RepairSource = 'row' | 'tree';

/** Plan trees (and maybe an alias) in the zone under a name that is not one of the lab's endpoints: reported, never touched. */
export interface StrayEndpoint {
  endpoint: string;
  generations: number[];
  /** It has an endpoint record (an alias to one of its trees) too. */
  published: boolean;
}

export interface RepairPlan {
  /** The plan every endpoint is brought onto; undefined when no plan row or tree is left. */
  plan?: Plan;
  /** Where the plan came from: its row in the plans table, or rebuilt from its tree in DNS. */
  source?: RepairSource;
  /** The plan was rebuilt from a tree, so its row is written back. */
  restoreRow: boolean;
  /** The Planner's generation counter is behind a generation in a row or the zone: raised from `from` to `to`. */
  counter?: { from: number; to: number };
  endpoints: EndpointRepair[];
  strays: StrayEndpoint[];
}

/** Nothing to change: every endpoint is already where a repair would put it, and the counter is past every generation. */
export function repairNeeded(plan: RepairPlan): boolean {
  return plan.restoreRow || plan.counter !== undefined || plan.endpoints.some((endpoint) => endpoint.changes.length > 0);
}

/** Reads the whole zone and the plans table, and works out every change batch. Changes nothing. */
export async function planRepair(ctx: RepairContext): Promise<RepairPlan> {
  const records = await ctx.dns.recordsUnder(ctx.zone);
  const rows = await readRows(ctx.store);
  const lab = labEndpoints(rows.usable ?? rows.newest, records, ctx.zone);
  const strays = strayEndpoints(records, ctx.zone, lab);
  const found = rows.usable ? { plan: rows.usable, source: 'row' as const } : rebuiltFromTree(records, lab, ctx);
  if (!found) return { restoreRow: false, endpoints: [], strays };
  const { plan, source } = found;
  const snapshots = lab.map((endpoint) => snapshotOf(endpoint, ctx.zone, records));
  const endpoints = snapshots.map((snapshot) => repairEndpoint(snapshot, plan, ctx));
  const newest = Math.max(plan.generation, ...rows.generations, ...snapshots.flatMap(generationsNamed));
  const counter = await ctx.store.generationCounter();
  return {
    plan,
    source,
    restoreRow: source === 'tree',
    ...(counter < newest ? { counter: { from: counter, to: newest } } : {}),
    endpoints,
    strays,
  };
}

/**
 * Raises the counter first (so a Planner running meanwhile cannot take the generation of the row written back),
 * writes the plan's row back if it was rebuilt, then sends each endpoint's batch. A batch the zone rejects throws (ChangeRejected).
 */
export async function applyRepair(ctx: RepairContext, repair: RepairPlan): Promise<void> {
  if (repair.counter) await ctx.store.raiseGenerationCounter(repair.counter.to);
  if (repair.plan && repair.restoreRow) await ctx.store.putPlan(repair.plan);
  for (const endpoint of repair.endpoints) if (endpoint.changes.length > 0) await ctx.dns.change(endpoint.changes);
}

/** Every generation with a row; the newest row; the newest with at least one live load balancer (a plan with none would empty every endpoint). */
async function readRows(store: PlanStore): Promise<{ generations: number[]; newest?: Plan; usable?: Plan }> {
  const generations = (await store.listGenerations()).sort((a, b) => b - a);
  let newest: Plan | undefined;
  for (const generation of generations) {
    const plan = await store.getPlan(generation);
    newest ??= plan;
    if (plan && liveAddresses(plan).length > 0) return { generations, newest, usable: plan };
  }
  return { generations, newest };
}

/** Every generation an endpoint's records name: its trees, and the trees its alias and rollback record point at (gone or not). */
function generationsNamed(snapshot: EndpointSnapshot): number[] {
  const pointed = [snapshot.generation, pointedGeneration(snapshot.rollback)].filter((generation) => generation !== undefined);
  return [...snapshot.trees.keys(), ...pointed];
}

/** With no usable row left, the newest tree of the lab's endpoints still in DNS is the source of truth: its records are the plan's live load balancers. */
function rebuiltFromTree(records: readonly RecordSet[], lab: readonly string[], ctx: RepairContext): { plan: Plan; source: RepairSource } | undefined {
  const endpoints = new Set(lab);
  const trees = new Map<number, RecordSet[]>();
  for (const record of records) {
    const generation = generationOfTree(record.name);
    const endpoint = endpointOfTree(record.name, ctx.zone);
    if (
      generation !== undefined &&
      endpoint !== undefined &&
      endpoints.has(endpoint) &&
      record.type === 'A' &&
      record.setIdentifier !== undefined &&
      !record.alias
    ) {
      trees.set(generation, [...(trees.get(generation) ?? []), record]);
    }
  }
  if (trees.size === 0) return undefined;
  const newest = Math.max(...trees.keys());
  const tree = trees.get(newest)!;
  const loadBalancers = new Map(
    tree.map((record) => [record.setIdentifier!, { id: record.setIdentifier!, address: record.values[0] ?? '', weight: record.weight ?? 0 }]),
  );
  const plan: Plan = { generation: newest, createdAt: ctx.clock.now(), endpoints: [...lab], loadBalancers: [...loadBalancers.values()] };
  return { plan, source: 'tree' };
}

/** The lab's endpoints: every plan lists them all (a row's list); with no row left, the names the zone publishes. */
function labEndpoints(row: Plan | undefined, records: readonly RecordSet[], zone: string): string[] {
  return row?.endpoints ?? publishedEndpoints(records, zone);
}

/** The endpoints the zone publishes: names with an endpoint record, an alias to one of their own plan trees. Sorted. */
function publishedEndpoints(records: readonly RecordSet[], zone: string): string[] {
  const endpoints = new Set<string>();
  for (const record of records) {
    const endpoint = record.alias ? endpointOfTree(record.alias.target, zone) : undefined;
    if (endpoint && record.name === endpointName(endpoint, zone)) endpoints.add(endpoint);
  }
  return [...endpoints].sort();
}

/** Every name the zone holds plan trees under, or an alias to one, with those trees' generations: the lab's endpoints and any stray. */
function namesWithTrees(records: readonly RecordSet[], zone: string): Map<string, Set<number>> {
  const found = new Map<string, Set<number>>();
  for (const record of records) {
    const endpoint = endpointOfTree(record.alias?.target ?? record.name, zone);
    if (!endpoint || endpoint.startsWith('_')) continue;
    const generations = found.get(endpoint) ?? new Set<number>();
    const generation = record.alias ? undefined : generationOfTree(record.name);
    if (generation !== undefined) generations.add(generation);
    found.set(endpoint, generations);
  }
  return found;
}

/** Every endpoint the zone knows of: names with a plan tree under them, or an alias to one (the lab's, and any stray). */
export function endpointsInZone(records: readonly RecordSet[], zone: string): string[] {
  return [...namesWithTrees(records, zone).keys()];
}

/** Names in the zone with plan trees (or an alias to one) that are not the lab's endpoints, with their trees' generations. */
function strayEndpoints(records: readonly RecordSet[], zone: string, lab: readonly string[]): StrayEndpoint[] {
  const published = new Set(publishedEndpoints(records, zone));
  return [...namesWithTrees(records, zone)]
    .filter(([endpoint]) => !lab.includes(endpoint))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([endpoint, generations]) => ({ endpoint, generations: [...generations].sort((a, b) => a - b), published: published.has(endpoint) }));
}

function repairEndpoint(snapshot: EndpointSnapshot, plan: Plan, ctx: RepairContext): EndpointRepair {
  const { endpoint } = snapshot;
  const from = snapshot.generation;
  const fromAnswering = from !== undefined && snapshot.trees.has(from);
  // Never backwards: an endpoint on a newer plan that still answers stays there.
  const to = fromAnswering && from > plan.generation ? from : plan.generation;
  const changes: RecordChange[] = [];
  if (to === plan.generation) {
    const wanted = planTreeRecords(plan, endpoint, ctx.zone);
    const present = snapshot.trees.get(plan.generation) ?? [];
    // What the plan does not have goes first: a simple record there would clash with the weighted ones.
    for (const extra of extraTreeRecords(wanted, present)) changes.push({ action: 'DELETE', record: extra });
    for (const record of wanted) {
      const current = present.find((other) => other.setIdentifier === record.setIdentifier);
      if (!current || !sameRecordSet(current, record)) changes.push({ action: 'UPSERT', record });
    }
  }
  const alias = endpointRecord(endpoint, to, ctx.zone);
  if (!snapshot.record || !sameRecordSet(snapshot.record, alias)) changes.push({ action: 'UPSERT', record: alias });
  const rollback = rollbackRecord(endpoint, rollbackTarget(snapshot, to), ctx.zone);
  if (!snapshot.rollback || !sameRecordSet(snapshot.rollback, rollback)) changes.push({ action: 'UPSERT', record: rollback });
  const now = ctx.clock.now();
  const secondsLeft = snapshot.lease ? (snapshot.lease.expiresAtMs - now) / 1000 : 0;
  const staleLock = snapshot.lease && secondsLeft > STALE_LOCK_SECONDS ? { holder: snapshot.lease.holder, secondsLeft: Math.round(secondsLeft) } : undefined;
  if (changes.length > 0 || staleLock) {
    // Like every writer, delete the exact lock read: the batch fails if an Enactor moved in since.
    const release = lockRecord(endpoint, leaseFrom(REPAIR_HOLDER, now, 0, snapshot.lease), ctx.zone);
    changes.unshift(...(snapshot.lock ? [{ action: 'DELETE' as const, record: snapshot.lock }] : []), { action: 'CREATE', record: release });
  }
  return { endpoint, from, fromAnswering, to, changes, ...(staleLock ? { staleLock } : {}) };
}

/**
 * Where the rollback record should point: where it points now if that tree
 * still exists; else the tree the endpoint pointed at, if it answered; else
 * the repaired plan's own tree. Stable, so a second repair changes nothing.
 */
function rollbackTarget(snapshot: EndpointSnapshot, to: number): number {
  const exists = (generation: number | undefined): generation is number => generation !== undefined && (generation === to || snapshot.trees.has(generation));
  const current = pointedGeneration(snapshot.rollback);
  if (exists(current)) return current;
  if (exists(snapshot.generation) && snapshot.generation !== to) return snapshot.generation;
  return to;
}

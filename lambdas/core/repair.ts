// The manual intervention of the incident, as code: bring every endpoint back
// onto a plan that answers, from whatever state the zone and the plans table
// are in, even when the plan the endpoints point at is gone from both. It is
// idempotent (a second run finds nothing to change) and never moves an
// endpoint back to an older plan that still answers.
import { sameRecordSet, type RecordChange, type RecordSet } from './dns-records.ts';
import { endpointOfTree, endpointRecord, generationOfTree, leaseFrom, lockRecord, planTreeRecords, pointedGeneration, rollbackRecord } from './dns-tree.ts';
import { snapshotOf, type EndpointSnapshot } from './endpoint-state.ts';
import { liveAddresses, type Plan } from './plan.ts';
import type { Clock, DnsZone, PlanStore } from './ports.ts';

/** The lock holder repair writes; its lease is over the moment it is written (repair takes the lock and releases it). */
export const REPAIR_HOLDER = 'racelab-repair';

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
}

export type RepairSource = 'row' | 'tree';

export interface RepairPlan {
  /** The plan every endpoint is brought onto; undefined when no plan row or tree is left. */
  plan?: Plan;
  /** Where the plan came from: its row in the plans table, or rebuilt from its tree in DNS. */
  source?: RepairSource;
  /** The plan was rebuilt from a tree, so its row is written back. */
  restoreRow: boolean;
  endpoints: EndpointRepair[];
}

/** Nothing to change: every endpoint is already where a repair would put it. */
export function repairNeeded(plan: RepairPlan): boolean {
  return plan.restoreRow || plan.endpoints.some((endpoint) => endpoint.changes.length > 0);
}

/** Reads the whole zone and the plans table, and works out every change batch. Changes nothing. */
export async function planRepair(ctx: RepairContext): Promise<RepairPlan> {
  const records = await ctx.dns.recordsUnder(ctx.zone);
  const found = (await newestUsableRow(ctx.store)) ?? rebuiltFromTree(records, ctx);
  if (!found) return { restoreRow: false, endpoints: [] };
  const { plan, source } = found;
  const endpoints = [...new Set([...plan.endpoints, ...endpointsInZone(records, ctx.zone)])].sort();
  return {
    plan: { ...plan, endpoints },
    source,
    restoreRow: source === 'tree',
    endpoints: endpoints.map((endpoint) => repairEndpoint(snapshotOf(endpoint, ctx.zone, records), plan, ctx)),
  };
}

/** Writes the plan's row back if it was rebuilt, then sends each endpoint's batch. A batch the zone rejects throws (ChangeRejected). */
export async function applyRepair(ctx: RepairContext, repair: RepairPlan): Promise<void> {
  if (repair.plan && repair.restoreRow) await ctx.store.putPlan(repair.plan);
  for (const endpoint of repair.endpoints) if (endpoint.changes.length > 0) await ctx.dns.change(endpoint.changes);
}

/** The newest plan row with at least one live load balancer (a plan with none would empty every endpoint). */
async function newestUsableRow(store: PlanStore): Promise<{ plan: Plan; source: RepairSource } | undefined> {
  for (const generation of (await store.listGenerations()).sort((a, b) => b - a)) {
    const plan = await store.getPlan(generation);
    if (plan && liveAddresses(plan).length > 0) return { plan, source: 'row' };
  }
  return undefined;
}

/** With no usable row left, the newest tree still in DNS is the source of truth: its records are the plan's live load balancers. */
function rebuiltFromTree(records: readonly RecordSet[], ctx: RepairContext): { plan: Plan; source: RepairSource } | undefined {
  const trees = new Map<number, RecordSet[]>();
  for (const record of records) {
    const generation = generationOfTree(record.name);
    if (generation !== undefined && record.type === 'A' && record.setIdentifier !== undefined && !record.alias) {
      trees.set(generation, [...(trees.get(generation) ?? []), record]);
    }
  }
  if (trees.size === 0) return undefined;
  const newest = Math.max(...trees.keys());
  const tree = trees.get(newest)!;
  const loadBalancers = new Map(
    tree.map((record) => [record.setIdentifier!, { id: record.setIdentifier!, address: record.values[0] ?? '', weight: record.weight ?? 0 }]),
  );
  const plan: Plan = {
    generation: newest,
    createdAt: ctx.clock.now(),
    endpoints: endpointsInZone(records, ctx.zone),
    loadBalancers: [...loadBalancers.values()],
  };
  return { plan, source: 'tree' };
}

/** Every endpoint the zone knows of: names with a plan tree under them, or an alias to one. */
export function endpointsInZone(records: readonly RecordSet[], zone: string): string[] {
  const endpoints = new Set<string>();
  for (const record of records) {
    const endpoint = endpointOfTree(record.alias?.target ?? record.name, zone);
    if (endpoint && !endpoint.startsWith('_')) endpoints.add(endpoint);
  }
  return [...endpoints];
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
    for (const record of wanted) {
      const current = present.find((other) => other.setIdentifier === record.setIdentifier);
      if (!current || !sameRecordSet(current, record)) changes.push({ action: 'UPSERT', record });
    }
    for (const extra of present.filter((record) => !wanted.some((other) => other.setIdentifier === record.setIdentifier))) {
      changes.push({ action: 'DELETE', record: extra });
    }
  }
  const alias = endpointRecord(endpoint, to, ctx.zone);
  if (!snapshot.record || !sameRecordSet(snapshot.record, alias)) changes.push({ action: 'UPSERT', record: alias });
  const rollback = rollbackRecord(endpoint, rollbackTarget(snapshot, to), ctx.zone);
  if (!snapshot.rollback || !sameRecordSet(snapshot.rollback, rollback)) changes.push({ action: 'UPSERT', record: rollback });
  if (changes.length > 0) {
    // Like every writer, delete the exact lock read: the batch fails if an Enactor moved in since.
    const release = lockRecord(endpoint, leaseFrom(REPAIR_HOLDER, ctx.clock.now(), 0), ctx.zone);
    changes.unshift(...(snapshot.lock ? [{ action: 'DELETE' as const, record: snapshot.lock }] : []), { action: 'CREATE', record: release });
  }
  return { endpoint, from, fromAnswering, to, changes };
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

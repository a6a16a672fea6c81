// What an Enactor knows about one endpoint before it writes: everything at and
// under the endpoint's name, from ONE read, so the endpoint record, its lock,
// its rollback record and the plan trees are one consistent snapshot. Every
// batch that moves the endpoint also rewrites the lock, so a batch that deletes
// the exact lock value of this snapshot only succeeds if the snapshot still holds.
import type { RecordSet } from './dns-records.ts';
import { endpointName, generationOfTree, leaseOf, lockName, planTreeName, pointedGeneration, rollbackName, type Lease } from './dns-tree.ts';
import type { DnsZone } from './ports.ts';

export interface EndpointSnapshot {
  endpoint: string;
  /** The endpoint's alias record; undefined before any plan was applied. */
  record?: RecordSet;
  /** The generation whose tree the endpoint points at. */
  generation?: number;
  lock?: RecordSet;
  lease?: Lease;
  rollback?: RecordSet;
  /** The plan trees under the endpoint: generation → its weighted records. */
  trees: ReadonlyMap<number, readonly RecordSet[]>;
}

export async function readEndpoint(dns: DnsZone, endpoint: string, zone: string): Promise<EndpointSnapshot> {
  return snapshotOf(endpoint, zone, await endpointRecords(dns, endpoint, zone));
}

/** The one read behind an endpoint's snapshot, as records: what an Enactor keeps in its state (snapshotOf sorts them). */
export function endpointRecords(dns: DnsZone, endpoint: string, zone: string): Promise<RecordSet[]> {
  return dns.recordsUnder(endpointName(endpoint, zone));
}

/**
 * Every endpoint's snapshot from ONE read of the whole zone: one
 * ListResourceRecordSets instead of one per endpoint, and the endpoints seen
 * at one moment (for the begin check and clean-up, which look at them all).
 */
export async function readEndpoints(dns: DnsZone, endpoints: readonly string[], zone: string): Promise<EndpointSnapshot[]> {
  const records = await dns.recordsUnder(zone);
  return endpoints.map((endpoint) => snapshotOf(endpoint, zone, records));
}

/** Sorts the record sets of one read into the endpoint's parts. */
export function snapshotOf(endpoint: string, zone: string, records: readonly RecordSet[]): EndpointSnapshot {
  const name = endpointName(endpoint, zone);
  const [lock, rollback] = [lockName(endpoint, zone), rollbackName(endpoint, zone)];
  // Every tree of this endpoint ends so; a zone-wide read holds the other endpoints' records too.
  const treeSuffix = `.plans.${name}`;
  const trees = new Map<number, RecordSet[]>();
  const snapshot: EndpointSnapshot = { endpoint, trees };
  for (const record of records) {
    if (record.name === name && record.type === 'A') snapshot.record = record;
    else if (record.name === lock && record.type === 'TXT') snapshot.lock = record;
    else if (record.name === rollback) snapshot.rollback = record;
    else if (record.name.endsWith(treeSuffix) && record.type === 'A') {
      const generation = generationOfTree(record.name);
      if (generation === undefined) continue;
      // A tree's weighted sets share its name: build it once per tree, not once per set.
      const tree = trees.get(generation);
      if (tree) {
        if (record.name === tree[0]!.name) tree.push(record);
      } else if (record.name === planTreeName(endpoint, generation, zone)) {
        trees.set(generation, [record]);
      }
    }
  }
  snapshot.generation = pointedGeneration(snapshot.record);
  snapshot.lease = leaseOf(snapshot.lock);
  return snapshot;
}

/** The endpoint points at a tree that has no records left: its answer is empty, and no rollback record can point there. */
export function activeTreeGone(snapshot: EndpointSnapshot): boolean {
  return snapshot.generation !== undefined && !snapshot.trees.has(snapshot.generation);
}

/**
 * The generation of the endpoint furthest behind, or undefined if one has no
 * plan yet: the one-time check asks whether the plan is newer than what is
 * applied anywhere. (Comparing with the newest endpoint instead would leave an
 * endpoint behind forever after a partial apply — the explorer found that.)
 */
export async function oldestAppliedGeneration(dns: DnsZone, endpoints: string[], zone: string): Promise<number | undefined> {
  let oldest: number | undefined;
  for (const { generation } of await readEndpoints(dns, endpoints, zone)) {
    if (generation === undefined) return undefined;
    if (oldest === undefined || generation < oldest) oldest = generation;
  }
  return oldest;
}

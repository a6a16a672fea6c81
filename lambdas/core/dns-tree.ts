// The DNS tree as AWS described it (postmortem, DAT453): each plan is a tree of
// weighted records; each endpoint is a top-level alias to the active plan's
// tree, so applying or rolling back a plan is one alias flip. Beside it sit a
// TXT lock (holder and expiry) and a rollback record (an alias to the tree the
// endpoint pointed at before). Names here are the only place that knows the layout.
import { aliasRecord, canonicalName, txtValue, type RecordSet } from './dns-records.ts';
import type { Plan } from './plan.ts';
import type { DnsZone } from './ports.ts';

/**
 * How long a resolver may cache a record (the endpoint aliases answer with their tree's TTL): at most the
 * shortest probe interval a scenario may have (scenario/schema.ts), so a change reaches the next probe.
 */
export const RECORD_TTL_SECONDS = 1;

/**
 * How long a resolver may cache a negative answer (NXDOMAIN, NODATA). RFC 2308 and Route 53 take the lesser of
 * the SOA's last field and the SOA record's own TTL, so the lab sets both (Route 53 creates them at 86400 and 900).
 */
export const NEGATIVE_TTL_SECONDS = 1;

/** The zone's SOA value with its negative-caching field (the last) set to NEGATIVE_TTL_SECONDS; the other fields as Route 53 made them. */
export function labSoaValue(generated: string): string {
  const fields = generated.trim().split(/\s+/);
  if (fields.length !== 7) throw new Error(`not an SOA value: ${generated}`);
  return [...fields.slice(0, 6), String(NEGATIVE_TTL_SECONDS)].join(' ');
}

/** The lab's apex SOA record set, from the one Route 53 generated: the SOA's own TTL is the negative TTL too. */
export function labSoaRecord(zone: string, generated: string): RecordSet {
  return { name: canonicalName(zone), type: 'SOA', ttl: NEGATIVE_TTL_SECONDS, values: [labSoaValue(generated)] };
}

/** Sets the zone's negative caching as the deployed stack does (infra/lab-zone-soa.ts): reads the SOA, UPSERTs the lab's. */
export async function setLabSoa(dns: DnsZone, zone: string): Promise<void> {
  const soa = (await dns.recordsUnder(zone)).find((record) => record.type === 'SOA' && record.name === canonicalName(zone));
  if (!soa?.values[0]) throw new Error(`the zone ${zone} has no SOA record`);
  await dns.change([{ action: 'UPSERT', record: labSoaRecord(zone, soa.values[0]) }]);
}
const GENERATION_DIGITS = 6;

export function endpointName(endpoint: string, zone: string): string {
  return canonicalName(`${endpoint}.${zone}`);
}

export function planTreeName(endpoint: string, generation: number, zone: string): string {
  return canonicalName(`g${String(generation).padStart(GENERATION_DIGITS, '0')}.plans.${endpoint}.${zone}`);
}

export function lockName(endpoint: string, zone: string): string {
  return canonicalName(`_lock.${endpoint}.${zone}`);
}

export function rollbackName(endpoint: string, zone: string): string {
  return canonicalName(`_rollback.${endpoint}.${zone}`);
}

/** The generation a tree name belongs to, or undefined when the name is not a plan tree. */
export function generationOfTree(name: string): number | undefined {
  const match = /^g(\d+)\.plans\./.exec(canonicalName(name));
  return match ? Number(match[1]) : undefined;
}

/** The endpoint a plan tree's name belongs to (relative to the zone), or undefined when the name is not a plan tree. */
export function endpointOfTree(name: string, zone: string): string | undefined {
  const suffix = `.${canonicalName(zone)}`;
  const canonical = canonicalName(name);
  if (!canonical.endsWith(suffix)) return undefined;
  return /^g\d+\.plans\.(.+)$/.exec(canonical.slice(0, -suffix.length))?.[1];
}

/** The generation an endpoint or rollback record points at (an alias to a plan tree). */
export function pointedGeneration(record: RecordSet | undefined): number | undefined {
  return record?.alias ? generationOfTree(record.alias.target) : undefined;
}

/**
 * One plan's tree under one endpoint: a weighted A record per load balancer
 * the plan keeps. A load balancer at weight 0 is capacity the Planner removed,
 * so it is left out: in Route 53 a weight-0 record still answers when every
 * record of its group is at 0, which would bring removed capacity back.
 */
export function planTreeRecords(plan: Plan, endpoint: string, zone: string): RecordSet[] {
  const name = planTreeName(endpoint, plan.generation, zone);
  return plan.loadBalancers
    .filter((lb) => lb.weight > 0)
    .map((lb) => ({ name, type: 'A', ttl: RECORD_TTL_SECONDS, values: [lb.address], setIdentifier: lb.id, weight: lb.weight }));
}

/** The endpoint's top-level alias to a plan's tree. */
export function endpointRecord(endpoint: string, generation: number, zone: string): RecordSet {
  return aliasRecord(endpointName(endpoint, zone), 'A', planTreeName(endpoint, generation, zone));
}

/** The rollback record: an alias to the tree the endpoint pointed at before the latest apply. */
export function rollbackRecord(endpoint: string, previousGeneration: number, zone: string): RecordSet {
  return aliasRecord(rollbackName(endpoint, zone), 'A', planTreeName(endpoint, previousGeneration, zone));
}

/** Who holds an endpoint's lock, and until when (epoch seconds), as DAT453 describes the TXT value. */
export interface Lease {
  holder: string;
  expiresAt: number;
}

export function lockRecord(endpoint: string, lease: Lease, zone: string): RecordSet {
  return { name: lockName(endpoint, zone), type: 'TXT', ttl: RECORD_TTL_SECONDS, values: [txtValue(`holder=${lease.holder} expires=${lease.expiresAt}`)] };
}

/** The lease a lock record holds; undefined when its value is not one (a lock written by something else). */
export function leaseOf(record: RecordSet | undefined): Lease | undefined {
  const match = /^"holder=([^ "]+) expires=(\d+)"$/.exec(record?.values[0] ?? '');
  return match ? { holder: match[1]!, expiresAt: Number(match[2]) } : undefined;
}

/** A lease taken now for `seconds`; expiry in whole epoch seconds, as the TXT value carries it. */
export function leaseFrom(holder: string, nowMs: number, seconds: number): Lease {
  return { holder, expiresAt: Math.floor(nowMs / 1000) + seconds };
}

/** A lease stops holding at its expiry second. */
export function leaseLive(lease: Lease, nowMs: number): boolean {
  return lease.expiresAt * 1000 > nowMs;
}

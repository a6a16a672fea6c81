// The DNS tree as AWS described it (postmortem, DAT453): each plan is a tree of
// weighted records; each endpoint is a top-level alias to the active plan's
// tree, so applying or rolling back a plan is one alias flip. Beside it sit a
// TXT lock (holder, expiry, token) and a rollback record (an alias to the tree the
// endpoint pointed at before). Names here are the only place that knows the layout.
import { aliasRecord, canonicalName, recordKey, txtValue, type RecordSet } from './dns-records.ts';
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

/**
 * The record sets a plan's tree holds that the plan does not (a load balancer the plan leaves out, a record
 * written by hand): whoever writes the tree deletes them in the same batch, so the tree is exactly the plan.
 */
export function extraTreeRecords(wanted: readonly RecordSet[], present: readonly RecordSet[]): RecordSet[] {
  const keys = new Set(wanted.map(recordKey));
  return present.filter((record) => !keys.has(recordKey(record)));
}

/** The endpoint's top-level alias to a plan's tree. */
export function endpointRecord(endpoint: string, generation: number, zone: string): RecordSet {
  return aliasRecord(endpointName(endpoint, zone), 'A', planTreeName(endpoint, generation, zone));
}

/** The rollback record: an alias to the tree the endpoint pointed at before the latest apply. */
export function rollbackRecord(endpoint: string, previousGeneration: number, zone: string): RecordSet {
  return aliasRecord(rollbackName(endpoint, zone), 'A', planTreeName(endpoint, previousGeneration, zone));
}

/**
 * The longest lease the lab grants (a scenario's policy.lockLeaseSeconds, scenario/schema.ts; the Enactor's task
 * input holds it to the same bound): an expiry further ahead than this was not written by an Enactor's lease.
 */
export const LOCK_LEASE_SECONDS_MAX = 300;

/**
 * Who holds an endpoint's lock, until when, and its fencing token. The TXT value is DAT453's holder and expiry
 * (epoch seconds, to the millisecond) and a token one more than that of the value its writer deleted: values
 * along the record's history never repeat, so a batch that deletes the exact value it read cannot land on a
 * lock rewritten since, even by the same holder at the same instant (an ABA).
 */
export interface Lease {
  holder: string;
  /** Epoch milliseconds. */
  expiresAtMs: number;
  token: number;
}

export function lockRecord(endpoint: string, lease: Lease, zone: string): RecordSet {
  const value = `holder=${lease.holder} expires=${epochSeconds(lease.expiresAtMs)} token=${lease.token}`;
  return { name: lockName(endpoint, zone), type: 'TXT', ttl: RECORD_TTL_SECONDS, values: [txtValue(value)] };
}

/** Epoch milliseconds (never negative) as epoch seconds with three decimals, digit for digit (no binary fractions). */
function epochSeconds(ms: number): string {
  const whole = Math.max(0, Math.round(ms));
  return `${Math.floor(whole / 1000)}.${String(whole % 1000).padStart(3, '0')}`;
}

/**
 * The lease a lock record holds; undefined when its value is not one (a lock written by something else).
 * A value without a token or without milliseconds (written by hand, or before tokens) reads as token 0.
 */
export function leaseOf(record: RecordSet | undefined): Lease | undefined {
  const match = /^"holder=([^ "]+) expires=(\d+)(?:\.(\d{1,3}))?(?: token=(\d+))?"$/.exec(record?.values[0] ?? '');
  if (!match) return undefined;
  const [, holder, seconds, fraction, token] = match;
  return { holder: holder!, expiresAtMs: Number(seconds) * 1000 + Number((fraction ?? '').padEnd(3, '0')), token: Number(token ?? 0) };
}

/**
 * A lease taken now for `seconds` (to the millisecond: a 2 s lease holds 2 s), replacing the lease of the
 * value the writer deletes (none when there was no lock, or not a lease): its token is one more.
 */
export function leaseFrom(holder: string, nowMs: number, seconds: number, replacing: Lease | undefined): Lease {
  return { holder, expiresAtMs: Math.ceil(nowMs) + seconds * 1000, token: (replacing?.token ?? 0) + 1 };
}

/** A lease holds until its expiry. */
export function leaseLive(lease: Lease, nowMs: number): boolean {
  return lease.expiresAtMs > nowMs;
}

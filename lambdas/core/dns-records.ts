// DNS record sets and change batches as Route 53 models them. One definition,
// shared by the domain (which builds batches), the Route 53 adapter (which
// sends them) and the embedded zone model (which enforces Route 53's rules).

export const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'TXT', 'SOA', 'NS'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export interface RecordSet {
  /** Fully qualified, lower case, no trailing dot (see canonicalName). */
  name: string;
  type: RecordType;
  /** 0 on an alias record: Route 53 gives an alias no TTL of its own. */
  ttl: number;
  /** Record values; TXT values carry their quotes, as Route 53 wants them. Empty on an alias record. */
  values: string[];
  /** Present on weighted record sets only, together with weight. */
  setIdentifier?: string;
  weight?: number;
  /**
   * A Route 53 alias to another record set of the same type in the same hosted
   * zone (AliasTarget with this zone's id): DNS answers with the target's records.
   */
  alias?: AliasTarget;
}

export interface AliasTarget {
  /** The target's name, canonical; it lies in the same hosted zone. */
  target: string;
}

/** An alias record set: no TTL and no values of its own. */
export function aliasRecord(name: string, type: RecordType, target: string): RecordSet {
  return { name: canonicalName(name), type, ttl: 0, values: [], alias: { target: canonicalName(target) } };
}

export const CHANGE_ACTIONS = ['CREATE', 'DELETE', 'UPSERT'] as const;
export type ChangeAction = (typeof CHANGE_ACTIONS)[number];

export interface RecordChange {
  action: ChangeAction;
  record: RecordSet;
}

/** Route 53 treats names case-insensitively and the trailing dot as optional. */
export function canonicalName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** The identity of a record set in a zone: name, type and (for weighted sets) set identifier. */
export function recordKey(record: Pick<RecordSet, 'name' | 'type' | 'setIdentifier'>): string {
  return `${canonicalName(record.name)}|${record.type}|${record.setIdentifier ?? ''}`;
}

/** Exact match as Route 53 requires for DELETE: every field, values in any order. */
export function sameRecordSet(a: RecordSet, b: RecordSet): boolean {
  if (recordKey(a) !== recordKey(b) || a.ttl !== b.ttl || a.weight !== b.weight) return false;
  if (a.alias?.target !== b.alias?.target) return false;
  if (a.values.length !== b.values.length) return false;
  const left = [...a.values].sort();
  const right = [...b.values].sort();
  return left.every((value, i) => value === right[i]);
}

/** A TXT value as Route 53 stores it: one quoted character string. */
export function txtValue(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

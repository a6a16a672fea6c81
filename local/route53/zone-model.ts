// The one in-memory model of Route 53: hosted zones, their record sets and the
// rules ChangeResourceRecordSets enforces. It backs the embedded HTTP endpoint
// and is used directly by the model checker, so it is synchronous, has no I/O
// and ZoneRecords is cheap to clone (record sets are frozen and shared).

import { isIPv4, isIPv6 } from 'node:net';
import {
  CHANGE_ACTIONS,
  RECORD_TYPES,
  canonicalName,
  recordKey,
  sameRecordSet,
  type RecordChange,
  type RecordSet,
  type RecordType,
} from '../../lambdas/core/dns-records.ts';

// ---------------------------------------------------------------------------
// Errors, carrying Route 53's error codes and HTTP statuses

export class Route53Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus = 400,
  ) {
    super(message);
    this.name = code;
  }
}

/** A rejected change batch; `messages` has one entry per failed change, in Route 53's wording. */
export class InvalidChangeBatchError extends Route53Error {
  readonly messages: string[];

  constructor(messages: string[]) {
    // Route 53 puts the whole list, bracketed and comma separated, in <Message>.
    super('InvalidChangeBatch', `[${messages.join(', ')}]`, 400);
    this.messages = messages;
  }
}

const invalidInput = (message: string) => new Route53Error('InvalidInput', message, 400);
const noSuchHostedZone = (id: string) => new Route53Error('NoSuchHostedZone', `No hosted zone found with ID: ${id}`, 404);

// ---------------------------------------------------------------------------
// Names and ordering

/** The DNS name as Route 53 prints it: canonical, with the trailing dot. */
export function dnsName(name: string): string {
  return `${canonicalName(name)}.`;
}

/**
 * Route 53 sorts by name with the labels reversed ("com.example.www."); the
 * trailing dot matters for names with characters that sort before ".".
 */
export function reversedLabels(name: string): string {
  return `${canonicalName(name).split('.').reverse().join('.')}.`;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The same order among the sets of one name (no names to reverse: the explorer sorts these on every read). */
function compareAtOneName(a: RecordSet, b: RecordSet): number {
  return compareStrings(a.type, b.type) || compareStrings(a.setIdentifier ?? '', b.setIdentifier ?? '');
}

function isInZone(name: string, apex: string): boolean {
  return name === apex || name.endsWith(`.${apex}`);
}

/** How Route 53 names a record set in its messages. */
function describe(record: RecordSet): string {
  const identifier = record.setIdentifier === undefined ? '' : `, set-identifier='${record.setIdentifier}'`;
  return `[name='${dnsName(record.name)}', type='${record.type}'${identifier}]`;
}

function describeChange(change: RecordChange): string {
  const { record } = change;
  return `Change with [Action=${change.action}, Name=${dnsName(record.name)}, Type=${record.type}, SetIdentifier=${record.setIdentifier ?? 'null'}]`;
}

// ---------------------------------------------------------------------------
// Shape checks: malformed requests Route 53 rejects as a whole with InvalidInput
// (its XML schema and request validation), before looking at the zone.

const MAX_TTL = 2_147_483_647;
const MAX_WEIGHT = 255;

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** Validates one change's shape and returns it with a canonical, frozen record set. */
function normalizeChange(change: RecordChange): RecordChange {
  const { action, record } = change;
  const where = describeChange(change);
  if (!(CHANGE_ACTIONS as readonly string[]).includes(action)) throw invalidInput(`Invalid request: unknown Action '${action}' in ${where}`);
  if (!(RECORD_TYPES as readonly string[]).includes(record.type)) throw invalidInput(`Invalid request: unsupported Type '${record.type}' in ${where}`);
  if (canonicalName(record.name) === '') throw invalidInput(`Invalid request: empty Name in ${where}`);
  if (record.alias) {
    // Route 53: an alias carries AliasTarget instead of TTL and ResourceRecords, never both.
    if (record.ttl !== 0 || record.values.length > 0) {
      throw invalidInput(
        `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found ` +
          `more than one in ${where}`,
      );
    }
    if (canonicalName(record.alias.target) === '') throw invalidInput(`Invalid request: empty AliasTarget DNSName in ${where}`);
  } else {
    if (!isIntegerIn(record.ttl, 0, MAX_TTL)) throw invalidInput(`Invalid request: TTL ${record.ttl} is not in [0, ${MAX_TTL}] in ${where}`);
    if (record.values.length === 0) throw invalidInput(`Invalid request: ResourceRecords must contain at least one value in ${where}`);
  }
  if (record.setIdentifier !== undefined && record.weight === undefined) throw invalidInput(`Invalid request: Missing field 'Weight' in ${where}`);
  if (record.weight !== undefined && record.setIdentifier === undefined) throw invalidInput(`Invalid request: Missing field 'SetIdentifier' in ${where}`);
  if (record.setIdentifier !== undefined && (record.setIdentifier.length < 1 || record.setIdentifier.length > 128)) {
    throw invalidInput(`Invalid request: SetIdentifier must be 1 to 128 characters in ${where}`);
  }
  if (record.weight !== undefined && !isIntegerIn(record.weight, 0, MAX_WEIGHT)) {
    throw invalidInput(`Invalid request: Weight ${record.weight} is not in [0, ${MAX_WEIGHT}] in ${where}`);
  }
  return { action, record: freezeRecord(record) };
}

/** A canonical, frozen copy: stored record sets are shared between clones, so they must never change. */
function freezeRecord(record: RecordSet): RecordSet {
  const copy: RecordSet = { name: canonicalName(record.name), type: record.type, ttl: record.ttl, values: Object.freeze([...record.values]) as string[] };
  if (record.setIdentifier !== undefined) copy.setIdentifier = record.setIdentifier;
  if (record.weight !== undefined) copy.weight = record.weight;
  if (record.alias) copy.alias = Object.freeze({ target: canonicalName(record.alias.target) });
  return Object.freeze(copy);
}

function invalidValue(record: RecordSet): string | undefined {
  for (const value of record.values) {
    if (record.type === 'A' && !isIPv4(value)) {
      return `Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '${value}''`;
    }
    if (record.type === 'AAAA' && !isIPv6(value)) {
      return `Invalid Resource Record: 'FATAL problem: AAAARRDATAIllegalIPv6Address (Value is not a valid IPv6 address) encountered with '${value}''`;
    }
  }
  if (record.type === 'CNAME' && record.values.length !== 1) {
    return `RRSet of type CNAME with DNS name ${dnsName(record.name)} must have exactly one resource record`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Record sets of one zone

// What Route 53 puts at the apex of a new zone (values of the same shape as the real ones).
const APEX_SOA_VALUE = 'ns-2048.awsdns-64.com. hostmaster.amazon.com. 1 7200 900 1209600 86400';
const APEX_NS_VALUES = ['ns-0.awsdns-00.com.', 'ns-512.awsdns-64.net.', 'ns-1024.awsdns-00.org.', 'ns-1536.awsdns-00.co.uk.'];

/** Record sets at one name, keyed by type and set identifier. Never mutated once committed (see BatchState). */
type NameRecords = Map<string, RecordSet>;

const slotKey = (record: Pick<RecordSet, 'type' | 'setIdentifier'>) => `${record.type}|${record.setIdentifier ?? ''}`;

/**
 * The record sets of a batch in progress: names are copied from the committed
 * state on first touch, so a failed batch leaves the committed state untouched.
 */
class BatchState {
  readonly touched = new Map<string, NameRecords>();

  constructor(private readonly committed: ReadonlyMap<string, NameRecords>) {}

  at(name: string): ReadonlyMap<string, RecordSet> {
    return this.touched.get(name) ?? this.committed.get(name) ?? new Map();
  }

  get(record: RecordSet): RecordSet | undefined {
    return this.at(record.name).get(slotKey(record));
  }

  put(record: RecordSet): void {
    this.writable(record.name).set(slotKey(record), record);
  }

  remove(record: RecordSet): void {
    this.writable(record.name).delete(slotKey(record));
  }

  private writable(name: string): NameRecords {
    let records = this.touched.get(name);
    if (!records) {
      records = new Map(this.committed.get(name));
      this.touched.set(name, records);
    }
    return records;
  }
}

export class ZoneRecords {
  private appliedBatches = 0;
  private byName = new Map<string, NameRecords>();
  private sorted: RecordSet[] | undefined;
  private print: string | undefined;
  readonly apex: string;
  /** The hosted zone's id, as Route 53 names the zone in alias messages. */
  readonly id: string;

  constructor(apexName: string, id = 'Z0LAB') {
    this.apex = canonicalName(apexName);
    this.id = id;
  }

  /** Incremented on every successful apply. */
  get version(): number {
    return this.appliedBatches;
  }

  /** The records of a new hosted zone: Route 53 gives every zone an SOA and an NS record set at its apex. */
  static withApexRecords(apexName: string, id?: string): ZoneRecords {
    const zone = new ZoneRecords(apexName, id);
    zone.apply([
      { action: 'CREATE', record: { name: zone.apex, type: 'SOA', ttl: 900, values: [APEX_SOA_VALUE] } },
      { action: 'CREATE', record: { name: zone.apex, type: 'NS', ttl: 172800, values: APEX_NS_VALUES } },
    ]);
    return zone;
  }

  /** Applies the whole batch or nothing; throws InvalidChangeBatchError listing every failed change. */
  apply(changes: readonly RecordChange[]): void {
    if (changes.length === 0) throw invalidInput('Invalid request: a change batch must contain at least one change');
    const batch = new BatchState(this.byName);
    const actionsByKey = new Map<string, RecordChange['action'][]>();
    const messages: string[] = [];
    for (const change of changes.map(normalizeChange)) {
      const problem = this.problemWith(change, batch, actionsByKey);
      if (problem) messages.push(problem);
      else if (change.action === 'DELETE') batch.remove(change.record);
      else batch.put(change.record);
    }
    messages.push(...this.apexProblems(batch));
    if (messages.length > 0) throw new InvalidChangeBatchError(messages);

    for (const [name, records] of batch.touched) {
      if (records.size === 0) this.byName.delete(name);
      else this.byName.set(name, records);
    }
    this.appliedBatches += 1;
    this.sorted = undefined;
    this.print = undefined;
  }

  /** All record sets in Route 53's order. The returned record sets are frozen. */
  list(): RecordSet[] {
    // Names sorted once by their reversed labels, then each name's sets by type and set identifier.
    this.sorted ??= [...this.byName]
      .map(([name, records]) => ({ key: reversedLabels(name), records }))
      .sort((a, b) => compareStrings(a.key, b.key))
      .flatMap(({ records }) => [...records.values()].sort(compareAtOneName));
    return [...this.sorted];
  }

  /** The record sets at a name (any case, optional trailing dot), optionally of one type. */
  lookup(name: string, type?: RecordType): RecordSet[] {
    const records = [...(this.byName.get(canonicalName(name))?.values() ?? [])];
    return (type === undefined ? records : records.filter((record) => record.type === type)).sort(compareAtOneName);
  }

  /** The record sets at a name and at every name under it, in Route 53's order: one read, one consistent view. */
  under(name: string): RecordSet[] {
    const top = canonicalName(name);
    const suffix = `.${top}`;
    return this.list().filter((record) => record.name === top || record.name.endsWith(suffix));
  }

  /** True if the name holds records or is an ancestor of a name that does (an empty non-terminal). */
  nameExists(name: string): boolean {
    const canonical = canonicalName(name);
    if (this.byName.has(canonical)) return true;
    const suffix = `.${canonical}`;
    for (const existing of this.byName.keys()) if (existing.endsWith(suffix)) return true;
    return false;
  }

  get size(): number {
    let count = 0;
    for (const records of this.byName.values()) count += records.size;
    return count;
  }

  /**
   * An independent copy, in O(names): record sets are frozen and a batch never
   * mutates a committed per-name map (it commits fresh ones), so both are shared.
   */
  clone(): ZoneRecords {
    const copy = new ZoneRecords(this.apex, this.id);
    copy.appliedBatches = this.appliedBatches;
    copy.byName = new Map(this.byName);
    copy.sorted = this.sorted;
    copy.print = this.print;
    return copy;
  }

  /** A deterministic string of the zone's content (not its version), for hashing states. */
  fingerprint(): string {
    this.print ??= [
      this.apex,
      ...this.list().map((record) =>
        [
          record.name,
          record.type,
          record.setIdentifier ?? '',
          record.weight ?? '',
          record.ttl,
          [...record.values].sort().join('\u0001'),
          record.alias?.target ?? '',
        ].join('\u0002'),
      ),
    ].join('\n');
    return this.print;
  }

  /** Why Route 53 would reject this change given the batch so far, or undefined if it is fine. */
  private problemWith(change: RecordChange, batch: BatchState, actionsByKey: Map<string, RecordChange['action'][]>): string | undefined {
    const { action, record } = change;
    const key = recordKey(record);
    const earlier = actionsByKey.get(key) ?? [];
    actionsByKey.set(key, [...earlier, action]);
    // Only "DELETE then CREATE/UPSERT" may touch one record set twice: it is how clients replace conditionally.
    const replaceAfterDelete = earlier.length === 1 && earlier[0] === 'DELETE' && action !== 'DELETE';
    if (earlier.length > 0 && !replaceAfterDelete) {
      return `The request contains an invalid set of changes for a resource record set '${record.type} ${dnsName(record.name)}'`;
    }
    if (!isInZone(record.name, this.apex)) return `RRSet with DNS name ${dnsName(record.name)} is not permitted in zone ${dnsName(this.apex)}`;
    const badValue = invalidValue(record);
    if (badValue) return badValue;

    const current = batch.get(record);
    if (action === 'DELETE') {
      if (!current) return `Tried to delete resource record set ${describe(record)} but it was not found`;
      if (!sameRecordSet(current, record))
        return `Tried to delete resource record set ${describe(record)} but the values provided do not match the current values`;
      return undefined;
    }
    if (action === 'CREATE' && current) return `Tried to create resource record set ${describe(record)} but it already exists`;
    return this.placementProblem(record, batch) ?? this.aliasProblem(record, batch);
  }

  /**
   * An alias must target a record set of its own type in this zone that exists
   * when the change is made (an earlier change of the same batch counts).
   * Route 53 does not stop a later DELETE of the target: the alias then dangles.
   */
  private aliasProblem(record: RecordSet, batch: BatchState): string | undefined {
    if (!record.alias) return undefined;
    const target = record.alias.target;
    const prefix = `Tried to create an alias that targets ${dnsName(target)}, type ${record.type} in zone ${this.id}`;
    if (!isInZone(target, this.apex)) return `${prefix}, but the alias target name does not lie within the target zone`;
    const found = target !== record.name && [...batch.at(target).values()].some((other) => other.type === record.type);
    return found ? undefined : `${prefix}, but that target was not found`;
  }

  /** Rules about which record sets may live side by side at one name. */
  private placementProblem(record: RecordSet, batch: BatchState): string | undefined {
    const name = dnsName(record.name);
    const zone = dnsName(this.apex);
    const atApex = record.name === this.apex;
    if (record.type === 'SOA' && !atApex) return `RRSet of type SOA with DNS name ${name} is not permitted: a zone has one SOA record, at its apex ${zone}`;
    if (record.type === 'CNAME' && atApex) return `RRSet of type CNAME with DNS name ${name} is not permitted at apex in zone ${zone}`;

    const neighbours = [...batch.at(record.name).values()].filter((other) => slotKey(other) !== slotKey(record));
    if (record.type === 'CNAME' && neighbours.some((other) => other.type !== 'CNAME')) {
      return `RRSet of type CNAME with DNS name ${name} is not permitted as it conflicts with other records with the same DNS name in zone ${zone}`;
    }
    if (record.type !== 'CNAME' && neighbours.some((other) => other.type === 'CNAME')) {
      return (
        `RRSet of type ${record.type} with DNS name ${name} is not permitted because a conflicting RRSet of type CNAME with the same ` +
        `DNS name already exists in zone ${zone}`
      );
    }
    const sameType = neighbours.filter((other) => other.type === record.type);
    if (record.setIdentifier !== undefined && sameType.some((other) => other.setIdentifier === undefined)) {
      return (
        `RRSet with DNS name ${name}, type ${record.type}, SetIdentifier ${record.setIdentifier} cannot be created as a non-weighted ` +
        `set exists with the same name and type`
      );
    }
    if (record.setIdentifier === undefined && sameType.some((other) => other.setIdentifier !== undefined)) {
      return `RRSet with DNS name ${name}, type ${record.type} cannot be created as weighted sets exist with the same name and type`;
    }
    return undefined;
  }

  /**
   * A zone keeps its apex SOA and NS record sets. Checked on the batch's outcome,
   * so DELETE+CREATE in one batch can still replace them.
   */
  private apexProblems(batch: BatchState): string[] {
    const before = [...(this.byName.get(this.apex)?.values() ?? [])];
    const after = [...batch.at(this.apex).values()];
    const lost = (type: RecordType) => before.some((r) => r.type === type) && !after.some((r) => r.type === type);
    const problems: string[] = [];
    if (lost('SOA')) problems.push('A HostedZone must contain exactly one SOA record.');
    if (lost('NS')) problems.push('A HostedZone must contain at least one NS record for the zone itself.');
    return problems;
  }
}

// ---------------------------------------------------------------------------
// Hosted zones and changes

export interface Vpc {
  vpcId: string;
  vpcRegion: string;
}

export interface HostedZoneInfo {
  /** Bare id ("Z…"); the wire form is "/hostedzone/Z…". */
  id: string;
  /** Canonical name, no trailing dot. */
  name: string;
  callerReference: string;
  comment?: string;
  privateZone: boolean;
  resourceRecordSetCount: number;
}

export interface ChangeInfo {
  /** Bare id ("C…"); the wire form is "/change/C…". */
  id: string;
  status: 'PENDING' | 'INSYNC';
  submittedAt: Date;
  comment?: string;
}

export interface CreateHostedZoneInput {
  name: string;
  callerReference: string;
  comment?: string;
  privateZone: boolean;
  vpc?: Vpc;
}

export interface ListHostedZonesByNameInput {
  dnsName?: string;
  hostedZoneId?: string;
  maxItems?: number;
}

export interface ListHostedZonesByNameOutput {
  hostedZones: HostedZoneInfo[];
  dnsName?: string;
  hostedZoneId?: string;
  isTruncated: boolean;
  nextDnsName?: string;
  nextHostedZoneId?: string;
  maxItems: number;
}

export interface ListResourceRecordSetsInput {
  startRecordName?: string;
  startRecordType?: string;
  startRecordIdentifier?: string;
  maxItems?: number;
}

export interface ListResourceRecordSetsOutput {
  records: RecordSet[];
  isTruncated: boolean;
  nextRecordName?: string;
  nextRecordType?: RecordType;
  nextRecordIdentifier?: string;
  maxItems: number;
}

interface HostedZone {
  id: string;
  name: string;
  callerReference: string;
  comment?: string;
  privateZone: boolean;
  vpcs: Vpc[];
  records: ZoneRecords;
}

const DEFAULT_ZONE_PAGE = 100;
const DEFAULT_RECORD_PAGE = 300;

/** Route 53 ids: a letter and upper-case alphanumerics. Counter-based, so runs are reproducible. */
function makeId(prefix: 'Z' | 'C', counter: number): string {
  return `${prefix}LAB${counter.toString(36).toUpperCase().padStart(10, '0')}`;
}

/** Accepts "Z…", "/hostedzone/Z…" and "/change/C…". */
function bareId(id: string): string {
  return id.replace(/^\/(hostedzone|change)\//, '');
}

function pageSize(maxItems: number | undefined, fallback: number): number {
  if (maxItems === undefined) return fallback;
  if (!Number.isInteger(maxItems) || maxItems < 1) throw invalidInput(`Invalid request: maxitems must be a positive integer, got ${maxItems}`);
  return Math.min(maxItems, fallback);
}

export class Route53Model {
  private readonly zones = new Map<string, HostedZone>();
  private readonly changes = new Map<string, Omit<ChangeInfo, 'status'>>();
  /** Route 53 remembers caller references even after their zone is deleted. */
  private readonly callerReferences = new Set<string>();
  private zoneCounter = 0;
  private changesMade = 0;
  private readonly now: () => Date;

  constructor(options: { now?: () => Date } = {}) {
    this.now = options.now ?? (() => new Date());
  }

  createHostedZone(input: CreateHostedZoneInput): { hostedZone: HostedZoneInfo; changeInfo: ChangeInfo; vpc?: Vpc } {
    const name = canonicalName(input.name);
    if (name === '' || name.split('.').some((label) => label === ''))
      throw new Route53Error('InvalidDomainName', `${input.name} is not a valid domain name`, 400);
    if (input.callerReference === '') throw invalidInput('Invalid request: CallerReference must not be empty');
    if (input.privateZone && !input.vpc) throw invalidInput('Invalid request: a private hosted zone needs a VPC (VPCId and VPCRegion)');
    if (!input.privateZone && input.vpc) throw invalidInput('Invalid request: a VPC can only be given for a private hosted zone');
    if (this.callerReferences.has(input.callerReference)) {
      throw new Route53Error(
        'HostedZoneAlreadyExists',
        `A hosted zone has already been created with the specified caller reference: ${input.callerReference}`,
        409,
      );
    }
    this.callerReferences.add(input.callerReference);

    const id = makeId('Z', ++this.zoneCounter);
    const records = ZoneRecords.withApexRecords(name, id);
    const zone: HostedZone = {
      id,
      name,
      callerReference: input.callerReference,
      privateZone: input.privateZone,
      vpcs: input.vpc ? [{ ...input.vpc }] : [],
      records,
    };
    if (input.comment !== undefined) zone.comment = input.comment;
    this.zones.set(id, zone);
    const result: { hostedZone: HostedZoneInfo; changeInfo: ChangeInfo; vpc?: Vpc } = { hostedZone: this.info(zone), changeInfo: this.recordChange() };
    if (input.vpc) result.vpc = { ...input.vpc };
    return result;
  }

  getHostedZone(id: string): { hostedZone: HostedZoneInfo; vpcs: Vpc[] } {
    const zone = this.hostedZone(id);
    return { hostedZone: this.info(zone), vpcs: zone.vpcs.map((vpc) => ({ ...vpc })) };
  }

  listHostedZonesByName(input: ListHostedZonesByNameInput = {}): ListHostedZonesByNameOutput {
    if (input.hostedZoneId !== undefined && input.dnsName === undefined) throw invalidInput('Invalid request: hostedzoneid requires dnsname');
    const maxItems = pageSize(input.maxItems, DEFAULT_ZONE_PAGE);
    const startName = input.dnsName === undefined ? undefined : reversedLabels(input.dnsName);
    const startId = input.hostedZoneId === undefined ? undefined : bareId(input.hostedZoneId);
    const ordered = [...this.zones.values()].sort((a, b) => compareStrings(reversedLabels(a.name), reversedLabels(b.name)) || compareStrings(a.id, b.id));
    const from = ordered.filter((zone) => {
      if (startName === undefined) return true;
      const order = compareStrings(reversedLabels(zone.name), startName);
      return order > 0 || (order === 0 && (startId === undefined || zone.id >= startId));
    });
    const page = from.slice(0, maxItems);
    const next = from[maxItems];
    const output: ListHostedZonesByNameOutput = { hostedZones: page.map((zone) => this.info(zone)), isTruncated: next !== undefined, maxItems };
    if (input.dnsName !== undefined) output.dnsName = canonicalName(input.dnsName);
    if (startId !== undefined) output.hostedZoneId = startId;
    if (next) {
      output.nextDnsName = next.name;
      output.nextHostedZoneId = next.id;
    }
    return output;
  }

  deleteHostedZone(id: string): ChangeInfo {
    const zone = this.hostedZone(id);
    const required = zone.records.list().every((record) => record.name === zone.name && (record.type === 'SOA' || record.type === 'NS'));
    if (!required) {
      throw new Route53Error('HostedZoneNotEmpty', 'The specified hosted zone contains non-required resource record sets and so cannot be deleted.', 400);
    }
    this.zones.delete(zone.id);
    return this.recordChange();
  }

  /** The live record sets of a zone. */
  zone(id: string): ZoneRecords {
    return this.hostedZone(id).records;
  }

  /** The zone a DNS name belongs to: the one with the longest matching apex (the oldest on a tie). */
  findZone(name: string): ZoneRecords | undefined {
    const canonical = canonicalName(name);
    let best: HostedZone | undefined;
    for (const zone of this.zones.values()) {
      if (isInZone(canonical, zone.name) && (!best || zone.name.length > best.name.length)) best = zone;
    }
    return best?.records;
  }

  changeResourceRecordSets(zoneId: string, changes: readonly RecordChange[], comment?: string): ChangeInfo {
    this.zone(zoneId).apply(changes);
    return this.recordChange(comment);
  }

  /** Changes propagate instantly here, so a submitted change reads back as INSYNC. */
  getChange(id: string): ChangeInfo {
    const change = this.changes.get(bareId(id));
    if (!change) throw new Route53Error('NoSuchChange', `A change with the specified change ID does not exist: ${id}`, 404);
    return { ...change, status: 'INSYNC' };
  }

  listResourceRecordSets(zoneId: string, input: ListResourceRecordSetsInput = {}): ListResourceRecordSetsOutput {
    const records = this.zone(zoneId).list();
    if (input.startRecordType !== undefined && input.startRecordName === undefined) {
      throw invalidInput('The input is not valid: StartRecordType requires StartRecordName');
    }
    if (input.startRecordIdentifier !== undefined && input.startRecordType === undefined) {
      throw invalidInput('The input is not valid: StartRecordIdentifier requires StartRecordName and StartRecordType');
    }
    const maxItems = pageSize(input.maxItems, DEFAULT_RECORD_PAGE);
    const from = input.startRecordName === undefined ? records : records.filter((record) => isAtOrAfter(record, input));
    const page = from.slice(0, maxItems);
    const next = from[maxItems];
    const output: ListResourceRecordSetsOutput = { records: page, isTruncated: next !== undefined, maxItems };
    if (next) {
      output.nextRecordName = next.name;
      output.nextRecordType = next.type;
      if (next.setIdentifier !== undefined) output.nextRecordIdentifier = next.setIdentifier;
    }
    return output;
  }

  private hostedZone(id: string): HostedZone {
    const zone = this.zones.get(bareId(id));
    if (!zone) throw noSuchHostedZone(id);
    return zone;
  }

  private info(zone: HostedZone): HostedZoneInfo {
    const info: HostedZoneInfo = {
      id: zone.id,
      name: zone.name,
      callerReference: zone.callerReference,
      privateZone: zone.privateZone,
      resourceRecordSetCount: zone.records.size,
    };
    if (zone.comment !== undefined) info.comment = zone.comment;
    return info;
  }

  private recordChange(comment?: string): ChangeInfo {
    const change: Omit<ChangeInfo, 'status'> = { id: makeId('C', ++this.changesMade), submittedAt: this.now() };
    if (comment !== undefined) change.comment = comment;
    this.changes.set(change.id, change);
    return { ...change, status: 'PENDING' };
  }
}

/** Whether a record set sorts at or after the start key of a ListResourceRecordSets page. */
function isAtOrAfter(record: RecordSet, start: ListResourceRecordSetsInput): boolean {
  const byName = compareStrings(reversedLabels(record.name), reversedLabels(start.startRecordName ?? ''));
  if (byName !== 0 || start.startRecordType === undefined) return byName >= 0;
  const byType = compareStrings(record.type, start.startRecordType);
  if (byType !== 0 || start.startRecordIdentifier === undefined) return byType >= 0;
  return compareStrings(record.setIdentifier ?? '', start.startRecordIdentifier) >= 0;
}

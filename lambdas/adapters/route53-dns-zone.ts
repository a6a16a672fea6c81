// DnsZone on Route 53 (AWS, LocalStack, or the embedded endpoint: the same SDK calls).
import {
  ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand,
  type Route53Client,
  type ResourceRecordSet,
  type RRType,
} from '@aws-sdk/client-route-53';
import { aliasRecord, canonicalName, RECORD_TYPES, type RecordChange, type RecordSet, type RecordType } from '../core/dns-records.ts';
import { ChangeRejected, Throttled } from '../core/errors.ts';
import type { DnsZone } from '../core/ports.ts';
import { hasErrorName } from './sdk-errors.ts';

/** Route 53's largest page: an endpoint's records, lock and trees fit in one, so a read is one snapshot. */
const PAGE_SIZE = 300;
/**
 * Route 53's ways of saying "slow down", on any call: over its request rate it answers HTTP 400
 * with code Throttling ("Rate exceeded"); ThrottlingException is the modelled form; a change while
 * an earlier one is still pending gets PriorRequestNotComplete. The SDK retries them first.
 */
const THROTTLING_CODES = ['Throttling', 'ThrottlingException', 'PriorRequestNotComplete'];

/** Runs one Route 53 call, its throttling as the domain's Throttled, so callers retry every call alike. */
async function throttlingMapped<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (hasErrorName(error, ...THROTTLING_CODES)) throw new Throttled(error.message);
    throw error;
  }
}

export class Route53DnsZone implements DnsZone {
  /** Bare ("Z…"), as an AliasTarget's HostedZoneId wants it. */
  private readonly zoneId: string;

  constructor(
    private readonly hostedZoneId: string,
    private readonly client: Route53Client,
  ) {
    this.zoneId = hostedZoneId.replace(/^\/hostedzone\//, '');
  }

  async recordsUnder(name: string): Promise<RecordSet[]> {
    const top = canonicalName(name);
    const within = (recordName: string) => recordName === top || recordName.endsWith(`.${top}`);
    const found: RecordSet[] = [];
    let start: { name?: string; type?: RRType; identifier?: string } = { name: top };
    // Route 53 lists in reversed-label order, so a name and everything under it come together from the start name on.
    for (;;) {
      const page = await throttlingMapped(() =>
        this.client.send(
          new ListResourceRecordSetsCommand({
            HostedZoneId: this.hostedZoneId,
            StartRecordName: start.name,
            StartRecordType: start.type,
            StartRecordIdentifier: start.identifier,
            MaxItems: PAGE_SIZE,
          }),
        ),
      );
      const records = page.ResourceRecordSets ?? [];
      for (const record of records) {
        if (within(canonicalName(record.Name ?? ''))) found.push(fromSdk(record));
      }
      const last = records.at(-1);
      if (!page.IsTruncated || !last || !within(canonicalName(last.Name ?? ''))) return found;
      start = { name: page.NextRecordName, type: page.NextRecordType, identifier: page.NextRecordIdentifier };
    }
  }

  async change(changes: RecordChange[]): Promise<void> {
    try {
      await throttlingMapped(() =>
        this.client.send(
          new ChangeResourceRecordSetsCommand({
            HostedZoneId: this.hostedZoneId,
            ChangeBatch: { Changes: changes.map((change) => ({ Action: change.action, ResourceRecordSet: toSdk(change.record, this.zoneId) })) },
          }),
        ),
      );
    } catch (error) {
      // Route 53 puts the whole list in the error message ("[a, b]"); the SDK's `messages` may come back empty.
      if (hasErrorName(error, 'InvalidChangeBatch')) {
        const { messages } = error as { messages?: string[] };
        throw new ChangeRejected(messages?.length ? messages : [error.message]);
      }
      throw error;
    }
  }
}

/** A record set for the SDK; an alias targets a record in the same hosted zone, `zoneId`. */
export function toSdk(record: RecordSet, zoneId: string): ResourceRecordSet {
  const weighted = record.setIdentifier !== undefined ? { SetIdentifier: record.setIdentifier, Weight: record.weight } : {};
  if (record.alias) {
    // An alias has no TTL and no values of its own; EvaluateTargetHealth is required on the wire.
    return {
      Name: record.name,
      Type: record.type as RRType,
      AliasTarget: { HostedZoneId: zoneId, DNSName: record.alias.target, EvaluateTargetHealth: false },
      ...weighted,
    };
  }
  return { Name: record.name, Type: record.type as RRType, TTL: record.ttl, ResourceRecords: record.values.map((Value) => ({ Value })), ...weighted };
}

export function fromSdk(record: ResourceRecordSet): RecordSet {
  const type = record.Type as RecordType;
  if (!RECORD_TYPES.includes(type)) throw new Error(`unsupported record type ${record.Type} at ${record.Name}`);
  const weighted = record.SetIdentifier !== undefined ? { setIdentifier: record.SetIdentifier, weight: record.Weight ?? 0 } : {};
  if (record.AliasTarget) return { ...aliasRecord(record.Name ?? '', type, record.AliasTarget.DNSName ?? ''), ...weighted };
  return {
    name: canonicalName(record.Name ?? ''),
    type,
    ttl: record.TTL ?? 0,
    values: (record.ResourceRecords ?? []).map((r) => r.Value ?? ''),
    ...weighted,
  };
}

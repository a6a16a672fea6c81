// DnsZone on Route 53 (AWS, LocalStack, or the embedded endpoint: the same SDK calls).
import {
  ChangeResourceRecordSetsCommand,
  InvalidChangeBatch,
  ListResourceRecordSetsCommand,
  PriorRequestNotComplete,
  Route53Client,
  ThrottlingException,
  type ResourceRecordSet,
  type RRType,
} from '@aws-sdk/client-route-53';
import { canonicalName, RECORD_TYPES, type RecordChange, type RecordSet, type RecordType } from '../core/dns-records.ts';
import { ChangeRejected, Throttled } from '../core/errors.ts';
import type { DnsZone } from '../core/ports.ts';

const PAGE_SIZE = 100;
/** Route 53 answers "Rate exceeded" as a Throttling error code (not always ThrottlingException). */
const THROTTLING_CODES = new Set(['Throttling', 'ThrottlingException', 'PriorRequestNotComplete']);

export class Route53DnsZone implements DnsZone {
  private readonly client: Route53Client;

  constructor(
    private readonly hostedZoneId: string,
    client?: Route53Client,
  ) {
    this.client = client ?? new Route53Client({});
  }

  async recordsAt(name: string): Promise<RecordSet[]> {
    const wanted = canonicalName(name);
    const found: RecordSet[] = [];
    let start: { name?: string; type?: RRType; identifier?: string } = { name: wanted };
    // Route 53 lists from the start name on, in its own order; stop once past our name.
    for (;;) {
      const page = await this.client.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: this.hostedZoneId,
          StartRecordName: start.name,
          StartRecordType: start.type,
          StartRecordIdentifier: start.identifier,
          MaxItems: PAGE_SIZE,
        }),
      );
      const records = page.ResourceRecordSets ?? [];
      for (const record of records) {
        if (canonicalName(record.Name ?? '') === wanted) found.push(fromSdk(record));
      }
      const last = records.at(-1);
      if (!page.IsTruncated || !last || canonicalName(last.Name ?? '') !== wanted) return found;
      start = { name: page.NextRecordName, type: page.NextRecordType, identifier: page.NextRecordIdentifier };
    }
  }

  async change(changes: RecordChange[]): Promise<void> {
    try {
      await this.client.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: this.hostedZoneId,
          ChangeBatch: { Changes: changes.map((change) => ({ Action: change.action, ResourceRecordSet: toSdk(change.record) })) },
        }),
      );
    } catch (error) {
      if (error instanceof InvalidChangeBatch) throw new ChangeRejected(error.messages ?? [error.message]);
      if (error instanceof ThrottlingException || error instanceof PriorRequestNotComplete) throw new Throttled(error.message);
      if (error instanceof Error && THROTTLING_CODES.has(error.name)) throw new Throttled(error.message);
      throw error;
    }
  }
}

export function toSdk(record: RecordSet): ResourceRecordSet {
  return {
    Name: record.name,
    Type: record.type as RRType,
    TTL: record.ttl,
    ResourceRecords: record.values.map((Value) => ({ Value })),
    ...(record.setIdentifier !== undefined ? { SetIdentifier: record.setIdentifier, Weight: record.weight } : {}),
  };
}

export function fromSdk(record: ResourceRecordSet): RecordSet {
  const type = record.Type as RecordType;
  if (!RECORD_TYPES.includes(type)) throw new Error(`unsupported record type ${record.Type} at ${record.Name}`);
  return {
    name: canonicalName(record.Name ?? ''),
    type,
    ttl: record.TTL ?? 0,
    values: (record.ResourceRecords ?? []).map((r) => r.Value ?? ''),
    ...(record.SetIdentifier !== undefined ? { setIdentifier: record.SetIdentifier, weight: record.Weight ?? 0 } : {}),
  };
}

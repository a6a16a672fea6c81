// DnsZone straight on the zone model that backs the embedded Route 53
// endpoint, without HTTP: same rules, same errors, for the explorer and tests.
import type { RecordChange, RecordSet } from '../lambdas/core/dns-records.ts';
import { ChangeRejected } from '../lambdas/core/errors.ts';
import type { DnsZone } from '../lambdas/core/ports.ts';
import { InvalidChangeBatchError, type ZoneRecords } from './route53/zone-model.ts';

export class MemoryDnsZone implements DnsZone {
  constructor(readonly zone: ZoneRecords) {}

  async recordsUnder(name: string): Promise<RecordSet[]> {
    return this.zone.under(name).map((record) => ({ ...record, values: [...record.values] }));
  }

  async change(changes: RecordChange[]): Promise<void> {
    try {
      this.zone.apply(changes);
    } catch (error) {
      if (error instanceof InvalidChangeBatchError) throw new ChangeRejected(error.messages);
      throw error;
    }
  }
}

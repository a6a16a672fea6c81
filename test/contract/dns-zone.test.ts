// One contract, two DnsZones: the Route 53 adapter (AWS SDK over HTTP to the
// embedded endpoint) and the in-memory one over the same zone model must agree,
// including the named errors the Enactor branches on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordSet } from '../../lambdas/core/dns-records.ts';
import { ChangeRejected } from '../../lambdas/core/errors.ts';
import type { DnsZone } from '../../lambdas/core/ports.ts';
import { startEmbeddedLab, type EmbeddedLab } from '../../local/embedded-lab.ts';
import { MemoryDnsZone } from '../../local/memory-dns-zone.ts';
import { ZoneRecords } from '../../local/route53/zone-model.ts';

let lab: EmbeddedLab;
beforeAll(async () => {
  lab = await startEmbeddedLab();
});
afterAll(() => lab.close());

let suffix = 0;
const zones: [string, () => { dns: DnsZone; zone: string }][] = [
  ['memory', () => ({ dns: new MemoryDnsZone(ZoneRecords.withApexRecords('lab.internal')), zone: 'lab.internal' })],
  // The embedded lab has one zone; each test writes under its own name so tests do not meet.
  ['Route 53 (embedded endpoint)', () => ({ dns: lab.deps().dns, zone: `t${++suffix}.lab.internal` })],
];

const weighted = (name: string, id: string, weight: number, address: string): RecordSet => ({ name, type: 'A', ttl: 5, values: [address], setIdentifier: id, weight });

describe.each(zones)('DnsZone contract: %s', (_name, makeZone) => {
  it('reads back every weighted record set at a name, and nothing from neighbouring names', async () => {
    const { dns, zone } = makeZone();
    const name = `g000001.plans.ep.${zone}`;
    const records = Array.from({ length: 5 }, (_, i) => weighted(name, `lb-${i + 1}`, i + 1, `10.0.0.${i + 1}`));
    await dns.change([...records, weighted(`other.${zone}`, 'x', 1, '10.9.9.9')].map((record) => ({ action: 'CREATE', record })));
    const read = await dns.recordsAt(name.toUpperCase());
    expect(read.map((r) => r.setIdentifier).sort()).toEqual(['lb-1', 'lb-2', 'lb-3', 'lb-4', 'lb-5']);
    expect(read.find((r) => r.setIdentifier === 'lb-3')).toEqual(records[2]);
  });

  it('applies a batch all or nothing and reports a failed precondition as ChangeRejected', async () => {
    const { dns, zone } = makeZone();
    const cname: RecordSet = { name: `ep.${zone}`, type: 'CNAME', ttl: 5, values: [`g000001.plans.ep.${zone}`] };
    await dns.change([{ action: 'CREATE', record: cname }]);
    const moved = { ...cname, values: [`g000002.plans.ep.${zone}`] };
    const stale = { ...cname, values: [`g000009.plans.ep.${zone}`] };
    const attempt = dns.change([
      { action: 'UPSERT', record: { name: `_lock.ep.${zone}`, type: 'TXT', ttl: 5, values: ['"x"'] } },
      { action: 'DELETE', record: stale },
      { action: 'CREATE', record: moved },
    ]);
    await expect(attempt).rejects.toBeInstanceOf(ChangeRejected);
    expect(await dns.recordsAt(`_lock.ep.${zone}`)).toEqual([]);
    expect(await dns.recordsAt(`ep.${zone}`)).toEqual([cname]);
  });
});

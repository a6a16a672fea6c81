// One contract, two DnsZones: the Route 53 adapter (AWS SDK over HTTP to the
// embedded endpoint) and the in-memory one over the same zone model must agree,
// including the named errors the Enactor branches on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aliasRecord, type RecordSet } from '../../lambdas/core/dns-records.ts';
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

const weighted = (name: string, id: string, weight: number, address: string): RecordSet => ({
  name,
  type: 'A',
  ttl: 5,
  values: [address],
  setIdentifier: id,
  weight,
});

describe.each(zones)('DnsZone contract: %s', (_name, makeZone) => {
  it('reads a name and everything under it in one read, and nothing from neighbouring names', async () => {
    const { dns, zone } = makeZone();
    const name = `g000001.plans.ep.${zone}`;
    const records = Array.from({ length: 5 }, (_, i) => weighted(name, `lb-${i + 1}`, i + 1, `10.0.0.${i + 1}`));
    const neighbours = [
      weighted(`other.${zone}`, 'x', 1, '10.9.9.9'),
      weighted(`ep-fips.${zone}`, 'y', 1, '10.9.9.8'),
      weighted(`epx.${zone}`, 'z', 1, '10.9.9.7'),
    ];
    await dns.change([...records, ...neighbours].map((record) => ({ action: 'CREATE', record })));
    const read = await dns.recordsUnder(`EP.${zone.toUpperCase()}`);
    expect(read.map((r) => r.setIdentifier).sort()).toEqual(['lb-1', 'lb-2', 'lb-3', 'lb-4', 'lb-5']);
    expect(read.find((r) => r.setIdentifier === 'lb-3')).toEqual(records[2]);
  });

  it('stores an alias to a tree in the same zone and reads it back as written', async () => {
    const { dns, zone } = makeZone();
    const tree = weighted(`g000001.plans.ep.${zone}`, 'lb-1', 1, '10.0.0.1');
    const alias = aliasRecord(`ep.${zone}`, 'A', tree.name);
    await dns.change([
      { action: 'CREATE', record: tree },
      { action: 'CREATE', record: alias },
    ]);
    expect((await dns.recordsUnder(`ep.${zone}`)).find((r) => r.name === alias.name)).toEqual(alias);
  });

  it('rejects an alias whose target has no records, as Route 53 does', async () => {
    const { dns, zone } = makeZone();
    const attempt = dns.change([{ action: 'CREATE', record: aliasRecord(`ep.${zone}`, 'A', `g000009.plans.ep.${zone}`) }]);
    await expect(attempt).rejects.toThrow(/Tried to create an alias that targets g000009\.plans\.ep\..*, type A in zone .*, but that target was not found/);
    await expect(attempt).rejects.toBeInstanceOf(ChangeRejected);
  });

  it('applies a batch all or nothing and reports a failed precondition as ChangeRejected', async () => {
    const { dns, zone } = makeZone();
    const trees = [1, 2, 9].map((g) => weighted(`g00000${g}.plans.ep.${zone}`, 'lb-1', 1, `10.0.0.${g}`));
    const alias = aliasRecord(`ep.${zone}`, 'A', trees[0]!.name);
    await dns.change([...trees.map((record) => ({ action: 'CREATE' as const, record })), { action: 'CREATE', record: alias }]);
    const moved = aliasRecord(`ep.${zone}`, 'A', trees[1]!.name);
    const stale = aliasRecord(`ep.${zone}`, 'A', trees[2]!.name);
    const attempt = dns.change([
      { action: 'UPSERT', record: { name: `_lock.ep.${zone}`, type: 'TXT', ttl: 5, values: ['"x"'] } },
      { action: 'DELETE', record: stale },
      { action: 'CREATE', record: moved },
    ]);
    await expect(attempt).rejects.toBeInstanceOf(ChangeRejected);
    const after = await dns.recordsUnder(`ep.${zone}`);
    expect(after.filter((r) => r.type === 'TXT')).toEqual([]);
    expect(after.find((r) => r.name === alias.name)).toEqual(alias);
  });
});

// Proves the loopback DNS server answers from the zone model the way Route 53
// Resolver answers for a private zone, as seen by Node's own resolver: CNAME
// chains, aliases (a dangling one as NOERROR with no answers), one weighted set
// per query in proportion to the weights, dangling in-zone CNAMEs and unknown
// names as NXDOMAIN, TXT strings, live updates.

import { promises as dns } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aliasRecord, type RecordChange, type RecordSet } from '../../lambdas/core/dns-records.ts';
import { labSoaRecord, NEGATIVE_TTL_SECONDS } from '../../lambdas/core/dns-tree.ts';
import { startDnsServer, ZoneAnswerer, type DnsServer } from '../../local/dns/server.ts';
import { startEmbeddedLab } from '../../local/embedded-lab.ts';
import { Route53Model, ZoneRecords } from '../../local/route53/zone-model.ts';
import { HANG_GUARD_MS } from '../support/hang-guard.ts';

/**
 * A resolver of the loopback server that waits for its answer however busy the machine is: the server runs in this
 * process, so a query outlasts a tight timeout only when the event loop or the CPU is held up, which is no answer.
 */
const patientResolver = () => new dns.Resolver({ timeout: HANG_GUARD_MS, tries: 1 });

const create = (record: RecordSet): RecordChange => ({ action: 'CREATE', record });
const upsert = (record: RecordSet): RecordChange => ({ action: 'UPSERT', record });
// TTL 0 so that no resolver-side cache could hide the server's round robin.
const a = (name: string, values: string[], extra: Partial<RecordSet> = {}): RecordSet => ({ name, type: 'A', ttl: 0, values, ...extra });
const cname = (name: string, target: string): RecordSet => ({ name, type: 'CNAME', ttl: 0, values: [target] });

async function failureCode(query: Promise<unknown>): Promise<string | undefined> {
  try {
    await query;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  }
  return undefined;
}

describe('DNS server over the zone model', () => {
  const model = new Route53Model();
  const vpc = { vpcId: 'vpc-0123456789abcdef0', vpcRegion: 'us-east-1' };
  let zoneId: string;
  let server: DnsServer;
  let resolver: dns.Resolver;

  beforeAll(async () => {
    zoneId = model.createHostedZone({ name: 'lab.internal', callerReference: 'lab', privateZone: true, vpc }).hostedZone.id;
    const other = model.createHostedZone({ name: 'other.test', callerReference: 'other', privateZone: true, vpc }).hostedZone.id;
    model.changeResourceRecordSets(zoneId, [
      create(cname('dynamodb.us-east-1.lab.internal', 'lb.lab.internal')),
      create(cname('alias.lab.internal', 'dynamodb.us-east-1.lab.internal')),
      create(a('lb.lab.internal', ['10.0.0.1'], { setIdentifier: 'plan-1', weight: 1 })),
      create(a('lb.lab.internal', ['10.0.0.3'], { setIdentifier: 'plan-2', weight: 3 })),
      create(a('drain.lab.internal', ['10.0.1.1'], { setIdentifier: 'live', weight: 1 })),
      create(a('drain.lab.internal', ['10.0.1.2'], { setIdentifier: 'drained', weight: 0 })),
      create(a('multi.lab.internal', ['10.0.2.1', '10.0.2.2'])),
      create(cname('dangling.lab.internal', 'gone.lab.internal')),
      create({ name: 'plan.lab.internal', type: 'TXT', ttl: 0, values: ['"plan 7" "leader=enactor-1"', '"say \\"hi\\""'] }),
      create(a('deep.down.lab.internal', ['10.0.3.1'])),
      create(cname('cross.lab.internal', 'www.other.test')),
    ]);
    model.changeResourceRecordSets(other, [create(a('www.other.test', ['192.0.2.10']))]);
    server = await startDnsServer(model);
    resolver = patientResolver();
    resolver.setServers([`${server.host}:${server.port}`]);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('follows an in-zone CNAME chain to the addresses of its target', async () => {
    expect(await resolver.resolveCname('dynamodb.us-east-1.lab.internal')).toEqual(['lb.lab.internal']);
    const addresses = await resolver.resolve4('alias.lab.internal');
    expect(['10.0.0.1', '10.0.0.3']).toContain(addresses[0]);
    expect(addresses).toHaveLength(1);
  });

  it('follows a CNAME into another zone of the same model', async () => {
    expect(await resolver.resolve4('cross.lab.internal')).toEqual(['192.0.2.10']);
  });

  it('answers weighted sets one per query, in proportion to the weights (1 and 3 over 8 queries: 2 and 6)', async () => {
    const answers: string[] = [];
    for (let i = 0; i < 8; i += 1) answers.push(...(await resolver.resolve4('dynamodb.us-east-1.lab.internal')));
    expect(answers).toHaveLength(8);
    expect(answers.filter((address) => address === '10.0.0.1')).toHaveLength(2);
    expect(answers.filter((address) => address === '10.0.0.3')).toHaveLength(6);
  });

  it('never answers with a weight-0 set while another set has weight', async () => {
    for (let i = 0; i < 6; i += 1) expect(await resolver.resolve4('drain.lab.internal')).toEqual(['10.0.1.1']);
  });

  it('answers every value of a non-weighted set', async () => {
    expect((await resolver.resolve4('multi.lab.internal')).sort()).toEqual(['10.0.2.1', '10.0.2.2']);
  });

  it('answers a CNAME to a missing in-zone name with NXDOMAIN and no address', async () => {
    expect(await failureCode(resolver.resolve4('dangling.lab.internal'))).toBe('ENOTFOUND');
    // The CNAME itself is still in the answer, as Route 53 sends it.
    const answer = new ZoneAnswerer(model).answer('dangling.lab.internal', 'A');
    expect(answer.rcode).toBe('NXDOMAIN');
    expect(answer.answers).toEqual([{ name: 'dangling.lab.internal', type: 'CNAME', ttl: 0, value: 'gone.lab.internal' }]);
  });

  it("answers an alias with its weighted target's addresses, under the alias's own name and with the target's TTL", async () => {
    const tree = 'g000001.plans.ep.lab.internal';
    model.changeResourceRecordSets(zoneId, [
      create(a(tree, ['10.0.4.1'], { ttl: 5, setIdentifier: 'lb-1', weight: 1 })),
      create(a(tree, ['10.0.4.2'], { ttl: 5, setIdentifier: 'lb-2', weight: 1 })),
      create(aliasRecord('ep.lab.internal', 'A', tree)),
    ]);
    const seen = new Set<string>();
    for (let i = 0; i < 4; i += 1) for (const answer of await resolver.resolve4('ep.lab.internal', { ttl: true })) seen.add(`${answer.address}/${answer.ttl}`);
    expect([...seen].sort()).toEqual(['10.0.4.1/5', '10.0.4.2/5']);
    expect(new ZoneAnswerer(model).answer('ep.lab.internal', 'A').answers[0]?.name).toBe('ep.lab.internal');
  });

  it("answers an alias whose target's records are gone with NOERROR and no answers (the incident's empty answer), not NXDOMAIN", async () => {
    const tree = 'g000001.plans.gone.lab.internal';
    model.changeResourceRecordSets(zoneId, [
      create(a(tree, ['10.0.5.1'], { setIdentifier: 'lb-1', weight: 1 })),
      create(aliasRecord('gone.lab.internal', 'A', tree)),
    ]);
    model.changeResourceRecordSets(zoneId, [{ action: 'DELETE', record: a(tree, ['10.0.5.1'], { setIdentifier: 'lb-1', weight: 1 }) }]);
    expect(await failureCode(resolver.resolve4('gone.lab.internal'))).toBe('ENODATA');
    const answer = new ZoneAnswerer(model).answer('gone.lab.internal', 'A');
    expect(answer).toMatchObject({ rcode: 'NOERROR', answers: [] });
    expect(answer.authority[0]?.type).toBe('SOA');
  });

  it('answers TXT with the stored character strings', async () => {
    const records = await resolver.resolveTxt('plan.lab.internal');
    expect(records.sort()).toEqual([['plan 7', 'leader=enactor-1'], ['say "hi"']].sort());
  });

  it('answers an unknown name with NXDOMAIN', async () => {
    expect(await failureCode(resolver.resolve4('nothing.lab.internal'))).toBe('ENOTFOUND');
  });

  it('answers a name without records of the asked type (or an empty non-terminal) with NOERROR and no data', async () => {
    expect(await failureCode(resolver.resolveTxt('multi.lab.internal'))).toBe('ENODATA');
    expect(await failureCode(resolver.resolve4('down.lab.internal'))).toBe('ENODATA');
  });

  it('treats names case-insensitively', async () => {
    expect((await resolver.resolve4('MULTI.Lab.Internal')).sort()).toEqual(['10.0.2.1', '10.0.2.2']);
  });

  it('refuses names outside every zone it serves', async () => {
    expect(await failureCode(resolver.resolve4('example.com'))).toBe('EREFUSED');
  });

  it('answers from the live model: a change is visible to the next query', async () => {
    model.changeResourceRecordSets(zoneId, [upsert(a('multi.lab.internal', ['10.0.9.9']))]);
    expect(await resolver.resolve4('multi.lab.internal')).toEqual(['10.0.9.9']);
  });
});

describe('ZoneAnswerer', () => {
  it('serves a single ZoneRecords and treats all-zero weights as equal', () => {
    const zone = ZoneRecords.withApexRecords('solo.internal');
    zone.apply([
      create(a('w.solo.internal', ['10.0.0.1'], { setIdentifier: 'one', weight: 0 })),
      create(a('w.solo.internal', ['10.0.0.2'], { setIdentifier: 'two', weight: 0 })),
    ]);
    const answerer = new ZoneAnswerer(zone);
    const picked = Array.from({ length: 4 }, () => answerer.answer('w.solo.internal', 'A').answers[0]?.value);
    expect(picked.sort()).toEqual(['10.0.0.1', '10.0.0.1', '10.0.0.2', '10.0.0.2']);
    expect(answerer.answer('x.other', 'A').rcode).toBe('REFUSED');
  });

  it('stops a CNAME loop instead of spinning', () => {
    const zone = ZoneRecords.withApexRecords('loop.internal');
    zone.apply([create(cname('a.loop.internal', 'b.loop.internal')), create(cname('b.loop.internal', 'a.loop.internal'))]);
    const answer = new ZoneAnswerer(zone).answer('a.loop.internal', 'A');
    expect(answer.answers.length).toBeLessThanOrEqual(9);
    expect(answer.answers.every((record) => record.type === 'CNAME')).toBe(true);
  });
});

describe('negative answers and the SOA', () => {
  const soaOf = (zone: ZoneRecords) => zone.lookup(zone.apex, 'SOA')[0]!;

  it("carry the zone's SOA with the lesser of its TTL and its last field (RFC 2308), how long a resolver may cache them", () => {
    const zone = ZoneRecords.withApexRecords('neg.internal');
    const answerer = new ZoneAnswerer(zone);
    // Route 53's defaults: TTL 900, last field 86400, so 15 minutes.
    expect(answerer.answer('missing.neg.internal', 'A')).toMatchObject({ rcode: 'NXDOMAIN', authority: [{ type: 'SOA', ttl: 900 }] });
    const [primary, admin, serial, refresh, retry, expire] = soaOf(zone).values[0]!.split(' ');
    zone.apply([upsert({ ...soaOf(zone), values: [[primary, admin, serial, refresh, retry, expire, '60'].join(' ')] })]);
    expect(answerer.answer('missing.neg.internal', 'A').authority[0]?.ttl).toBe(60);
    // The lab's SOA: both at the negative TTL, and NODATA (a name with no A record) carries it too.
    zone.apply([upsert(labSoaRecord('neg.internal', soaOf(zone).values[0]!)), create({ name: 'txt.neg.internal', type: 'TXT', ttl: 1, values: ['"x"'] })]);
    expect(answerer.answer('missing.neg.internal', 'A').authority[0]?.ttl).toBe(NEGATIVE_TTL_SECONDS);
    expect(answerer.answer('txt.neg.internal', 'A')).toMatchObject({ rcode: 'NOERROR', answers: [], authority: [{ ttl: NEGATIVE_TTL_SECONDS }] });
  });

  it("are set on the embedded lab's zone as the deployed stack sets them: the SOA's last field and TTL at the negative TTL", async () => {
    const lab = await startEmbeddedLab();
    try {
      const resolver = patientResolver();
      resolver.setServers([lab.endpoints.dns]);
      const soa = await resolver.resolveSoa(lab.zone);
      // Every other field as the zone model (as Route 53) made it.
      expect(soa).toEqual({
        nsname: 'ns-2048.awsdns-64.com',
        hostmaster: 'hostmaster.amazon.com',
        serial: 1,
        refresh: 7200,
        retry: 900,
        expire: 1209600,
        minttl: NEGATIVE_TTL_SECONDS,
      });
    } finally {
      await lab.close();
    }
  });
});

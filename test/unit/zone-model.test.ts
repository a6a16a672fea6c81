// Proves the in-memory Route 53 model directly, without HTTP: Route 53's
// listing order, all-or-nothing batches with per-change messages, version,
// clone independence and content fingerprints (what the model checker uses),
// and the hosted zone operations with their ids, errors and pagination.

import { describe, expect, it } from 'vitest';
import { aliasRecord, type RecordChange, type RecordSet } from '../../lambdas/core/dns-records.ts';
import { InvalidChangeBatchError, Route53Error, Route53Model, ZoneRecords } from '../../local/route53/zone-model.ts';

const APEX = 'lab.internal';

function a(name: string, values: string[], extra: Partial<RecordSet> = {}): RecordSet {
  return { name, type: 'A', ttl: 60, values, ...extra };
}
const create = (record: RecordSet): RecordChange => ({ action: 'CREATE', record });
const upsert = (record: RecordSet): RecordChange => ({ action: 'UPSERT', record });
const del = (record: RecordSet): RecordChange => ({ action: 'DELETE', record });

function caught(action: () => void): Route53Error {
  try {
    action();
  } catch (error) {
    if (error instanceof Route53Error) return error;
    throw error;
  }
  throw new Error('expected a Route53Error, but nothing was thrown');
}

function newZone(): ZoneRecords {
  return ZoneRecords.withApexRecords(APEX);
}

const listed = (zone: ZoneRecords) => zone.list().map((record) => `${record.name} ${record.type}${record.setIdentifier ? ` ${record.setIdentifier}` : ''}`);

describe('ZoneRecords order', () => {
  it('lists by name with labels reversed, then type, then set identifier', () => {
    const zone = newZone();
    zone.apply([
      create(a('zeta.lab.internal', ['10.0.0.1'])),
      create(a('a.b.lab.internal', ['10.0.0.2'])),
      create({ name: 'b.lab.internal', type: 'TXT', ttl: 60, values: ['"b"'] }),
      create(a('b.lab.internal', ['10.0.0.3'])),
      create(a('lb.lab.internal', ['10.0.1.2'], { setIdentifier: 'lb-2', weight: 1 })),
      create(a('lb.lab.internal', ['10.0.1.1'], { setIdentifier: 'lb-1', weight: 1 })),
    ]);
    expect(listed(zone)).toEqual([
      'lab.internal NS',
      'lab.internal SOA',
      'b.lab.internal A', // "internal.lab.b." ...
      'b.lab.internal TXT',
      'a.b.lab.internal A', // ... sorts before "internal.lab.b.a."
      'lb.lab.internal A lb-1',
      'lb.lab.internal A lb-2',
      'zeta.lab.internal A',
    ]);
  });

  it('sorts with the trailing dot, so "a-b" comes before "a" as in Route 53', () => {
    const zone = newZone();
    zone.apply([create(a('a.lab.internal', ['10.0.0.1'])), create(a('a-b.lab.internal', ['10.0.0.2']))]);
    expect(listed(zone).slice(2)).toEqual(['a-b.lab.internal A', 'a.lab.internal A']);
  });

  it('looks names up in any case, with or without the trailing dot', () => {
    const zone = newZone();
    zone.apply([create(a('MiXeD.Lab.Internal.', ['10.0.0.1']))]);
    expect(zone.lookup('mixed.lab.internal').map((record) => record.name)).toEqual(['mixed.lab.internal']);
    expect(zone.lookup('MIXED.LAB.INTERNAL.', 'A')).toHaveLength(1);
    expect(zone.lookup('mixed.lab.internal', 'TXT')).toEqual([]);
  });

  it('knows empty non-terminals exist but unknown names do not', () => {
    const zone = newZone();
    zone.apply([create(a('deep.down.lab.internal', ['10.0.0.1']))]);
    expect(zone.nameExists('down.lab.internal')).toBe(true);
    expect(zone.nameExists('own.lab.internal')).toBe(false);
  });
});

describe('ZoneRecords batches', () => {
  it('applies nothing when any change fails, and lists a Route 53 message per failed change', () => {
    const zone = newZone();
    zone.apply([create(a('x.lab.internal', ['10.0.0.1'], { setIdentifier: 'lb-1', weight: 1 }))]);
    const before = zone.fingerprint();
    const error = caught(() =>
      zone.apply([
        create(a('new.lab.internal', ['10.0.0.9'])),
        del(a('x.lab.internal', ['10.0.0.1'], { setIdentifier: 'lb-1', weight: 2 })),
        del(a('gone.lab.internal', ['10.0.0.1'])),
      ]),
    );
    expect(error).toBeInstanceOf(InvalidChangeBatchError);
    expect((error as InvalidChangeBatchError).messages).toEqual([
      "Tried to delete resource record set [name='x.lab.internal.', type='A', set-identifier='lb-1'] but the values provided do not match the current values",
      "Tried to delete resource record set [name='gone.lab.internal.', type='A'] but it was not found",
    ]);
    expect(error.message).toBe(`[${(error as InvalidChangeBatchError).messages.join(', ')}]`);
    expect(zone.fingerprint()).toBe(before);
    expect(zone.lookup('new.lab.internal')).toEqual([]);
  });

  it('lets a batch DELETE and re-CREATE one record set, but not change it twice otherwise', () => {
    const zone = newZone();
    const old = a('x.lab.internal', ['10.0.0.1']);
    zone.apply([create(old)]);
    zone.apply([del(old), create(a('x.lab.internal', ['10.0.0.2']))]);
    expect(zone.lookup('x.lab.internal')[0]?.values).toEqual(['10.0.0.2']);
    const error = caught(() => zone.apply([upsert(a('x.lab.internal', ['10.0.0.3'])), upsert(a('x.lab.internal', ['10.0.0.4']))]));
    expect((error as InvalidChangeBatchError).messages).toEqual([
      "The request contains an invalid set of changes for a resource record set 'A x.lab.internal.'",
    ]);
  });

  it('refuses a CNAME beside other records, at the apex, and other records beside a CNAME', () => {
    const zone = newZone();
    zone.apply([create(a('a.lab.internal', ['10.0.0.1'])), create({ name: 'c.lab.internal', type: 'CNAME', ttl: 60, values: ['a.lab.internal'] })]);
    const error = caught(() =>
      zone.apply([
        create({ name: 'a.lab.internal', type: 'CNAME', ttl: 60, values: ['x.example.com'] }),
        create({ name: 'c.lab.internal', type: 'TXT', ttl: 60, values: ['"t"'] }),
        create({ name: 'lab.internal', type: 'CNAME', ttl: 60, values: ['x.example.com'] }),
      ]),
    );
    expect((error as InvalidChangeBatchError).messages).toEqual([
      'RRSet of type CNAME with DNS name a.lab.internal. is not permitted as it conflicts with other records with the same DNS name in zone lab.internal.',
      'RRSet of type TXT with DNS name c.lab.internal. is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone lab.internal.',
      'RRSet of type CNAME with DNS name lab.internal. is not permitted at apex in zone lab.internal.',
    ]);
  });

  it('refuses mixing weighted and non-weighted sets of one name and type', () => {
    const zone = newZone();
    zone.apply([create(a('x.lab.internal', ['10.0.0.1']))]);
    expect(caught(() => zone.apply([create(a('x.lab.internal', ['10.0.0.2'], { setIdentifier: 'lb-1', weight: 1 }))]))).toBeInstanceOf(InvalidChangeBatchError);
  });

  it('refuses names outside the zone, bad IPv4 values and deleting the apex SOA or NS', () => {
    const zone = newZone();
    const [ns, soa] = zone.list();
    const error = caught(() => zone.apply([create(a('x.example.com', ['10.0.0.1'])), create(a('y.lab.internal', ['10.0.0.300'])), del(ns!), del(soa!)]));
    expect((error as InvalidChangeBatchError).messages).toHaveLength(4);
    expect((error as InvalidChangeBatchError).messages[0]).toBe('RRSet with DNS name x.example.com. is not permitted in zone lab.internal.');
  });

  it('rejects malformed changes as InvalidInput before looking at the zone', () => {
    const zone = newZone();
    for (const record of [
      a('x.lab.internal', ['10.0.0.1'], { setIdentifier: 'lb-1' }),
      a('x.lab.internal', ['10.0.0.1'], { weight: 1 }),
      a('x.lab.internal', ['10.0.0.1'], { setIdentifier: 'lb-1', weight: 256 }),
      a('x.lab.internal', ['10.0.0.1'], { ttl: -1 }),
      a('x.lab.internal', []),
    ]) {
      const error = caught(() => zone.apply([create(record)]));
      expect(error.code).toBe('InvalidInput');
      expect(error).not.toBeInstanceOf(InvalidChangeBatchError);
    }
    expect(caught(() => zone.apply([])).code).toBe('InvalidInput');
  });
});

describe('ZoneRecords aliases (to a record set in the same zone)', () => {
  const tree = `g000001.plans.ep.${APEX}`;
  const target = a(tree, ['10.0.0.1'], { setIdentifier: 'lb-1', weight: 1 });
  const alias = aliasRecord(`ep.${APEX}`, 'A', tree);

  it('needs its target to exist when it is created: an earlier change of the same batch counts, a later one does not', () => {
    const zone = newZone();
    const missing = caught(() => zone.apply([create(alias), create(target)]));
    expect(missing).toBeInstanceOf(InvalidChangeBatchError);
    expect((missing as InvalidChangeBatchError).messages).toEqual([
      `Tried to create an alias that targets ${tree}., type A in zone ${zone.id}, but that target was not found`,
    ]);
    zone.apply([create(target), create(alias)]);
    expect(zone.lookup(alias.name)).toEqual([alias]);
  });

  it('refuses a target outside the zone, and a target of another type', () => {
    const zone = newZone();
    zone.apply([create({ name: `txt.${APEX}`, type: 'TXT', ttl: 60, values: ['"x"'] })]);
    expect((caught(() => zone.apply([create(aliasRecord(`ep.${APEX}`, 'A', 'www.example.com'))])) as InvalidChangeBatchError).messages[0]).toContain(
      'but the alias target name does not lie within the target zone',
    );
    expect((caught(() => zone.apply([create(aliasRecord(`ep.${APEX}`, 'A', `txt.${APEX}`))])) as InvalidChangeBatchError).messages[0]).toContain(
      'but that target was not found',
    );
  });

  it('lets the target be deleted while the alias points at it: the alias stays, dangling', () => {
    const zone = newZone();
    zone.apply([create(target), create(alias)]);
    zone.apply([del(target)]);
    expect(zone.lookup(tree)).toEqual([]);
    expect(zone.lookup(alias.name)).toEqual([alias]);
  });

  it('matches an alias exactly on DELETE, target included, and rejects an alias with a TTL or values as InvalidInput', () => {
    const zone = newZone();
    zone.apply([create(target), create(alias)]);
    expect(caught(() => zone.apply([del(aliasRecord(alias.name, 'A', `g000002.plans.ep.${APEX}`))]))).toBeInstanceOf(InvalidChangeBatchError);
    expect(caught(() => zone.apply([create({ ...alias, name: `other.${APEX}`, ttl: 60 })])).code).toBe('InvalidInput');
  });

  it('lists a name and everything under it in one read, nothing from neighbours', () => {
    const zone = newZone();
    zone.apply([create(target), create(alias), create(a(`ep-fips.${APEX}`, ['10.0.0.2'])), create(a(`epx.${APEX}`, ['10.0.0.3']))]);
    expect(zone.under(`EP.${APEX}.`).map((record) => record.name)).toEqual([alias.name, tree]);
  });
});

describe('ZoneRecords version, clone and fingerprint', () => {
  it('counts successful batches only', () => {
    const zone = newZone();
    const start = zone.version;
    zone.apply([create(a('x.lab.internal', ['10.0.0.1']))]);
    expect(zone.version).toBe(start + 1);
    caught(() => zone.apply([create(a('x.lab.internal', ['10.0.0.1']))]));
    expect(zone.version).toBe(start + 1);
  });

  it('clones independently in both directions', () => {
    const zone = newZone();
    zone.apply([create(a('x.lab.internal', ['10.0.0.1']))]);
    const copy = zone.clone();
    expect(copy.fingerprint()).toBe(zone.fingerprint());
    expect(copy.version).toBe(zone.version);
    copy.apply([upsert(a('x.lab.internal', ['10.0.0.2']))]);
    zone.apply([create(a('y.lab.internal', ['10.0.0.3']))]);
    expect(zone.lookup('x.lab.internal')[0]?.values).toEqual(['10.0.0.1']);
    expect(copy.lookup('y.lab.internal')).toEqual([]);
    expect(copy.fingerprint()).not.toBe(zone.fingerprint());
  });

  it('hands out frozen record sets, so a caller cannot change a zone (or its clones) behind its back', () => {
    const zone = newZone();
    zone.apply([create(a('x.lab.internal', ['10.0.0.1']))]);
    const [record] = zone.lookup('x.lab.internal');
    expect(() => record!.values.push('10.0.0.2')).toThrow(TypeError);
    expect(() => {
      record!.ttl = 1;
    }).toThrow(TypeError);
  });

  it('fingerprints content: the same record sets give the same fingerprint whatever the history', () => {
    const one = newZone();
    const two = newZone();
    one.apply([create(a('x.lab.internal', ['10.0.0.1', '10.0.0.2']))]);
    two.apply([create(a('x.lab.internal', ['10.0.0.9']))]);
    two.apply([upsert(a('X.lab.internal.', ['10.0.0.2', '10.0.0.1']))]);
    expect(two.version).not.toBe(one.version);
    expect(two.fingerprint()).toBe(one.fingerprint());
    two.apply([upsert(a('x.lab.internal', ['10.0.0.2', '10.0.0.1'], { ttl: 61 }))]);
    expect(two.fingerprint()).not.toBe(one.fingerprint());
  });
});

describe('Route53Model', () => {
  const vpc = { vpcId: 'vpc-0123456789abcdef0', vpcRegion: 'us-east-1' };
  const privateZone = (model: Route53Model, name: string, callerReference = name) =>
    model.createHostedZone({ name, callerReference, privateZone: true, vpc }).hostedZone;

  it('creates zones with Route 53 shaped ids, an apex SOA and NS, and reads them back by either id form', () => {
    const model = new Route53Model();
    const created = model.createHostedZone({ name: 'Lab.Internal.', callerReference: 'ref-1', privateZone: true, vpc, comment: 'lab' });
    expect(created.hostedZone.id).toMatch(/^Z[A-Z0-9]{13,21}$/);
    expect(created.changeInfo).toMatchObject({ id: expect.stringMatching(/^C[A-Z0-9]+$/), status: 'PENDING' });
    expect(created.hostedZone).toMatchObject({ name: 'lab.internal', privateZone: true, resourceRecordSetCount: 2, comment: 'lab' });
    expect(model.getHostedZone(`/hostedzone/${created.hostedZone.id}`)).toEqual({ hostedZone: created.hostedZone, vpcs: [vpc] });
    expect(listed(model.zone(created.hostedZone.id))).toEqual(['lab.internal NS', 'lab.internal SOA']);
    expect(model.getChange(`/change/${created.changeInfo.id}`)).toEqual({ ...created.changeInfo, status: 'INSYNC' });
  });

  it('refuses a reused caller reference (409), a private zone without a VPC and unknown ids', () => {
    const model = new Route53Model();
    privateZone(model, 'lab.internal', 'same');
    const reused = caught(() => privateZone(model, 'other.internal', 'same'));
    expect([reused.code, reused.httpStatus]).toEqual(['HostedZoneAlreadyExists', 409]);
    expect(caught(() => model.createHostedZone({ name: 'x.internal', callerReference: 'x', privateZone: true })).code).toBe('InvalidInput');
    const missing = caught(() => model.getHostedZone('ZNOSUCHZONE00000'));
    expect([missing.code, missing.httpStatus]).toEqual(['NoSuchHostedZone', 404]);
    expect(caught(() => model.getChange('CNOSUCHCHANGE')).code).toBe('NoSuchChange');
  });

  it('deletes only zones holding nothing but their apex SOA and NS', () => {
    const model = new Route53Model();
    const zone = privateZone(model, 'lab.internal');
    model.changeResourceRecordSets(zone.id, [create(a('x.lab.internal', ['10.0.0.1']))]);
    expect(caught(() => model.deleteHostedZone(zone.id)).code).toBe('HostedZoneNotEmpty');
    model.changeResourceRecordSets(zone.id, [del(a('x.lab.internal', ['10.0.0.1']))]);
    expect(model.deleteHostedZone(zone.id).status).toBe('PENDING');
    expect(caught(() => model.zone(zone.id)).code).toBe('NoSuchHostedZone');
  });

  it('lists hosted zones by reversed name and pages with NextDNSName and NextHostedZoneId', () => {
    const model = new Route53Model();
    for (const name of ['b.example', 'a.example', 'example', 'a.other']) privateZone(model, name);
    const first = model.listHostedZonesByName({ maxItems: 2 });
    expect(first.hostedZones.map((zone) => zone.name)).toEqual(['example', 'a.example']);
    expect(first).toMatchObject({ isTruncated: true, nextDnsName: 'b.example' });
    const second = model.listHostedZonesByName({ dnsName: first.nextDnsName, hostedZoneId: first.nextHostedZoneId, maxItems: 2 });
    expect(second.hostedZones.map((zone) => zone.name)).toEqual(['b.example', 'a.other']);
    expect(second.isTruncated).toBe(false);
    expect(caught(() => model.listHostedZonesByName({ hostedZoneId: 'Z1' })).code).toBe('InvalidInput');
  });

  it('pages record sets from a start key, including inside a group of weighted sets', () => {
    const model = new Route53Model();
    const zone = privateZone(model, 'lab.internal');
    model.changeResourceRecordSets(zone.id, [
      create(a('lb.lab.internal', ['10.0.0.1'], { setIdentifier: 'lb-1', weight: 1 })),
      create(a('lb.lab.internal', ['10.0.0.2'], { setIdentifier: 'lb-2', weight: 1 })),
      create(a('lb.lab.internal', ['10.0.0.3'], { setIdentifier: 'lb-3', weight: 1 })),
    ]);
    const first = model.listResourceRecordSets(zone.id, { maxItems: 3 });
    expect(first).toMatchObject({ isTruncated: true, nextRecordName: 'lb.lab.internal', nextRecordType: 'A', nextRecordIdentifier: 'lb-2' });
    const second = model.listResourceRecordSets(zone.id, {
      startRecordName: first.nextRecordName,
      startRecordType: first.nextRecordType,
      startRecordIdentifier: first.nextRecordIdentifier,
    });
    expect(second.records.map((record) => record.setIdentifier)).toEqual(['lb-2', 'lb-3']);
    expect(second.isTruncated).toBe(false);
    expect(model.listResourceRecordSets(zone.id, { startRecordName: 'm.lab.internal' }).records).toEqual([]);
    expect(caught(() => model.listResourceRecordSets(zone.id, { startRecordType: 'A' })).code).toBe('InvalidInput');
  });

  it('finds the zone holding a name by the longest matching apex', () => {
    const model = new Route53Model();
    privateZone(model, 'internal');
    const lab = privateZone(model, 'lab.internal');
    expect(model.findZone('x.LAB.internal.')).toBe(model.zone(lab.id));
    expect(model.findZone('other.internal')?.apex).toBe('internal');
    expect(model.findZone('example.com')).toBeUndefined();
  });
});

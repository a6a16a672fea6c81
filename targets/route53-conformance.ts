// Route 53 conformance cases: each states one rule of Route 53's documented
// contract and checks it through @aws-sdk/client-route-53 only, so the same
// cases judge real Route 53, LocalStack or the embedded endpoint. A case gets
// a fresh private hosted zone and throws (an AssertionError) on a violation.
// The vitest suite runs them; a `racelab doctor` can run them the same way.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  DeleteHostedZoneCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  type Change,
  type ChangeInfo,
  type ListResourceRecordSetsCommandInput,
  type ResourceRecordSet,
  type Route53Client,
  type VPCRegion,
} from '@aws-sdk/client-route-53';
import { labSoaRecord, NEGATIVE_TTL_SECONDS } from '../lambdas/core/dns-tree.ts';

export interface ConformanceZone {
  /** As Route 53 returns it: "/hostedzone/Z…". */
  id: string;
  /** Lower case, no trailing dot. */
  name: string;
  callerReference: string;
  vpcId: string;
  vpcRegion: VPCRegion;
  /** How long a case may wait for a change to become INSYNC. */
  insyncTimeoutMs: number;
}

export interface ConformanceCase {
  /** The behaviour, as a sentence. */
  name: string;
  /** The Route 53 rule the case checks. */
  rule: string;
  run(client: Route53Client, zone: ConformanceZone): Promise<void>;
}

export interface ConformanceOptions {
  vpcId: string;
  vpcRegion: VPCRegion;
  /** How long to wait for a change to become INSYNC (real Route 53 takes seconds). */
  insyncTimeoutMs?: number;
}

// ---------------------------------------------------------------------------
// Zone lifecycle: every case runs in its own private zone, removed afterwards

export async function createConformanceZone(client: Route53Client, options: ConformanceOptions): Promise<ConformanceZone> {
  const unique = randomUUID().slice(0, 8);
  const name = `racelab-conformance-${unique}.internal`;
  const callerReference = `racelab-conformance-${Date.now()}-${unique}`;
  const created = await client.send(
    new CreateHostedZoneCommand({
      Name: name,
      CallerReference: callerReference,
      HostedZoneConfig: { PrivateZone: true, Comment: 'racelab conformance case; safe to delete' },
      VPC: { VPCId: options.vpcId, VPCRegion: options.vpcRegion },
    }),
  );
  const id = created.HostedZone?.Id;
  assert.ok(id, 'CreateHostedZone returned no HostedZone.Id');
  return { id, name, callerReference, vpcId: options.vpcId, vpcRegion: options.vpcRegion, insyncTimeoutMs: options.insyncTimeoutMs ?? 120_000 };
}

/** Deletes every record set but the apex SOA and NS, then the zone. A zone already gone is fine. */
export async function deleteConformanceZone(client: Route53Client, zone: ConformanceZone): Promise<void> {
  try {
    const removable = (await allRecordSets(client, zone))
      .filter((set) => !(isApex(set, zone) && (set.Type === 'SOA' || set.Type === 'NS')))
      // Aliases first, then their targets, in case a Route 53 checks targets on DELETE too.
      .sort((a, b) => Number(b.AliasTarget !== undefined) - Number(a.AliasTarget !== undefined));
    if (removable.length > 0) await submit(client, zone, ...removable.map(del));
    await client.send(new DeleteHostedZoneCommand({ Id: zone.id }));
  } catch (error) {
    if ((error as Error).name !== 'NoSuchHostedZone') throw error;
  }
}

export async function runConformanceCase(client: Route53Client, testCase: ConformanceCase, options: ConformanceOptions): Promise<void> {
  const zone = await createConformanceZone(client, options);
  let violation: unknown;
  try {
    await testCase.run(client, zone);
  } catch (error) {
    violation = error;
  }
  try {
    await deleteConformanceZone(client, zone);
  } catch (cleanupError) {
    // A failed cleanup must not hide the case's own failure.
    if (violation === undefined) throw cleanupError;
  }
  if (violation !== undefined) throw violation;
}

// ---------------------------------------------------------------------------
// Building and sending changes

interface RecordOptions {
  ttl?: number;
  setIdentifier?: string;
  weight?: number;
}

function recordSet(name: string, type: ResourceRecordSet['Type'], values: string[], options: RecordOptions = {}): ResourceRecordSet {
  const set: ResourceRecordSet = { Name: name, Type: type, TTL: options.ttl ?? 60, ResourceRecords: values.map((Value) => ({ Value })) };
  if (options.setIdentifier !== undefined) set.SetIdentifier = options.setIdentifier;
  if (options.weight !== undefined) set.Weight = options.weight;
  return set;
}

/** An alias to a record set of the same type in the same hosted zone. */
function aliasTo(zone: ConformanceZone, name: string, target: string, type: ResourceRecordSet['Type'] = 'A'): ResourceRecordSet {
  return { Name: name, Type: type, AliasTarget: { HostedZoneId: zone.id.replace(/^\/hostedzone\//, ''), DNSName: target, EvaluateTargetHealth: false } };
}

const create = (set: ResourceRecordSet): Change => ({ Action: 'CREATE', ResourceRecordSet: set });
const upsert = (set: ResourceRecordSet): Change => ({ Action: 'UPSERT', ResourceRecordSet: set });
const del = (set: ResourceRecordSet): Change => ({ Action: 'DELETE', ResourceRecordSet: set });

async function submit(client: Route53Client, zone: ConformanceZone, ...changes: Change[]): Promise<ChangeInfo> {
  const output = await client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zone.id, ChangeBatch: { Changes: changes } }));
  assert.ok(output.ChangeInfo, 'ChangeResourceRecordSets returned no ChangeInfo');
  return output.ChangeInfo;
}

/** Asserts the call fails with one of the expected error names (and message fragment) and returns the error. */
async function rejected(call: Promise<unknown>, expected: string | string[], messagePart?: string): Promise<Error> {
  const names = typeof expected === 'string' ? [expected] : expected;
  try {
    await call;
  } catch (error) {
    const failure = error as Error;
    assert.ok(names.includes(failure.name), `expected ${names.join(' or ')}, got ${failure.name}: ${failure.message}`);
    if (messagePart !== undefined) assert.ok(failure.message.includes(messagePart), `expected "${messagePart}" in: ${failure.message}`);
    return failure;
  }
  assert.fail(`expected ${names.join(' or ')}, but the call succeeded`);
}

// ---------------------------------------------------------------------------
// Reading the zone

async function allRecordSets(client: Route53Client, zone: ConformanceZone, maxItems?: number): Promise<ResourceRecordSet[]> {
  const pages = await recordSetPages(client, zone, maxItems);
  return pages.flatMap((page) => page.records);
}

interface RecordSetPage {
  records: ResourceRecordSet[];
  nextRecordIdentifier?: string;
}

async function recordSetPages(client: Route53Client, zone: ConformanceZone, maxItems?: number): Promise<RecordSetPage[]> {
  const pages: RecordSetPage[] = [];
  let input: ListResourceRecordSetsCommandInput = { HostedZoneId: zone.id, MaxItems: maxItems };
  for (let page = 0; page < 1000; page += 1) {
    const output = await client.send(new ListResourceRecordSetsCommand(input));
    pages.push({ records: output.ResourceRecordSets ?? [], nextRecordIdentifier: output.NextRecordIdentifier });
    if (!output.IsTruncated) return pages;
    input = {
      HostedZoneId: zone.id,
      MaxItems: maxItems,
      StartRecordName: output.NextRecordName,
      StartRecordType: output.NextRecordType,
      StartRecordIdentifier: output.NextRecordIdentifier,
    };
  }
  assert.fail('ListResourceRecordSets kept reporting IsTruncated after 1000 pages');
}

/** A comparable one-line form of a record set: values as a set, name without case or trailing dot. */
function summary(set: ResourceRecordSet): string {
  const values = (set.ResourceRecords ?? []).map((record) => record.Value ?? '').sort();
  const alias = set.AliasTarget ? ` alias=${bare(set.AliasTarget.DNSName)}` : '';
  return `${bare(set.Name)} ${set.Type} id=${set.SetIdentifier ?? '-'} w=${set.Weight ?? '-'} ttl=${set.TTL}${alias} [${values.join(', ')}]`;
}

async function snapshot(client: Route53Client, zone: ConformanceZone): Promise<string[]> {
  return (await allRecordSets(client, zone)).map(summary).sort();
}

/** Summaries of the record sets at one name (any type). */
async function at(client: Route53Client, zone: ConformanceZone, name: string): Promise<string[]> {
  return (await allRecordSets(client, zone))
    .filter((set) => bare(set.Name) === bare(name))
    .map(summary)
    .sort();
}

function bare(name: string | undefined): string {
  const lower = (name ?? '').toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

function isApex(set: ResourceRecordSet, zone: ConformanceZone): boolean {
  return bare(set.Name) === zone.name;
}

function reversedLabels(name: string | undefined): string {
  return `${bare(name).split('.').reverse().join('.')}.`;
}

async function waitForInsync(client: Route53Client, change: ChangeInfo, timeoutMs: number): Promise<ChangeInfo> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 0; ; delay = Math.min(delay * 2 || 500, 5000)) {
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const output = await client.send(new GetChangeCommand({ Id: change.Id }));
    assert.ok(output.ChangeInfo, 'GetChange returned no ChangeInfo');
    assert.ok(['PENDING', 'INSYNC'].includes(output.ChangeInfo.Status ?? ''), `unexpected change status ${output.ChangeInfo.Status}`);
    if (output.ChangeInfo.Status === 'INSYNC' || Date.now() > deadline) return output.ChangeInfo;
  }
}

// ---------------------------------------------------------------------------
// The cases

const host = (zone: ConformanceZone, label: string) => `${label}.${zone.name}`;

export const ROUTE53_CONFORMANCE_CASES: readonly ConformanceCase[] = [
  {
    name: 'a new private hosted zone holds exactly an SOA and an NS record set at its apex',
    rule: 'CreateHostedZone creates the apex SOA and NS record sets',
    async run(client, zone) {
      const sets = await allRecordSets(client, zone);
      assert.deepEqual(sets.map((set) => `${bare(set.Name)} ${set.Type}`).sort(), [`${zone.name} NS`, `${zone.name} SOA`]);
    },
  },
  {
    name: 'a batch is all-or-nothing: when its second change fails, its first change is not applied',
    rule: 'ChangeResourceRecordSets applies a batch atomically',
    async run(client, zone) {
      const before = await snapshot(client, zone);
      const first = recordSet(host(zone, 'first'), 'A', ['10.0.0.1']);
      const missing = recordSet(host(zone, 'missing'), 'A', ['10.0.0.2']);
      await rejected(submit(client, zone, create(first), del(missing)), 'InvalidChangeBatch', 'but it was not found');
      assert.deepEqual(await snapshot(client, zone), before);
    },
  },
  {
    name: 'a rejected batch reports every failed change in its message',
    rule: 'InvalidChangeBatch lists one message per failed change',
    async run(client, zone) {
      const failure = await rejected(
        submit(client, zone, del(recordSet(host(zone, 'one'), 'A', ['10.0.0.1'])), del(recordSet(host(zone, 'two'), 'A', ['10.0.0.2']))),
        'InvalidChangeBatch',
      );
      assert.ok(failure.message.includes(`name='one.${zone.name}.'`), failure.message);
      assert.ok(failure.message.includes(`name='two.${zone.name}.'`), failure.message);
    },
  },
  {
    name: 'DELETE of a record set that does not exist is rejected',
    rule: 'DELETE must name an existing record set',
    async run(client, zone) {
      await rejected(submit(client, zone, del(recordSet(host(zone, 'ghost'), 'A', ['10.0.0.1']))), 'InvalidChangeBatch', 'but it was not found');
    },
  },
  {
    name: 'DELETE with a different TTL is rejected and the record set stays',
    rule: 'DELETE must match the current record set exactly (TTL)',
    async run(client, zone) {
      const set = recordSet(host(zone, 'ttl'), 'A', ['10.0.0.1'], { ttl: 60 });
      await submit(client, zone, create(set));
      await rejected(submit(client, zone, del({ ...set, TTL: 61 })), 'InvalidChangeBatch', 'do not match the current values');
      assert.deepEqual(await at(client, zone, set.Name!), [summary(set)]);
    },
  },
  {
    name: 'DELETE with a different value is rejected and the record set stays',
    rule: 'DELETE must match the current record set exactly (values)',
    async run(client, zone) {
      const set = recordSet(host(zone, 'value'), 'A', ['10.0.0.1', '10.0.0.2']);
      await submit(client, zone, create(set));
      await rejected(submit(client, zone, del(recordSet(set.Name!, 'A', ['10.0.0.1', '10.0.0.3']))), 'InvalidChangeBatch', 'do not match the current values');
      await rejected(submit(client, zone, del(recordSet(set.Name!, 'A', ['10.0.0.1']))), 'InvalidChangeBatch', 'do not match the current values');
      assert.deepEqual(await at(client, zone, set.Name!), [summary(set)]);
    },
  },
  {
    name: 'DELETE with exactly the current record set succeeds, whatever the order of its values',
    rule: 'DELETE matches values as a set',
    async run(client, zone) {
      const set = recordSet(host(zone, 'exact'), 'A', ['10.0.0.1', '10.0.0.2']);
      await submit(client, zone, create(set));
      await submit(client, zone, del(recordSet(set.Name!, 'A', ['10.0.0.2', '10.0.0.1'])));
      assert.deepEqual(await at(client, zone, set.Name!), []);
    },
  },
  {
    name: 'DELETE of a weighted record set with a different weight is rejected',
    rule: 'DELETE must match the current record set exactly (weight)',
    async run(client, zone) {
      const set = recordSet(host(zone, 'weight'), 'A', ['10.0.0.1'], { setIdentifier: 'lb-1', weight: 10 });
      await submit(client, zone, create(set));
      await rejected(submit(client, zone, del({ ...set, Weight: 11 })), 'InvalidChangeBatch', 'do not match the current values');
      assert.deepEqual(await at(client, zone, set.Name!), [summary(set)]);
    },
  },
  {
    name: 'DELETE naming another set identifier is rejected as not found',
    rule: 'weighted record sets are keyed by SetIdentifier',
    async run(client, zone) {
      const set = recordSet(host(zone, 'ident'), 'A', ['10.0.0.1'], { setIdentifier: 'lb-1', weight: 10 });
      await submit(client, zone, create(set));
      await rejected(submit(client, zone, del({ ...set, SetIdentifier: 'lb-2' })), 'InvalidChangeBatch', 'but it was not found');
      assert.deepEqual(await at(client, zone, set.Name!), [summary(set)]);
    },
  },
  {
    name: 'CREATE of a record set that already exists is rejected',
    rule: 'CREATE fails if the record set exists',
    async run(client, zone) {
      const set = recordSet(host(zone, 'twice'), 'A', ['10.0.0.1']);
      await submit(client, zone, create(set));
      await rejected(submit(client, zone, create(recordSet(set.Name!, 'A', ['10.0.0.9']))), 'InvalidChangeBatch', 'but it already exists');
      assert.deepEqual(await at(client, zone, set.Name!), [summary(set)]);
    },
  },
  {
    name: 'UPSERT creates a record set that does not exist',
    rule: 'UPSERT creates',
    async run(client, zone) {
      const set = recordSet(host(zone, 'upsert-new'), 'A', ['10.0.0.1']);
      await submit(client, zone, upsert(set));
      assert.deepEqual(await at(client, zone, set.Name!), [summary(set)]);
    },
  },
  {
    name: 'UPSERT replaces the TTL and values of an existing record set',
    rule: 'UPSERT replaces',
    async run(client, zone) {
      const before = recordSet(host(zone, 'upsert'), 'A', ['10.0.0.1', '10.0.0.2'], { ttl: 60 });
      const after = recordSet(before.Name!, 'A', ['10.0.0.3'], { ttl: 300 });
      await submit(client, zone, create(before));
      await submit(client, zone, upsert(after));
      assert.deepEqual(await at(client, zone, before.Name!), [summary(after)]);
    },
  },
  {
    name: 'a CNAME cannot be created at a name that already has records of another type',
    rule: 'a CNAME cannot share its name with other records',
    async run(client, zone) {
      const name = host(zone, 'taken');
      await submit(client, zone, create(recordSet(name, 'A', ['10.0.0.1'])));
      await rejected(submit(client, zone, create(recordSet(name, 'CNAME', ['elsewhere.example.com']))), 'InvalidChangeBatch', 'CNAME');
      await rejected(submit(client, zone, upsert(recordSet(name, 'CNAME', ['elsewhere.example.com']))), 'InvalidChangeBatch', 'CNAME');
      assert.deepEqual(
        (await at(client, zone, name)).map((line) => line.split(' ')[1]),
        ['A'],
      );
    },
  },
  {
    name: 'no record of another type can be created at a name that has a CNAME',
    rule: 'a CNAME cannot share its name with other records (other direction)',
    async run(client, zone) {
      const name = host(zone, 'alias');
      await submit(client, zone, create(recordSet(name, 'CNAME', ['target.example.com'])));
      await rejected(submit(client, zone, create(recordSet(name, 'A', ['10.0.0.1']))), 'InvalidChangeBatch', 'CNAME');
      await rejected(submit(client, zone, create(recordSet(name, 'TXT', ['"text"']))), 'InvalidChangeBatch', 'CNAME');
      assert.deepEqual(
        (await at(client, zone, name)).map((line) => line.split(' ')[1]),
        ['CNAME'],
      );
    },
  },
  {
    name: 'a CNAME cannot be created at the zone apex',
    rule: 'no CNAME at the apex',
    async run(client, zone) {
      await rejected(submit(client, zone, create(recordSet(zone.name, 'CNAME', ['target.example.com']))), 'InvalidChangeBatch');
    },
  },
  {
    name: 'names are case-insensitive and their trailing dot is optional',
    rule: 'record names are canonicalised',
    async run(client, zone) {
      const mixed = recordSet(`MiXeD.${zone.name.toUpperCase()}`, 'A', ['10.0.0.1']);
      await submit(client, zone, create(mixed));
      const listed = (await allRecordSets(client, zone)).filter((set) => !isApex(set, zone));
      assert.deepEqual(
        listed.map((set) => set.Name),
        [`mixed.${zone.name}.`],
      );
      await rejected(submit(client, zone, create(recordSet(`mixed.${zone.name}.`, 'A', ['10.0.0.2']))), 'InvalidChangeBatch', 'but it already exists');
      await submit(client, zone, del(recordSet(`mixed.${zone.name}.`, 'A', ['10.0.0.1'])));
      assert.deepEqual(await at(client, zone, mixed.Name!), []);
    },
  },
  {
    name: 'weighted record sets with different set identifiers coexist under one name and type',
    rule: 'weighted record sets are keyed by SetIdentifier',
    async run(client, zone) {
      const one = recordSet(host(zone, 'lb'), 'A', ['10.0.0.1'], { setIdentifier: 'lb-1', weight: 1 });
      const two = recordSet(host(zone, 'lb'), 'A', ['10.0.0.2'], { setIdentifier: 'lb-2', weight: 3 });
      await submit(client, zone, create(one), create(two));
      assert.deepEqual(await at(client, zone, one.Name!), [summary(one), summary(two)].sort());
    },
  },
  {
    name: 'a second weighted record set with the same set identifier cannot be created',
    rule: 'SetIdentifier is unique per name and type',
    async run(client, zone) {
      const one = recordSet(host(zone, 'lb'), 'A', ['10.0.0.1'], { setIdentifier: 'lb-1', weight: 1 });
      await submit(client, zone, create(one));
      await rejected(
        submit(client, zone, create({ ...one, ResourceRecords: [{ Value: '10.0.0.9' }], Weight: 5 })),
        'InvalidChangeBatch',
        'but it already exists',
      );
      assert.deepEqual(await at(client, zone, one.Name!), [summary(one)]);
    },
  },
  {
    name: 'deleting one weighted record set leaves the others in place',
    rule: 'DELETE removes only the named SetIdentifier',
    async run(client, zone) {
      const one = recordSet(host(zone, 'lb'), 'A', ['10.0.0.1'], { setIdentifier: 'lb-1', weight: 1 });
      const two = recordSet(host(zone, 'lb'), 'A', ['10.0.0.2'], { setIdentifier: 'lb-2', weight: 3 });
      await submit(client, zone, create(one), create(two));
      await submit(client, zone, del(one));
      assert.deepEqual(await at(client, zone, one.Name!), [summary(two)]);
    },
  },
  {
    name: 'a weighted and a non-weighted record set cannot share a name and type',
    rule: 'weighted and simple routing do not mix within one name and type',
    async run(client, zone) {
      const simple = recordSet(host(zone, 'simple'), 'A', ['10.0.0.1']);
      await submit(client, zone, create(simple));
      // Route 53 rejects this; whether as InvalidChangeBatch or InvalidInput is not documented.
      await rejected(submit(client, zone, create(recordSet(simple.Name!, 'A', ['10.0.0.2'], { setIdentifier: 'lb-1', weight: 1 }))), [
        'InvalidChangeBatch',
        'InvalidInput',
      ]);
      const weighted = recordSet(host(zone, 'weighted'), 'A', ['10.0.0.1'], { setIdentifier: 'lb-1', weight: 1 });
      await submit(client, zone, create(weighted));
      await rejected(submit(client, zone, create(recordSet(weighted.Name!, 'A', ['10.0.0.2']))), ['InvalidChangeBatch', 'InvalidInput']);
      assert.deepEqual([...(await at(client, zone, simple.Name!)), ...(await at(client, zone, weighted.Name!))], [summary(simple), summary(weighted)]);
    },
  },
  {
    name: 'a weighted record set needs both a set identifier and a weight',
    rule: 'SetIdentifier and Weight go together',
    async run(client, zone) {
      const name = host(zone, 'half');
      await rejected(submit(client, zone, create(recordSet(name, 'A', ['10.0.0.1'], { setIdentifier: 'lb-1' }))), ['InvalidInput', 'InvalidChangeBatch']);
      await rejected(submit(client, zone, create(recordSet(name, 'A', ['10.0.0.1'], { weight: 1 }))), ['InvalidInput', 'InvalidChangeBatch']);
      assert.deepEqual(await at(client, zone, name), []);
    },
  },
  {
    name: 'DELETE then CREATE of the same record set in one batch replaces it',
    rule: 'a batch may DELETE and re-CREATE a record set (conditional replace)',
    async run(client, zone) {
      const before = recordSet(host(zone, 'swap'), 'A', ['10.0.0.1'], { setIdentifier: 'lb-1', weight: 1 });
      const after = recordSet(before.Name!, 'A', ['10.0.0.2'], { setIdentifier: 'lb-1', weight: 7 });
      await submit(client, zone, create(before));
      await submit(client, zone, del(before), create(after));
      assert.deepEqual(await at(client, zone, before.Name!), [summary(after)]);
    },
  },
  {
    name: 'DELETE then CREATE fails as a whole when the DELETE does not match the current record set',
    rule: 'a conditional replace only happens if the condition holds',
    async run(client, zone) {
      const current = recordSet(host(zone, 'swap'), 'A', ['10.0.0.1']);
      await submit(client, zone, create(current));
      const stale = recordSet(current.Name!, 'A', ['10.0.0.5']);
      await rejected(
        submit(client, zone, del(stale), create(recordSet(current.Name!, 'A', ['10.0.0.2']))),
        'InvalidChangeBatch',
        'do not match the current values',
      );
      assert.deepEqual(await at(client, zone, current.Name!), [summary(current)]);
    },
  },
  {
    name: 'two UPSERTs of the same record set in one batch are rejected',
    rule: 'a batch may change a record set only once, except DELETE then CREATE',
    async run(client, zone) {
      const name = host(zone, 'dup');
      await rejected(submit(client, zone, upsert(recordSet(name, 'A', ['10.0.0.1'])), upsert(recordSet(name, 'A', ['10.0.0.2']))), 'InvalidChangeBatch');
      assert.deepEqual(await at(client, zone, name), []);
    },
  },
  {
    name: 'a record set outside the zone is rejected',
    rule: 'record names must be in the zone',
    async run(client, zone) {
      await rejected(submit(client, zone, create(recordSet(`outside.${zone.name}.example`, 'A', ['10.0.0.1']))), 'InvalidChangeBatch', 'not permitted in zone');
    },
  },
  {
    name: 'an A record value must be an IPv4 address',
    rule: 'A values are dotted quads',
    async run(client, zone) {
      await rejected(submit(client, zone, create(recordSet(host(zone, 'bad'), 'A', ['10.0.0.256']))), 'InvalidChangeBatch');
      await rejected(submit(client, zone, create(recordSet(host(zone, 'bad'), 'A', ['not-an-address']))), 'InvalidChangeBatch');
      assert.deepEqual(await at(client, zone, host(zone, 'bad')), []);
    },
  },
  {
    name: 'the apex SOA and NS record sets cannot be deleted',
    rule: 'a zone keeps its SOA and NS',
    async run(client, zone) {
      const apex = (await allRecordSets(client, zone)).filter((set) => isApex(set, zone));
      const soa = apex.find((set) => set.Type === 'SOA');
      const ns = apex.find((set) => set.Type === 'NS');
      assert.ok(soa && ns, 'the zone has no apex SOA or NS');
      await rejected(submit(client, zone, del(soa)), 'InvalidChangeBatch');
      await rejected(submit(client, zone, del(ns)), 'InvalidChangeBatch');
      assert.equal((await allRecordSets(client, zone)).filter((set) => isApex(set, zone)).length, 2);
    },
  },
  {
    name: 'the apex SOA is listed first from StartRecordType SOA, and an UPSERT changes its negative TTL and its own TTL, the rest kept',
    rule: 'the apex SOA can be changed by UPSERT',
    // As the deployed stack sets the lab zone's negative caching (infra/lab-zone-soa.ts): read one, UPSERT it.
    async run(client, zone) {
      const listed = await client.send(
        new ListResourceRecordSetsCommand({ HostedZoneId: zone.id, StartRecordName: zone.name, StartRecordType: 'SOA', MaxItems: 1 }),
      );
      const soa = listed.ResourceRecordSets?.[0];
      assert.equal(soa?.Type, 'SOA', `StartRecordType SOA listed ${soa?.Type} first`);
      const lab = labSoaRecord(zone.name, soa.ResourceRecords?.[0]?.Value ?? '');
      await submit(client, zone, upsert({ Name: zone.name, Type: 'SOA', TTL: lab.ttl, ResourceRecords: lab.values.map((Value) => ({ Value })) }));
      const after = (await allRecordSets(client, zone)).find((set) => isApex(set, zone) && set.Type === 'SOA');
      assert.equal(after?.TTL, NEGATIVE_TTL_SECONDS);
      assert.deepEqual(
        after?.ResourceRecords?.map((record) => record.Value),
        lab.values,
      );
    },
  },
  {
    name: 'TXT values are returned exactly as stored',
    rule: 'TXT values keep their quoting',
    async run(client, zone) {
      const set = recordSet(host(zone, 'txt'), 'TXT', ['"plan 7 leader=enactor-1"', '"two" "strings"']);
      await submit(client, zone, create(set));
      const listed = (await allRecordSets(client, zone)).find((other) => bare(other.Name) === bare(set.Name));
      assert.deepEqual(listed?.ResourceRecords?.map((record) => record.Value).sort(), ['"plan 7 leader=enactor-1"', '"two" "strings"'].sort());
    },
  },
  {
    name: 'ListResourceRecordSets pages of MaxItems=2 add up to the full list, in Route 53 order, without duplicates',
    rule: 'pagination with NextRecordName/Type/Identifier',
    async run(client, zone) {
      await submit(
        client,
        zone,
        create(recordSet(host(zone, 'alpha'), 'A', ['10.0.0.1'])),
        create(recordSet(host(zone, 'alpha'), 'TXT', ['"alpha"'])),
        create(recordSet(host(zone, 'lb'), 'A', ['10.0.1.1'], { setIdentifier: 'lb-1', weight: 1 })),
        create(recordSet(host(zone, 'lb'), 'A', ['10.0.1.2'], { setIdentifier: 'lb-2', weight: 1 })),
        create(recordSet(host(zone, 'lb'), 'A', ['10.0.1.3'], { setIdentifier: 'lb-3', weight: 1 })),
        create(recordSet(host(zone, 'a.deep'), 'CNAME', ['alpha.example.com'])),
        create(recordSet(host(zone, 'zulu'), 'A', ['10.0.0.9'])),
      );
      const whole = await allRecordSets(client, zone);
      assert.equal(whole.length, 9);
      const pages = await recordSetPages(client, zone, 2);
      assert.equal(pages.length, 5);
      assert.ok(pages.every((page) => page.records.length <= 2));
      assert.ok(
        pages.some((page) => page.nextRecordIdentifier !== undefined),
        'no page boundary fell inside the weighted record sets (NextRecordIdentifier never used)',
      );
      const paged = pages.flatMap((page) => page.records);
      assert.deepEqual(paged.map(summary), whole.map(summary));
      assert.equal(new Set(paged.map(summary)).size, paged.length, 'a record set appeared on two pages');
      // Route 53 order: by name with labels reversed, then by type.
      const keys = paged.map((set) => `${reversedLabels(set.Name)} ${set.Type}`);
      assert.deepEqual(keys, [...keys].sort());
    },
  },
  {
    name: 'ListResourceRecordSets starts at the first record set at or after StartRecordName',
    rule: 'StartRecordName positions the listing',
    async run(client, zone) {
      await submit(client, zone, create(recordSet(host(zone, 'bravo'), 'A', ['10.0.0.1'])), create(recordSet(host(zone, 'delta'), 'A', ['10.0.0.2'])));
      const output = await client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zone.id, StartRecordName: host(zone, 'charlie') }));
      assert.deepEqual(
        output.ResourceRecordSets?.map((set) => bare(set.Name)),
        [host(zone, 'delta')],
      );
    },
  },
  {
    name: 'ListResourceRecordSets with StartRecordType but no StartRecordName is rejected',
    rule: 'StartRecordType requires StartRecordName',
    async run(client, zone) {
      await rejected(client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zone.id, StartRecordType: 'A' })), 'InvalidInput');
    },
  },
  {
    name: 'GetChange reports a submitted change as INSYNC once it has propagated',
    rule: 'changes go from PENDING to INSYNC',
    async run(client, zone) {
      const submitted = await submit(client, zone, create(recordSet(host(zone, 'sync'), 'A', ['10.0.0.1'])));
      assert.ok(submitted.Id?.includes('/change/') || submitted.Id?.startsWith('C'), `unexpected change id ${submitted.Id}`);
      assert.ok(['PENDING', 'INSYNC'].includes(submitted.Status ?? ''));
      const final = await waitForInsync(client, submitted, zone.insyncTimeoutMs);
      assert.equal(final.Status, 'INSYNC');
      assert.equal(final.Id, submitted.Id);
    },
  },
  {
    name: 'GetChange of an unknown change id is rejected with NoSuchChange',
    rule: 'GetChange needs an existing change',
    async run(client) {
      await rejected(client.send(new GetChangeCommand({ Id: 'C0RACELABNOSUCHCHANGE' })), 'NoSuchChange');
    },
  },
  {
    name: 'GetHostedZone finds the zone and reports it private, with its VPC',
    rule: 'GetHostedZone',
    async run(client, zone) {
      const output = await client.send(new GetHostedZoneCommand({ Id: zone.id }));
      assert.equal(output.HostedZone?.Id, zone.id);
      assert.equal(output.HostedZone?.Name, `${zone.name}.`);
      assert.equal(output.HostedZone?.CallerReference, zone.callerReference);
      assert.equal(output.HostedZone?.Config?.PrivateZone, true);
      assert.deepEqual(output.VPCs, [{ VPCId: zone.vpcId, VPCRegion: zone.vpcRegion }]);
    },
  },
  {
    name: 'GetHostedZone of an unknown zone id is rejected with NoSuchHostedZone',
    rule: 'GetHostedZone needs an existing zone',
    async run(client) {
      await rejected(client.send(new GetHostedZoneCommand({ Id: 'Z0RACELABNOSUCHZONE' })), 'NoSuchHostedZone');
    },
  },
  {
    name: 'ListHostedZonesByName lists the zone first when asked for its name, and reports it private',
    rule: 'ListHostedZonesByName',
    async run(client, zone) {
      const output = await client.send(new ListHostedZonesByNameCommand({ DNSName: zone.name, MaxItems: 1 }));
      const [first] = output.HostedZones ?? [];
      assert.equal(first?.Id, zone.id);
      assert.equal(first?.Name, `${zone.name}.`);
      assert.equal(first?.Config?.PrivateZone, true);
      assert.equal(bare(output.DNSName), zone.name);
    },
  },
  {
    name: 'a caller reference cannot be used for a second hosted zone',
    rule: 'CallerReference makes CreateHostedZone idempotent',
    async run(client, zone) {
      await rejected(
        client.send(
          new CreateHostedZoneCommand({
            Name: `again.${zone.name}`,
            CallerReference: zone.callerReference,
            HostedZoneConfig: { PrivateZone: true },
            VPC: { VPCId: zone.vpcId, VPCRegion: zone.vpcRegion },
          }),
        ),
        'HostedZoneAlreadyExists',
      );
    },
  },
  // Aliases to another record set in the same zone: how the lab's endpoints point at a plan's tree.
  {
    name: 'an alias to a name in the zone with no record set of its type is rejected',
    rule: 'an alias must target an existing record set',
    async run(client, zone) {
      const name = host(zone, 'alias');
      await rejected(submit(client, zone, create(aliasTo(zone, name, host(zone, 'nowhere')))), 'InvalidChangeBatch', 'but that target was not found');
      assert.deepEqual(await at(client, zone, name), []);
    },
  },
  {
    name: 'an alias and its weighted target can be created in one batch, target first, and the alias reads back with no TTL or values',
    rule: 'an alias may target a record set created earlier in the same batch',
    async run(client, zone) {
      const tree = host(zone, 'g000001.plans.alias');
      const targets = [1, 2].map((i) => recordSet(tree, 'A', [`10.0.0.${i}`], { setIdentifier: `lb-${i}`, weight: i }));
      const alias = aliasTo(zone, host(zone, 'alias'), tree);
      await submit(client, zone, ...targets.map(create), create(alias));
      const [read] = (await allRecordSets(client, zone)).filter((set) => bare(set.Name) === bare(alias.Name));
      assert.equal(bare(read?.AliasTarget?.DNSName), bare(tree));
      assert.equal(read?.TTL, undefined);
      assert.deepEqual(read?.ResourceRecords ?? [], []);
    },
  },
  {
    name: "deleting an alias's target is allowed and leaves the alias in place, pointing at nothing",
    rule: 'an alias target can be deleted while an alias points at it',
    async run(client, zone) {
      const target = recordSet(host(zone, 'g000001.plans.dangling'), 'A', ['10.0.0.1'], { setIdentifier: 'lb-1', weight: 1 });
      const alias = aliasTo(zone, host(zone, 'dangling'), target.Name!);
      await submit(client, zone, create(target), create(alias));
      await submit(client, zone, del(target));
      assert.deepEqual(await at(client, zone, target.Name!), []);
      assert.deepEqual(await at(client, zone, alias.Name!), [summary(alias)]);
    },
  },
  {
    name: 'DeleteHostedZone of a zone that still has record sets is rejected with HostedZoneNotEmpty',
    rule: 'only an empty zone (apex SOA and NS aside) can be deleted',
    async run(client, zone) {
      await submit(client, zone, create(recordSet(host(zone, 'keep'), 'A', ['10.0.0.1'])));
      await rejected(client.send(new DeleteHostedZoneCommand({ Id: zone.id })), 'HostedZoneNotEmpty');
      const output = await client.send(new GetHostedZoneCommand({ Id: zone.id }));
      assert.equal(output.HostedZone?.Id, zone.id);
    },
  },
];

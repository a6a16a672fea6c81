// The Probe's two witnesses: what the resolver answers (caches included) and
// what the zone holds (read through the DnsZone port, as ListResourceRecordSets
// reads it). It never asks the resolver for a name the zone does not hold yet;
// on a resolver straight over the zone the two agree; a resolver that answers
// from its cache shows up in the verdict as a disagreement, with why.
import { describe, expect, it } from 'vitest';
import { endpointName, endpointRecord, labSoaValue, NEGATIVE_TTL_SECONDS, planTreeRecords, planTreeName } from '../../lambdas/core/dns-tree.ts';
import type { RecordChange } from '../../lambdas/core/dns-records.ts';
import type { Plan } from '../../lambdas/core/plan.ts';
import type { Resolver } from '../../lambdas/core/ports.ts';
import { probeWithZone, zoneAddressesOf } from '../../lambdas/core/probe.ts';
import { computeVerdict } from '../../lambdas/core/verdict.ts';
import { probeHandler } from '../../lambdas/probe/handler.ts';
import type { LabDeps } from '../../lambdas/deps.ts';
import { MemoryDnsZone } from '../../local/memory-dns-zone.ts';
import { MemoryEventLog } from '../../local/memory-event-log.ts';
import { MemoryCascadeStore } from '../../local/memory-cascade-store.ts';
import { MemoryPlanStore } from '../../local/memory-plan-store.ts';
import { MemoryKillSwitch } from '../../local/memory-kill-switch.ts';
import { MemoryResolver } from '../../local/memory-resolver.ts';
import { ZoneRecords } from '../../local/route53/zone-model.ts';
import { renderAfterAction } from '../../report/after-action.ts';
import { renderVerdict } from '../../report/render-timeline.ts';
import { buildRunReport } from '../../scenario/run-report.ts';
import { labSettings } from '../../scenario/schedule.ts';
import { loadScenario } from '../../scenario/files.ts';

const ZONE = 'lab.internal';
const ENDPOINTS = ['dynamodb.us-east-1', 'dynamodb-fips.us-east-1'];

const plan = (generation: number, addresses: string[]): Plan => ({
  generation,
  createdAt: 0,
  endpoints: ENDPOINTS,
  loadBalancers: addresses.map((address, i) => ({ id: `lb-${i + 1}`, address, weight: 1 })),
});

/** Applies a plan to an endpoint as the Enactor does: the tree's records, then the alias to it. */
function applyChanges(endpoint: string, p: Plan): RecordChange[] {
  return [
    ...planTreeRecords(p, endpoint, ZONE).map((record) => ({ action: 'UPSERT' as const, record })),
    { action: 'UPSERT', record: endpointRecord(endpoint, p.generation, ZONE) },
  ];
}

/** Records every name it is asked for, and answers from the zone. */
class SpyResolver implements Resolver {
  readonly asked: string[] = [];
  constructor(private readonly inner: Resolver) {}
  async resolve4(name: string): Promise<string[]> {
    this.asked.push(name);
    return this.inner.resolve4(name);
  }
}

/** A resolver whose cache never expires: the first answer for a name, forever (a TTL longer than the run). */
class CachingResolver implements Resolver {
  private readonly cache = new Map<string, string[]>();
  constructor(private readonly inner: Resolver) {}
  async resolve4(name: string): Promise<string[]> {
    if (!this.cache.has(name)) this.cache.set(name, await this.inner.resolve4(name));
    return this.cache.get(name)!;
  }
}

function world() {
  const zone = ZoneRecords.withApexRecords(ZONE);
  const dns = new MemoryDnsZone(zone);
  return { zone, dns, resolver: new MemoryResolver(zone) };
}

describe('the zone witness', () => {
  it("follows an endpoint's alias to its tree's weighted records; weight 0 counts only when the whole group is at 0", () => {
    const tree = planTreeName('ep', 3, ZONE);
    const records = [
      endpointRecord('ep', 3, ZONE),
      { name: tree, type: 'A' as const, ttl: 1, values: ['10.0.0.2'], setIdentifier: 'b', weight: 1 },
      { name: tree, type: 'A' as const, ttl: 1, values: ['10.0.0.1'], setIdentifier: 'a', weight: 2 },
      { name: tree, type: 'A' as const, ttl: 1, values: ['10.0.0.9'], setIdentifier: 'z', weight: 0 },
    ];
    expect(zoneAddressesOf(records, endpointName('ep', ZONE))).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(
      zoneAddressesOf(
        records.map((r) => (r.alias ? r : { ...r, weight: 0 })),
        endpointName('ep', ZONE),
      ),
    ).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.9']);
    // An alias whose tree is gone holds nothing; a name with no A record set is not there at all.
    expect(zoneAddressesOf([endpointRecord('ep', 3, ZONE)], endpointName('ep', ZONE))).toEqual([]);
    expect(zoneAddressesOf(records, endpointName('other', ZONE))).toBeUndefined();
  });

  it('never asks the resolver for an endpoint whose alias the zone does not hold yet, so no NXDOMAIN can be cached for it', async () => {
    const { dns, resolver } = world();
    const spy = new SpyResolver(resolver);
    expect(await probeWithZone(spy, dns, ENDPOINTS, ZONE, 3)).toEqual({
      addresses: { 'dynamodb.us-east-1': [], 'dynamodb-fips.us-east-1': [] },
      zoneAddresses: { 'dynamodb.us-east-1': [], 'dynamodb-fips.us-east-1': [] },
    });
    expect(spy.asked).toEqual([]);

    await dns.change(applyChanges('dynamodb.us-east-1', plan(1, ['10.0.0.1', '10.0.0.2'])));
    const reading = await probeWithZone(spy, dns, ENDPOINTS, ZONE, 4);
    expect(new Set(spy.asked)).toEqual(new Set([endpointName('dynamodb.us-east-1', ZONE)]));
    expect(reading.zoneAddresses).toEqual({ 'dynamodb.us-east-1': ['10.0.0.1', '10.0.0.2'], 'dynamodb-fips.us-east-1': [] });
    // On a resolver straight over the zone the two witnesses agree (4 samples of 2 equal weights see both).
    expect(reading.addresses).toEqual(reading.zoneAddresses);
  });
});

describe('the Probe and the verdict with two witnesses', () => {
  async function probeRun(resolver: (zoneResolver: Resolver) => Resolver, zoneReads?: false) {
    const { dns, resolver: zoneResolver } = world();
    const events = new MemoryEventLog();
    let now = 1_000;
    const deps: LabDeps = {
      store: new MemoryPlanStore(),
      killSwitch: new MemoryKillSwitch(),
      cascade: new MemoryCascadeStore(),
      dns,
      events,
      clock: { now: () => now, sleep: async () => undefined },
      resolver: resolver(zoneResolver),
      zone: ZONE,
      ...(zoneReads === false ? { zoneReads } : {}),
    };
    const settings = { ...labSettings(await loadScenario('empty-plan')), endpoints: ['dynamodb.us-east-1'], probeSamples: 4 };
    const probe = probeHandler(deps);
    const at = async (ms: number, label: string) => {
      now = ms;
      await probe({ runId: 'r', safeguards: [], settings, schedule: {}, label });
    };
    await events.append({ runId: 'r', at: 1_000, actor: 'racelab', step: 'start', outcome: 'scheduled' });
    await at(1_000, 't0');
    await dns.change(applyChanges('dynamodb.us-east-1', plan(1, ['10.0.0.1', '10.0.0.2'])));
    await at(2_000, 't1');
    // A newer plan with other load balancers, then the old tree deleted: the zone moved on.
    await dns.change(applyChanges('dynamodb.us-east-1', plan(2, ['10.0.1.1', '10.0.1.2'])));
    await dns.change(planTreeRecords(plan(1, ['10.0.0.1', '10.0.0.2']), 'dynamodb.us-east-1', ZONE).map((record) => ({ action: 'DELETE' as const, record })));
    await at(3_000, 't2');
    return events.list('r');
  }

  it('agree on a resolver with no cache, and the verdict says so', async () => {
    const events = await probeRun((zone) => zone);
    const verdict = computeVerdict(events);
    expect(verdict.witnesses).toEqual({ compared: 3, disagreements: [] });
    expect(verdict.endpoints[0]).toMatchObject({ addresses: ['10.0.1.1', '10.0.1.2'], zoneAddresses: ['10.0.1.1', '10.0.1.2'] });
    const report = buildRunReport({ scenario: 's', target: 'local', runId: 'r', seed: 1, safeguards: [], expected: 'healthy' }, events);
    expect(renderVerdict(report).join('\n')).toContain("the resolver's answers matched the zone at all 3 probes that read both");
  });

  it('disagree when the resolver answers from its cache: the verdict names the probe, both answers and why', async () => {
    const events = await probeRun((zone) => new CachingResolver(zone));
    const verdict = computeVerdict(events);
    // The resolver still answers the one g1 load balancer it cached; the zone holds only g2's.
    const cached = verdict.endpoints[0]!.addresses;
    expect(cached).toHaveLength(1);
    expect(['10.0.0.1', '10.0.0.2']).toContain(cached[0]);
    expect(verdict.endpoints[0]!.zoneAddresses).toEqual(['10.0.1.1', '10.0.1.2']);
    expect(verdict.witnesses.disagreements).toEqual([
      {
        atMs: 2_000,
        endpoint: 'dynamodb.us-east-1',
        resolver: cached,
        zone: ['10.0.1.1', '10.0.1.2'],
        why: expect.stringMatching(/answered an address the zone did not hold: an answer still cached, or the change not yet propagated/),
      },
    ]);
    const report = buildRunReport({ scenario: 's', target: 'aws', runId: 'r', seed: 1, safeguards: [], expected: 'healthy' }, events);
    const lines = renderVerdict(report).join('\n');
    expect(lines).toContain("the resolver's answer differed from the zone at 1 probe reading(s) of 3");
    expect(lines).toContain(`+2.0s dynamodb.us-east-1: resolver ${cached[0]}; zone 10.0.1.1, 10.0.1.2`);
    expect(lines).toContain('the last probe disagreed');
    // The after-action report words its verdict the same way.
    expect(renderAfterAction(report, 'markdown')).toContain(`- +2.0s dynamodb.us-east-1: resolver ${cached[0]}; zone 10.0.1.1, 10.0.1.2`);
  });

  it('disagree when the resolver holds a negative answer while the zone holds addresses', async () => {
    // A resolver that cached "nothing there" (the NXDOMAIN a probe at t0 would have cached, had it asked).
    const events = await probeRun(() => ({ resolve4: async () => [] }));
    const { disagreements } = computeVerdict(events).witnesses;
    expect(disagreements.map((d) => [d.atMs, d.why])).toEqual([
      [1_000, expect.stringContaining('a negative answer still cached')],
      [2_000, expect.stringContaining('a negative answer still cached')],
    ]);
  });

  it('reads no zone where the Probe cannot reach the Route 53 API, and then asks the resolver for every endpoint', async () => {
    let asked = 0;
    const events = await probeRun((zone) => ({ resolve4: (name) => ((asked += 1), zone.resolve4(name)) }), false);
    expect(events.filter((event) => event.zoneAddresses)).toEqual([]);
    expect(asked).toBe(3 * 4);
    expect(computeVerdict(events).witnesses).toEqual({ compared: 0, disagreements: [] });
  });
});

describe("the lab zone's SOA", () => {
  it('keeps every field Route 53 made but the last, which becomes the negative TTL', () => {
    expect(labSoaValue('ns-1536.awsdns-00.co.uk. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400')).toBe(
      `ns-1536.awsdns-00.co.uk. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 ${NEGATIVE_TTL_SECONDS}`,
    );
    expect(() => labSoaValue('not an soa')).toThrow(/not an SOA value/);
  });
});

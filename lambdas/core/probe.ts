// The Probe: asks DNS (not the Route 53 API) what each endpoint resolves to,
// which is what a DynamoDB client in the region would have seen; and, as a
// second witness, reads what the zone holds through the Route 53 API, which
// no resolver cache stands in front of.
import type { RecordSet } from './dns-records.ts';
import { endpointName } from './dns-tree.ts';
import type { DnsZone, Resolver } from './ports.ts';

export type EndpointAddresses = Record<string, string[]>;

/** One probe: what the resolver answered and what the zone held, per endpoint. */
export interface ProbeReading {
  /** The resolver's answers; [] for an endpoint whose alias the zone did not hold (not asked). */
  addresses: EndpointAddresses;
  /** The addresses the zone held: the records of the tree each endpoint's alias points at. */
  zoneAddresses: EndpointAddresses;
}

/**
 * Weighted record sets answer one load balancer per query, so the Probe asks
 * up to `samples` times and reports every address it saw. Given what the zone
 * holds (`expected`), it stops asking once every one of those addresses has
 * answered: the later samples could only repeat them, unless a stale answer
 * (cached, or not yet propagated) turns up among fresh ones, which a probe that
 * asked all its samples could still catch. Without `expected`, it asks all.
 */
export async function probeEndpoints(
  resolver: Resolver,
  endpoints: string[],
  zone: string,
  samples: number,
  expected?: EndpointAddresses,
): Promise<EndpointAddresses> {
  const result: EndpointAddresses = {};
  for (const endpoint of endpoints) {
    const seen = new Set<string>();
    const wanted = expected?.[endpoint];
    const unseen = () => (wanted ? wanted.filter((address) => !seen.has(address)).length : samples);
    for (let asked = 0; asked < samples && (asked === 0 || unseen() > 0);) {
      // Samples go out together: a probe is one instant, not a sweep across time; as many as addresses are still unseen.
      const batch = Math.min(samples - asked, Math.max(1, unseen()));
      const answers = await Promise.all(Array.from({ length: batch }, () => resolver.resolve4(endpointName(endpoint, zone))));
      for (const address of answers.flat()) seen.add(address);
      asked += batch;
    }
    result[endpoint] = [...seen].sort();
  }
  return result;
}

/**
 * Reads the zone first (one read of every record set), then asks the resolver
 * only for the endpoints whose alias the zone holds: a name that does not
 * exist yet is never asked, so no resolver holds an NXDOMAIN for it. It asks
 * until the resolver has answered every address the zone holds, `samples` at most.
 */
export async function probeWithZone(resolver: Resolver, dns: DnsZone, endpoints: string[], zone: string, samples: number): Promise<ProbeReading> {
  const records = await dns.recordsUnder(zone);
  const zoneAddresses = Object.fromEntries(endpoints.map((endpoint) => [endpoint, zoneAddressesOf(records, endpointName(endpoint, zone)) ?? []]));
  const asked = endpoints.filter((endpoint) => records.some((record) => record.name === endpointName(endpoint, zone) && record.type === 'A'));
  const answered = await probeEndpoints(resolver, asked, zone, samples, zoneAddresses);
  return { addresses: Object.fromEntries(endpoints.map((endpoint) => [endpoint, answered[endpoint] ?? []])), zoneAddresses };
}

/** Alias chains longer than this are cut short, as DNS cuts them. */
const MAX_ALIAS_DEPTH = 8;

/**
 * The addresses a name's A records hold, following aliases; undefined when the
 * name has no A record set. Weight 0 records answer only when every record of
 * the group is at 0 (Route 53's rule), so they count only then.
 */
export function zoneAddressesOf(records: readonly RecordSet[], name: string): string[] | undefined {
  let sets = records.filter((record) => record.name === name && record.type === 'A');
  if (sets.length === 0) return undefined;
  for (let depth = 0; depth < MAX_ALIAS_DEPTH; depth += 1) {
    const target = sets.length === 1 ? sets[0]?.alias?.target : undefined;
    if (target === undefined) break;
    sets = records.filter((record) => record.name === target && record.type === 'A');
  }
  const concrete = sets.filter((set) => !set.alias);
  const live = concrete.some((set) => (set.weight ?? 1) > 0) ? concrete.filter((set) => (set.weight ?? 1) > 0) : concrete;
  return [...new Set(live.flatMap((set) => set.values))].sort();
}

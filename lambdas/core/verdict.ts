// The verdict of a run, computed from its events alone so that every target
// (embedded, LocalStack, AWS) is judged the same way.
import { byTime, type RunEvent } from './events.ts';

export const OUTCOMES = ['outage', 'healthy'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface EndpointVerdict {
  endpoint: string;
  /** Addresses at the last probe. */
  addresses: string[];
  /** Milliseconds after the run started when the endpoint, having answered, first answered empty; null if never. */
  firstEmptyAtMs: number | null;
  /** It went empty, and a later probe found it answering again. */
  repaired: boolean;
  /** Addresses the zone held at the last probe (the second witness); null when no probe read the zone. */
  zoneAddresses: string[] | null;
}

/** A probe where what the resolver answered is not what the zone held. */
export interface WitnessDisagreement {
  atMs: number;
  endpoint: string;
  resolver: string[];
  zone: string[];
  why: string;
}

export interface Verdict {
  outcome: Outcome;
  endpoints: EndpointVerdict[];
  /** Enactor steps that ended stuck (the active tree gone, so no rollback record), in order. */
  stuck: { actor: string; atMs: number; endpoint?: string; detail?: string }[];
  /** The last Enactor apply ended stuck: the automation cannot repair. */
  automationStuck: boolean;
  /** The two witnesses: how many probes read the zone as well, and where the resolver's answer differed from it. */
  witnesses: { compared: number; disagreements: WitnessDisagreement[] };
  startedAt: number;
}

/**
 * Why a resolver's answer differs from the zone it resolves, or undefined when
 * they agree. A weighted record set answers one record per query, so answering
 * some of the zone's addresses agrees; answering nothing while the zone holds
 * some, or an address it does not hold, is an older state of the zone: a cache
 * (record TTL, or the SOA's negative TTL), or Route 53 not yet having
 * propagated the change to its DNS servers.
 */
export function witnessDisagreement(resolver: readonly string[], zone: readonly string[]): string | undefined {
  if (resolver.length === 0 && zone.length > 0)
    return 'the resolver answered nothing while the zone held addresses: a negative answer still cached, or the change not yet propagated';
  const held = new Set(zone);
  if (resolver.some((address) => !held.has(address)))
    return 'the resolver answered an address the zone did not hold: an answer still cached, or the change not yet propagated';
  return undefined;
}

export function computeVerdict(events: readonly RunEvent[]): Verdict {
  const ordered = [...events].sort(byTime);
  const startedAt = ordered[0]?.at ?? 0;
  const probes = ordered.filter((event) => event.addresses);
  const endpoints = new Map<string, EndpointVerdict>();
  const disagreements: WitnessDisagreement[] = [];
  for (const probe of probes) {
    for (const [endpoint, addresses] of Object.entries(probe.addresses!)) {
      const known = endpoints.get(endpoint);
      const verdict = known ?? { endpoint, addresses, firstEmptyAtMs: null, repaired: false, zoneAddresses: null };
      const zone = probe.zoneAddresses?.[endpoint];
      if (zone) {
        verdict.zoneAddresses = zone;
        const why = witnessDisagreement(addresses, zone);
        if (why) disagreements.push({ atMs: probe.at - startedAt, endpoint, resolver: addresses, zone, why });
      }
      // Empty before the first plan was ever applied is not an outage; empty after answering is.
      const answeredBefore = known !== undefined && (known.addresses.length > 0 || known.firstEmptyAtMs !== null);
      if (addresses.length === 0 && answeredBefore && verdict.firstEmptyAtMs === null) verdict.firstEmptyAtMs = probe.at - startedAt;
      if (addresses.length > 0 && verdict.firstEmptyAtMs !== null) verdict.repaired = true;
      if (addresses.length === 0) verdict.repaired = false;
      verdict.addresses = addresses;
      endpoints.set(endpoint, verdict);
    }
  }
  const applies = ordered.filter((event) => event.step === 'apply' && (event.outcome === 'applied' || event.outcome === 'stuck'));
  const stuck = applies
    .filter((event) => event.outcome === 'stuck')
    .map((event) => ({ actor: event.actor, atMs: event.at - startedAt, endpoint: event.endpoint, detail: event.detail }));
  const list = [...endpoints.values()];
  return {
    outcome: list.some((endpoint) => endpoint.addresses.length === 0) ? 'outage' : 'healthy',
    endpoints: list,
    stuck,
    automationStuck: applies.at(-1)?.outcome === 'stuck',
    witnesses: { compared: probes.filter((probe) => probe.zoneAddresses).length, disagreements },
    startedAt,
  };
}

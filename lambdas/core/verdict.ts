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
}

export interface Verdict {
  outcome: Outcome;
  endpoints: EndpointVerdict[];
  /** Enactor steps that ended stuck (the active tree gone, so no rollback record), in order. */
  stuck: { actor: string; atMs: number; endpoint?: string; detail?: string }[];
  /** The last Enactor apply ended stuck: the automation cannot repair. */
  automationStuck: boolean;
  startedAt: number;
}

export function computeVerdict(events: readonly RunEvent[]): Verdict {
  const ordered = [...events].sort(byTime);
  const startedAt = ordered[0]?.at ?? 0;
  const probes = ordered.filter((event) => event.addresses);
  const endpoints = new Map<string, EndpointVerdict>();
  for (const probe of probes) {
    for (const [endpoint, addresses] of Object.entries(probe.addresses!)) {
      const known = endpoints.get(endpoint);
      const verdict = known ?? { endpoint, addresses, firstEmptyAtMs: null, repaired: false };
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
    startedAt,
  };
}

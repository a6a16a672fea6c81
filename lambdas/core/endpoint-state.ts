// What an Enactor reads about one endpoint before it writes: the CNAME (and
// so the generation it points at) and the lock record.
import type { RecordSet } from './dns-records.ts';
import { endpointName, generationOfTarget, lockName } from './dns-tree.ts';
import type { DnsZone } from './ports.ts';

export interface EndpointState {
  endpoint: string;
  cname?: RecordSet;
  /** The generation the CNAME points at; undefined before any plan was applied. */
  generation?: number;
  lock?: RecordSet;
}

export async function readCname(dns: DnsZone, endpoint: string, zone: string): Promise<RecordSet | undefined> {
  return (await dns.recordsAt(endpointName(endpoint, zone))).find((record) => record.type === 'CNAME');
}

export function cnameGeneration(cname: RecordSet | undefined): number | undefined {
  const target = cname?.values[0];
  return target === undefined ? undefined : generationOfTarget(target);
}

export async function readEndpointState(dns: DnsZone, endpoint: string, zone: string): Promise<EndpointState> {
  const cname = await readCname(dns, endpoint, zone);
  const lock = (await dns.recordsAt(lockName(endpoint, zone))).find((record) => record.type === 'TXT');
  return { endpoint, cname, generation: cnameGeneration(cname), lock };
}

/**
 * The generation of the endpoint furthest behind, or undefined if one has no
 * plan yet: the one-time check asks whether the plan is newer than what is
 * applied anywhere. (Comparing with the newest endpoint instead would leave an
 * endpoint behind forever after a partial apply — the explorer found that.)
 */
export async function oldestAppliedGeneration(dns: DnsZone, endpoints: string[], zone: string): Promise<number | undefined> {
  let oldest: number | undefined;
  for (const endpoint of endpoints) {
    const generation = cnameGeneration(await readCname(dns, endpoint, zone));
    if (generation === undefined) return undefined;
    if (oldest === undefined || generation < oldest) oldest = generation;
  }
  return oldest;
}

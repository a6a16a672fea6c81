// The Probe: asks DNS (not the Route 53 API) what each endpoint resolves to,
// which is what a DynamoDB client in the region would have seen.
import { endpointName } from './dns-tree.ts';
import type { Resolver } from './ports.ts';

export type EndpointAddresses = Record<string, string[]>;

/**
 * Weighted record sets answer one load balancer per query, so the Probe asks
 * `samples` times and reports every address it saw.
 */
export async function probeEndpoints(resolver: Resolver, endpoints: string[], zone: string, samples: number): Promise<EndpointAddresses> {
  const result: EndpointAddresses = {};
  for (const endpoint of endpoints) {
    // Samples go out together: a probe is one instant, not a sweep across time.
    const answers = await Promise.all(Array.from({ length: samples }, () => resolver.resolve4(endpointName(endpoint, zone))));
    result[endpoint] = [...new Set(answers.flat())].sort();
  }
  return result;
}

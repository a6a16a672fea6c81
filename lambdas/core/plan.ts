// A DNS plan: one generation of load-balancer weights, shared by several
// endpoints (regional, FIPS, IPv6-style), as the postmortem describes.

export interface LoadBalancer {
  id: string;
  address: string;
  weight: number;
}

export interface Plan {
  /** Monotonic: the Planner only ever writes newest + 1. */
  generation: number;
  createdAt: number;
  endpoints: string[];
  loadBalancers: LoadBalancer[];
}

/** Addresses a plan makes resolvable: load balancers with a positive weight. */
export function liveAddresses(plan: Pick<Plan, 'loadBalancers'>): string[] {
  return plan.loadBalancers.filter((lb) => lb.weight > 0).map((lb) => lb.address);
}

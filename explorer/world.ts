// The shared state the actors race over: the zone model behind the embedded
// Route 53 endpoint and an in-memory plan store with DynamoDB's semantics.
import { endpointName } from '../lambdas/core/dns-tree.ts';
import { cnameGeneration } from '../lambdas/core/endpoint-state.ts';
import { MemoryPlanStore } from '../local/memory-plan-store.ts';
import { ZoneRecords } from '../local/route53/zone-model.ts';
import { EXPLORER_ZONE } from './config.ts';

export class World {
  constructor(
    readonly zone: ZoneRecords = ZoneRecords.withApexRecords(EXPLORER_ZONE),
    readonly store: MemoryPlanStore = new MemoryPlanStore(),
  ) {}

  clone(): World {
    return new World(this.zone.clone(), this.store.clone());
  }

  fingerprint(): string {
    return `${this.zone.fingerprint()}\n#${this.store.fingerprint()}`;
  }

  /** The generation an endpoint's CNAME points at. */
  pointsAt(endpoint: string): number | undefined {
    return cnameGeneration(this.zone.lookup(endpointName(endpoint, EXPLORER_ZONE), 'CNAME')[0]);
  }

  /** What DNS answers for the endpoint: the addresses under its CNAME target. */
  addresses(endpoint: string): string[] {
    const target = this.zone.lookup(endpointName(endpoint, EXPLORER_ZONE), 'CNAME')[0]?.values[0];
    if (!target) return [];
    return this.zone
      .lookup(target, 'A')
      .filter((record) => (record.weight ?? 1) > 0)
      .flatMap((record) => record.values)
      .sort();
  }
}

// The shared state the actors race over: the zone model behind the embedded
// Route 53 endpoint and an in-memory plan store with DynamoDB's semantics.
import { endpointName, planTreeName, pointedGeneration } from '../lambdas/core/dns-tree.ts';
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

  /** The generation whose tree an endpoint's alias points at. */
  pointsAt(endpoint: string): number | undefined {
    return pointedGeneration(this.zone.lookup(endpointName(endpoint, EXPLORER_ZONE), 'A')[0]);
  }

  /** Whether a plan's tree under an endpoint still has records. */
  treeExists(endpoint: string, generation: number): boolean {
    return this.zone.lookup(planTreeName(endpoint, generation, EXPLORER_ZONE), 'A').length > 0;
  }

  /** What DNS answers for the endpoint (the embedded DNS server's own logic): every address it can give. */
  addresses(endpoint: string): string[] {
    const target = this.zone.lookup(endpointName(endpoint, EXPLORER_ZONE), 'A')[0]?.alias?.target;
    if (!target) return [];
    const sets = this.zone.lookup(target, 'A');
    // Route 53 answers weight-0 sets only when every set of the group is at 0.
    const live = sets.some((record) => (record.weight ?? 1) > 0) ? sets.filter((record) => (record.weight ?? 1) > 0) : sets;
    return live.flatMap((record) => record.values).sort();
  }
}

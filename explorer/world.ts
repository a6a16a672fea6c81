// The shared state the actors race over: the zone model behind the embedded
// Route 53 endpoint and an in-memory plan store with DynamoDB's semantics.
import { endpointName, planTreeName, pointedGeneration } from '../lambdas/core/dns-tree.ts';
import { MemoryPlanStore } from '../local/memory-plan-store.ts';
import { ZoneRecords } from '../local/route53/zone-model.ts';
import { EXPLORER_ZONE } from './config.ts';

/** What the zone answered, by question, at one version of the zone. */
interface Answers {
  version: number;
  byQuestion: Map<string, unknown>;
}

export class World {
  /**
   * The invariants ask the same questions of the zone before and after every step, and most steps leave it as it
   * was: the answers are kept while the zone's version stays. A clone shares them until either zone changes.
   */
  private answers: Answers = { version: -1, byQuestion: new Map() };

  constructor(
    readonly zone: ZoneRecords = ZoneRecords.withApexRecords(EXPLORER_ZONE),
    readonly store: MemoryPlanStore = new MemoryPlanStore(),
  ) {}

  clone(): World {
    const copy = new World(this.zone.clone(), this.store.clone());
    copy.answers = this.answers;
    return copy;
  }

  fingerprint(): string {
    return `${this.zone.fingerprint()}\n#${this.store.fingerprint()}`;
  }

  /** The generation whose tree an endpoint's alias points at. */
  pointsAt(endpoint: string): number | undefined {
    return this.answer(`points ${endpoint}`, () => pointedGeneration(this.zone.lookup(endpointName(endpoint, EXPLORER_ZONE), 'A')[0]));
  }

  /** Whether a plan's tree under an endpoint still has records. */
  treeExists(endpoint: string, generation: number): boolean {
    return this.answer(`tree ${endpoint} ${generation}`, () => this.zone.lookup(planTreeName(endpoint, generation, EXPLORER_ZONE), 'A').length > 0);
  }

  /** What DNS answers for the endpoint (the embedded DNS server's own logic): every address it can give. */
  addresses(endpoint: string): string[] {
    return [...this.answer(`addresses ${endpoint}`, () => this.resolve(endpoint))];
  }

  private resolve(endpoint: string): string[] {
    const target = this.zone.lookup(endpointName(endpoint, EXPLORER_ZONE), 'A')[0]?.alias?.target;
    if (!target) return [];
    const sets = this.zone.lookup(target, 'A');
    // Route 53 answers weight-0 sets only when every set of the group is at 0.
    const live = sets.some((record) => (record.weight ?? 1) > 0) ? sets.filter((record) => (record.weight ?? 1) > 0) : sets;
    return live.flatMap((record) => record.values).sort();
  }

  /** The zone's answer to a question, asked again only once the zone has changed (its version counts every change). */
  private answer<T>(question: string, ask: () => T): T {
    const { version } = this.zone;
    if (this.answers.version !== version) this.answers = { version, byQuestion: new Map() };
    const { byQuestion } = this.answers;
    if (byQuestion.has(question)) return byQuestion.get(question) as T;
    const answer = ask();
    byQuestion.set(question, answer);
    return answer;
  }
}

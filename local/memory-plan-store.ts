// PlanStore in memory, with the same conditional semantics as the DynamoDB
// adapter (a contract test runs both). For the explorer and fast domain tests.
import { PlanExists } from '../lambdas/core/errors.ts';
import type { Plan } from '../lambdas/core/plan.ts';
import type { PlanStore } from '../lambdas/core/ports.ts';

export class MemoryPlanStore implements PlanStore {
  readonly plans = new Map<number, Plan>();
  readonly fences = new Map<string, { generation: number; enactor: string }>();
  private counter = 0;

  /** A deep copy: the explorer forks the world at every branch. */
  clone(): MemoryPlanStore {
    const copy = new MemoryPlanStore();
    for (const [generation, plan] of this.plans) copy.plans.set(generation, plan);
    for (const [endpoint, fence] of this.fences) copy.fences.set(endpoint, fence);
    copy.counter = this.counter;
    return copy;
  }

  /**
   * The content as a deterministic string, for the explorer's state hashing.
   * Plans are identified by generation: their content is a function of it.
   */
  fingerprint(): string {
    const plans = [...this.plans.keys()].sort((a, b) => a - b).join(',');
    const fences = [...this.fences]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([endpoint, f]) => `${endpoint}=${f.generation}`)
      .join(',');
    return `${this.counter}|${plans}|${fences}`;
  }

  async nextGeneration(): Promise<number> {
    return ++this.counter;
  }

  async generationCounter(): Promise<number> {
    return this.counter;
  }

  async raiseGenerationCounter(generation: number): Promise<void> {
    this.counter = Math.max(this.counter, generation);
  }

  // Plans are copied in and out, never mutated in place, so clones may share them.
  async putPlan(plan: Plan): Promise<void> {
    if (this.plans.has(plan.generation)) throw new PlanExists(plan.generation);
    this.plans.set(plan.generation, structuredClone(plan));
  }

  async newestPlan(): Promise<Plan | undefined> {
    const newest = Math.max(...this.plans.keys());
    return this.plans.has(newest) ? structuredClone(this.plans.get(newest)) : undefined;
  }

  async getPlan(generation: number): Promise<Plan | undefined> {
    const plan = this.plans.get(generation);
    return plan && structuredClone(plan);
  }

  async listGenerations(): Promise<number[]> {
    return [...this.plans.keys()].sort((a, b) => a - b);
  }

  async deletePlan(generation: number): Promise<void> {
    this.plans.delete(generation);
  }

  async advanceFence(endpoint: string, generation: number, enactor: string): Promise<boolean> {
    const fence = this.fences.get(endpoint);
    if (fence && fence.generation > generation) return false;
    this.fences.set(endpoint, { generation, enactor });
    return true;
  }
}

// The cascade table in memory, for the in-memory lab; held to the DynamoDB
// adapter's behaviour by test/contract/cascade-store.test.ts.
import { applyChange } from '../lambdas/core/cascade/operator.ts';
import type { CascadeStore, ControlChange } from '../lambdas/core/cascade/ports.ts';
import { INITIAL_CONTROLS, type Controls } from '../lambdas/core/cascade/settings.ts';

export class MemoryCascadeStore implements CascadeStore {
  private readonly runs = new Map<string, { leases?: number[]; controls: Controls }>();

  private run(runId: string) {
    let run = this.runs.get(runId);
    if (!run) this.runs.set(runId, (run = { controls: { ...INITIAL_CONTROLS } }));
    return run;
  }

  async read(runId: string, droplets: number): Promise<{ leases?: number[]; controls: Controls }> {
    const { leases, controls } = this.run(runId);
    return { ...(leases ? { leases: leases.slice(0, droplets) } : {}), controls: { ...controls } };
  }

  async writeLeases(runId: string, leases: readonly number[]): Promise<void> {
    this.run(runId).leases = [...leases];
  }

  async changeControls(runId: string, change: ControlChange): Promise<Controls> {
    const run = this.run(runId);
    run.controls = applyChange(run.controls, change);
    return { ...run.controls };
  }
}

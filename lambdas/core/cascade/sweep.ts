// Where the metastable region lies: the cascade replayed over a grid of
// settings (fleet size × attempt timeout), on the DNS a run's race left and
// the operator's switches as it played them. Each cell is one in-process
// simulation (lambdas/core/cascade/simulate.ts), about a tenth of a second.
import { simulateCascade } from './simulate.ts';
import type { CascadeLever, CascadeSettings, Controls } from './settings.ts';

export interface SweepAxes {
  droplets: readonly number[];
  attemptTimeoutSeconds: readonly number[];
}

export interface SweepCell {
  droplets: number;
  attemptTimeoutSeconds: number;
  metastable: boolean;
  /** Seconds from DNS's return until every droplet held a lease again; null if some never did. */
  leasesBackAfterSeconds: number | null;
  recoveredAtSeconds: number | null;
}

export interface SweepScript {
  settings: CascadeSettings;
  reachable(second: number): boolean;
  controls(second: number): Controls;
  levers: readonly CascadeLever[];
  seed: number;
}

export function sweepCascade(script: SweepScript, axes: SweepAxes, onCell?: (cell: SweepCell, done: number, total: number) => void): SweepCell[] {
  const cells: SweepCell[] = [];
  const total = axes.droplets.length * axes.attemptTimeoutSeconds.length;
  for (const droplets of axes.droplets) {
    for (const attemptTimeoutSeconds of axes.attemptTimeoutSeconds) {
      const settings = { ...script.settings, droplets, dwfm: { ...script.settings.dwfm, attemptTimeoutSeconds } };
      const { ticks, verdict } = simulateCascade({ ...script, settings });
      const back = verdict.dnsBackAtSeconds;
      const leased = back === null ? undefined : ticks.find((tick) => tick.second >= back && tick.dwfm.backlog === 0);
      const cell = {
        droplets,
        attemptTimeoutSeconds,
        metastable: verdict.metastable,
        leasesBackAfterSeconds: back === null ? 0 : leased ? leased.second - back : null,
        recoveredAtSeconds: verdict.recoveredAtSeconds,
      };
      cells.push(cell);
      onCell?.(cell, cells.length, total);
    }
  }
  return cells;
}

// The cascade's part of a run report, from the run's events alone: each
// subsystem's tick events back into ticks, the series `run --json` prints,
// and the verdict (lambdas/core/cascade/verdict.ts).
import type { CascadeSettings } from '../lambdas/core/cascade/settings.ts';
import { judgeCascade, type CascadeTickRecord, type CascadeVerdict } from '../lambdas/core/cascade/verdict.ts';
import { CASCADE_ACTORS, type RunEvent } from '../lambdas/core/events.ts';

export interface CascadeReport extends CascadeVerdict {
  /** Per tick (its start second): each subsystem's figures. */
  series: {
    atSeconds: number[];
    /** DWFM: droplets with a valid lease, leases established per second (goodput), droplets still owed a lease. */
    validLeases: number[];
    goodput: number[];
    backlog: number[];
    /** EC2: the share of launches asked for that succeeded. */
    launchSuccess: number[];
    /** Network Manager: the longest wait for connectivity in the tick. */
    propagationDelaySeconds: number[];
    /** NLB: the least share of its nodes in service during the tick. */
    nlbCapacity: number[];
  };
  /** Each subsystem's phase changes, in order: [second, subsystem, phase]. */
  phases: { atSeconds: number; subsystem: string; phase: string }[];
}

/** The ticks every subsystem recorded, in order; a tick missing a subsystem's event (a failed Task) is left out. */
export function cascadeTicksOf(events: readonly RunEvent[]): CascadeTickRecord[] {
  const byTick = new Map<number, Partial<Record<string, RunEvent>>>();
  for (const event of events) {
    if (event.step !== 'tick' || event.metrics?.tick === undefined) continue;
    const tick = byTick.get(event.metrics.tick) ?? {};
    tick[event.actor] = event;
    byTick.set(event.metrics.tick, tick);
  }
  // An event's figures are the ones TICK_FIGURES wrote; its outcome is the phase.
  const reading = (event: RunEvent) => ({ ...event.metrics, phase: event.outcome }) as never;
  return [...byTick.entries()]
    .filter(([, tick]) => CASCADE_ACTORS.every((actor) => tick[actor]))
    .sort(([a], [b]) => a - b)
    .map(([second, tick]) => ({
      second,
      dwfm: reading(tick.dwfm!),
      launcher: reading(tick.launcher!),
      network: reading(tick.network!),
      nlb: reading(tick.nlb!),
    }));
}

export function cascadeReport(events: readonly RunEvent[], settings: CascadeSettings): CascadeReport {
  const ticks = cascadeTicksOf(events);
  const phases: CascadeReport['phases'] = [];
  const last = new Map<string, string>();
  for (const tick of ticks) {
    for (const subsystem of CASCADE_ACTORS) {
      const phase = tick[subsystem].phase;
      if (last.get(subsystem) !== phase) phases.push({ atSeconds: tick.second, subsystem, phase });
      last.set(subsystem, phase);
    }
  }
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return {
    ...judgeCascade(ticks, settings),
    series: {
      atSeconds: ticks.map((t) => t.second),
      validLeases: ticks.map((t) => t.dwfm.validLeases),
      goodput: ticks.map((t) => round(t.dwfm.established / settings.tickSeconds)),
      backlog: ticks.map((t) => t.dwfm.backlog),
      launchSuccess: ticks.map((t) => (t.launcher.requested ? round(t.launcher.launched / t.launcher.requested) : 1)),
      propagationDelaySeconds: ticks.map((t) => t.network.delaySeconds),
      nlbCapacity: ticks.map((t) => round(t.nlb.capacity)),
    },
    phases,
  };
}

// The cascade in one process, tick after tick, with DNS and the operator
// given as functions of time: what the sweep and the property tests run.
// A scenario's run drives the same ticks through the state machine instead,
// where DNS is what the race left and the operator acts through the lab.
import { cascadeTick, initialCascadeStates, type CascadeTickResults } from './chain.ts';
import type { CascadeLever, CascadeSettings, Controls } from './settings.ts';
import { judgeCascade, tickRecord, type CascadeTickRecord, type CascadeVerdict } from './verdict.ts';

export interface CascadeScript {
  settings: CascadeSettings;
  /** DNS answers the endpoint at the start of the tick beginning at this second. */
  reachable(second: number): boolean;
  /** The operator's switches at this second. */
  controls(second: number): Controls;
  levers: readonly CascadeLever[];
  seed: number;
  /** Each tick's results as they come (the exercise stabilize judges DWFM's seconds, which the tick records sum up). */
  onTick?(fromSecond: number, results: CascadeTickResults): void;
}

export function simulateCascade(script: CascadeScript): { ticks: CascadeTickRecord[]; verdict: CascadeVerdict } {
  const { settings } = script;
  let states = initialCascadeStates(settings);
  let leases: number[] | undefined;
  const ticks: CascadeTickRecord[] = [];
  for (let from = settings.startSeconds; from < settings.untilSeconds; from += settings.tickSeconds) {
    const to = Math.min(from + settings.tickSeconds, settings.untilSeconds);
    const reachable = script.reachable(from);
    const next = cascadeTick(states, {
      fromSecond: from,
      toSecond: to,
      reachable,
      leases: reachable ? leases : undefined,
      controls: script.controls(from),
      levers: script.levers,
      settings,
      seed: script.seed,
    });
    states = next.states;
    if (next.results.dwfm.leases) leases = next.results.dwfm.leases;
    script.onTick?.(from, next.results);
    ticks.push(tickRecord(from, next.results));
  }
  return { ticks, verdict: judgeCascade(ticks, settings) };
}

// What a sweep replays the cascade on: the DNS as DWFM found it each tick,
// and the operator's switches as they were set, both read from a run's events.
import { applyChange, changeOf } from '../lambdas/core/cascade/operator.ts';
import type { ControlChange } from '../lambdas/core/cascade/ports.ts';
import { INITIAL_CONTROLS, OPERATOR_ACTIONS, type Controls, type OperatorAction } from '../lambdas/core/cascade/settings.ts';
import type { RunEvent } from '../lambdas/core/events.ts';

export interface CascadeConditions {
  reachable(second: number): boolean;
  controls(second: number): Controls;
}

const isAction = (value: string | undefined): value is OperatorAction => (OPERATOR_ACTIONS as readonly (string | undefined)[]).includes(value);

/** From a run's events, with their times in seconds after scenario second 0. */
export function cascadeConditions(events: readonly (RunEvent & { atSeconds: number })[]): CascadeConditions {
  const unreachable = new Set(events.filter((e) => e.actor === 'dwfm' && e.step === 'tick' && e.outcome === 'unreachable').map((e) => e.metrics?.tick));
  // A switch's step records its action as its detail; DWFM sees it from the first tick that starts after it.
  const switches: { at: number; change: ControlChange }[] = [];
  for (const event of events) {
    const change = event.actor === 'operator' && isAction(event.detail) ? changeOf(event.detail) : undefined;
    if (change) switches.push({ at: event.atSeconds, change });
  }
  return {
    reachable: (second) => !unreachable.has(second),
    controls: (second) => switches.filter((s) => s.at <= second).reduce<Controls>((controls, { change }) => applyChange(controls, change), INITIAL_CONTROLS),
  };
}

// The operator's steps: what each records, and what each does to the
// cascade's switches. `repair` is the DNS repair (lambdas/core/repair.ts),
// run as a scenario step; `freeze` and `unfreeze` throw and release the DNS
// automation's kill switch (lambdas/core/kill-switch.ts). None of the three
// changes a switch of the cascade.
import type { EventOutcome } from '../events.ts';
import type { ControlChange } from './ports.ts';
import type { Controls, OperatorAction } from './settings.ts';

export const OPERATOR_STEPS = {
  repair: { outcome: 'repaired' },
  freeze: { outcome: 'frozen' },
  unfreeze: { outcome: 'unfrozen' },
  throttle: { outcome: 'throttled', change: { throttled: true } },
  'restart-dwfm': { outcome: 'restarted', change: { restart: true } },
  'disable-failover': { outcome: 'failover-disabled', change: { failoverDisabled: true } },
  'relax-throttles': { outcome: 'throttles-relaxed', change: { throttled: false } },
  'enable-failover': { outcome: 'failover-enabled', change: { failoverDisabled: false } },
} as const satisfies Record<OperatorAction, { outcome: EventOutcome; change?: ControlChange }>;

/** What a step changes in the switches; none for `repair`, `freeze` and `unfreeze`. */
export function changeOf(action: OperatorAction): ControlChange | undefined {
  const step: { outcome: EventOutcome; change?: ControlChange } = OPERATOR_STEPS[action];
  return step.change;
}

/** The switches after a change: the flags it sets, and one more restart if it restarts. */
export function applyChange(controls: Controls, change: ControlChange): Controls {
  const { restart, ...flags } = change;
  return { ...controls, ...flags, restarts: controls.restarts + (restart ? 1 : 0) };
}

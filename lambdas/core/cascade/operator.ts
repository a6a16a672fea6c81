// The operator's steps: what each records, and what each does to the
// cascade's switches. `repair` is the DNS repair (lambdas/core/repair.ts),
// run as a scenario step; it changes no switch.
import type { EventOutcome } from '../events.ts';
import type { ControlChange } from './ports.ts';
import type { OperatorAction } from './settings.ts';

export const OPERATOR_STEPS = {
  repair: { outcome: 'repaired' },
  throttle: { outcome: 'throttled', change: { throttled: true } },
  'restart-dwfm': { outcome: 'restarted', change: { restart: true } },
  'disable-failover': { outcome: 'failover-disabled', change: { failoverDisabled: true } },
  'relax-throttles': { outcome: 'throttles-relaxed', change: { throttled: false } },
  'enable-failover': { outcome: 'failover-enabled', change: { failoverDisabled: false } },
} as const satisfies Record<OperatorAction, { outcome: EventOutcome; change?: ControlChange }>;

// EC2 launches: customers keep asking for instances. A launch needs a droplet
// with a valid lease, so while DWFM's leases are lapsed launches fail with
// InsufficientCapacity (the postmortem's "insufficient capacity errors");
// while the operator throttles, launches over the allowed rate get
// RequestLimitExceeded. Fractions carry over from second to second, so the
// counts are whole and the same on every run.
import type { CascadeSettings, Controls } from './settings.ts';

export interface LauncherState {
  /** Requests owed from fractional rates. */
  asked: number;
  /** Successes owed from the fraction of the fleet with a lease. */
  placed: number;
  /** The last tick's launches were limited. */
  limited?: boolean;
}

/** A tick event's detail when every launch succeeds again after a throttle: the operator's re-enabling of failover waits for it. */
export const LAUNCHES_FULL_RATE = 'full rate again';

export const INITIAL_LAUNCHER_STATE: LauncherState = Object.freeze({ asked: 0, placed: 0 });

export interface LaunchSecond {
  second: number;
  requested: number;
  launched: number;
  insufficientCapacity: number;
  requestLimitExceeded: number;
}

export type LauncherPhase = 'launching' | 'insufficient-capacity' | 'request-limited';

export interface LauncherTickResult {
  state: LauncherState;
  seconds: LaunchSecond[];
  phase: LauncherPhase;
  /** Set on the tick launches run at the full rate again after a throttle. */
  note?: typeof LAUNCHES_FULL_RATE;
  requested: number;
  launched: number;
  insufficientCapacity: number;
  requestLimitExceeded: number;
}

export function launcherTick(
  previous: LauncherState,
  input: { validLeases: readonly { second: number; validLeases: number }[]; controls: Controls; settings: CascadeSettings },
): LauncherTickResult {
  const { launches, droplets } = input.settings;
  const state = { ...previous };
  const seconds = input.validLeases.map(({ second, validLeases }): LaunchSecond => {
    state.asked += launches.perSecond;
    const requested = Math.floor(state.asked);
    state.asked -= requested;
    const allowed = input.controls.throttled ? Math.min(requested, launches.throttledPerSecond) : requested;
    // A launch lands on a droplet with a lease: the share of the fleet that has one.
    state.placed += (allowed * validLeases) / droplets;
    const launched = Math.min(allowed, Math.floor(state.placed + 1e-9));
    state.placed = Math.max(0, state.placed - launched);
    if (validLeases === 0) state.placed = 0;
    return { second, requested, launched, insufficientCapacity: allowed - launched, requestLimitExceeded: requested - allowed };
  });
  const sum = (key: keyof Omit<LaunchSecond, 'second'>) => seconds.reduce((total, s) => total + s[key], 0);
  const result = {
    requested: sum('requested'),
    launched: sum('launched'),
    insufficientCapacity: sum('insufficientCapacity'),
    requestLimitExceeded: sum('requestLimitExceeded'),
  };
  const phase: LauncherPhase = result.insufficientCapacity > 0 ? 'insufficient-capacity' : result.requestLimitExceeded > 0 ? 'request-limited' : 'launching';
  state.limited = phase === 'request-limited';
  return { state, seconds, phase, ...(previous.limited && phase === 'launching' ? { note: LAUNCHES_FULL_RATE } : {}), ...result };
}

// Network Manager: every re-established lease and every launch queues
// network-state work, which it propagates first in, first out at a fixed
// rate. An instance is reachable once the work queued before it is done, so
// the delay grows with the backlog: after the leases came back, new instances
// launched without connectivity until the backlog drained (the postmortem:
// from 5:28 AM until 10:36 AM).
import type { CascadeSettings } from './settings.ts';

export interface NetworkState {
  /** Work units queued and not yet propagated. */
  backlog: number;
  /** The last tick was backlogged. */
  behind?: boolean;
}

/** A tick event's detail when propagation is normal again after a backlog: the operator's relaxing of the throttles waits for it. */
export const NETWORK_CAUGHT_UP = 'caught up';

export const INITIAL_NETWORK_STATE: NetworkState = Object.freeze({ backlog: 0 });

export interface NetworkSecond {
  second: number;
  backlog: number;
  /** How long an instance launched in this second waits for connectivity. */
  delaySeconds: number;
}

export type NetworkPhase = 'propagated' | 'backlogged';

export interface NetworkTickResult {
  state: NetworkState;
  seconds: NetworkSecond[];
  phase: NetworkPhase;
  /** Set on the tick propagation is normal again after a backlog. */
  note?: typeof NETWORK_CAUGHT_UP;
  /** The longest delay in the tick. */
  delaySeconds: number;
  backlog: number;
}

export function networkTick(
  previous: NetworkState,
  input: { established: readonly number[]; launched: readonly number[]; fromSecond: number; settings: CascadeSettings },
): NetworkTickResult {
  const { network } = input.settings;
  let backlog = previous.backlog;
  const seconds = input.launched.map((launched, i): NetworkSecond => {
    backlog += (input.established[i] ?? 0) * network.unitsPerLease + launched;
    const delaySeconds = Math.ceil(backlog / network.unitsPerSecond);
    backlog = Math.max(0, backlog - network.unitsPerSecond);
    return { second: input.fromSecond + i, backlog, delaySeconds };
  });
  const delaySeconds = Math.max(0, ...seconds.map((s) => s.delaySeconds));
  const behind = delaySeconds > network.normalDelaySeconds;
  return {
    state: { backlog, behind },
    seconds,
    phase: behind ? 'backlogged' : 'propagated',
    ...(previous.behind && !behind ? { note: NETWORK_CAUGHT_UP } : {}),
    delaySeconds,
    backlog,
  };
}

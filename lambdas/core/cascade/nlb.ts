// NLB: new instances are registered on the load balancer's nodes in turn,
// and a node whose newest instance has no connectivity yet fails its health
// check once it has been unreachable for longer than the check's grace. With automatic failover, failing nodes are taken out of service and
// put back as their checks pass: capacity goes back and forth while Network
// Manager is behind (the postmortem, from 5:30 AM), until engineers turned
// failover off (9:36 AM). Velocity control, which AWS added, bounds the share
// of nodes health checks may take out.
import type { CascadeLever, CascadeSettings, Controls } from './settings.ts';

export interface NlbState {
  /** Per node: the scenario second its newest instance becomes reachable. */
  reachableAt: number[];
  /** Per node: when its newest instance was registered. */
  registeredAt: number[];
  /** The node the next instance is registered on. */
  next: number;
}

export function initialNlbState(settings: CascadeSettings): NlbState {
  return { reachableAt: Array.from({ length: settings.nlb.nodes }, () => 0), registeredAt: Array.from({ length: settings.nlb.nodes }, () => 0), next: 0 };
}

export interface NlbSecond {
  second: number;
  failing: number;
  inService: number;
}

export type NlbPhase = 'in-service' | 'capacity-removed' | 'failover-off';

export interface NlbTickResult {
  state: NlbState;
  seconds: NlbSecond[];
  phase: NlbPhase;
  /** The least capacity in service during the tick, as a share of the nodes. */
  capacity: number;
  failoverDisabled: boolean;
}

export function nlbTick(
  previous: NlbState,
  input: {
    launches: readonly { second: number; launched: number; delaySeconds: number }[];
    controls: Controls;
    levers: readonly CascadeLever[];
    settings: CascadeSettings;
  },
): NlbTickResult {
  const { nodes, removableFraction, graceSeconds } = input.settings.nlb;
  const state: NlbState = { reachableAt: [...previous.reachableAt], registeredAt: [...previous.registeredAt], next: previous.next };
  const removableMax = input.levers.includes('nlb-velocity-control') ? Math.floor(nodes * removableFraction) : nodes;
  const seconds = input.launches.map(({ second, launched, delaySeconds }): NlbSecond => {
    for (let i = 0; i < launched; i++) {
      state.reachableAt[state.next] = second + delaySeconds;
      state.registeredAt[state.next] = second;
      state.next = (state.next + 1) % nodes;
    }
    // A check fails only once an instance has been unreachable for the health check's grace (its unhealthy threshold).
    const failing = state.reachableAt.filter((at, node) => at > second && second - state.registeredAt[node]! >= graceSeconds).length;
    const removed = input.controls.failoverDisabled ? 0 : Math.min(failing, removableMax);
    return { second, failing, inService: nodes - removed };
  });
  const least = Math.min(nodes, ...seconds.map((s) => s.inService));
  const phase: NlbPhase = input.controls.failoverDisabled ? 'failover-off' : least < nodes ? 'capacity-removed' : 'in-service';
  return { state, seconds, phase, capacity: least / nodes, failoverDisabled: input.controls.failoverDisabled };
}

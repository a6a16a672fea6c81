// One tick of the cascade, subsystem after subsystem: DWFM's leases decide
// which launches land, launches and re-established leases queue Network
// Manager's work, and its delay decides which NLB nodes pass their checks.
// Each subsystem is its own Lambda; what one hands the next in a tick is the
// hand-off, which the state machine carries between them. `cascadeTick`
// composes the four the same way, for the sweep and the property tests.
import { dwfmTick, type DwfmState, type DwfmTickInput, type DwfmTickResult, INITIAL_DWFM_STATE } from './dwfm.ts';
import { INITIAL_LAUNCHER_STATE, launcherTick, type LauncherState, type LauncherTickResult } from './launcher.ts';
import { INITIAL_NETWORK_STATE, networkTick, type NetworkState, type NetworkTickResult } from './network-manager.ts';
import { initialNlbState, nlbTick, type NlbState, type NlbTickResult } from './nlb.ts';
import type { CascadeLever, CascadeSettings, Controls } from './settings.ts';

/** What a tick's subsystems hand on, second by second; each adds its part. */
export interface TickHandoff {
  fromSecond: number;
  toSecond: number;
  controls: Controls;
  seconds: { second: number; validLeases: number; established: number; launched?: number; delaySeconds?: number }[];
}

export function dwfmHandoff(input: Pick<DwfmTickInput, 'fromSecond' | 'toSecond' | 'controls'>, result: DwfmTickResult): TickHandoff {
  return {
    fromSecond: input.fromSecond,
    toSecond: input.toSecond,
    controls: input.controls,
    seconds: result.seconds.map(({ second, validLeases, established }) => ({ second, validLeases, established })),
  };
}

export function runLauncher(state: LauncherState, handoff: TickHandoff, settings: CascadeSettings): { result: LauncherTickResult; handoff: TickHandoff } {
  const result = launcherTick(state, { validLeases: handoff.seconds, controls: handoff.controls, settings });
  return { result, handoff: { ...handoff, seconds: handoff.seconds.map((s, i) => ({ ...s, launched: result.seconds[i]!.launched })) } };
}

export function runNetwork(state: NetworkState, handoff: TickHandoff, settings: CascadeSettings): { result: NetworkTickResult; handoff: TickHandoff } {
  const result = networkTick(state, {
    established: handoff.seconds.map((s) => s.established),
    launched: handoff.seconds.map((s) => s.launched ?? 0),
    fromSecond: handoff.fromSecond,
    settings,
  });
  return { result, handoff: { ...handoff, seconds: handoff.seconds.map((s, i) => ({ ...s, delaySeconds: result.seconds[i]!.delaySeconds })) } };
}

export function runNlb(state: NlbState, handoff: TickHandoff, levers: readonly CascadeLever[], settings: CascadeSettings): NlbTickResult {
  return nlbTick(state, {
    launches: handoff.seconds.map((s) => ({ second: s.second, launched: s.launched ?? 0, delaySeconds: s.delaySeconds ?? 0 })),
    controls: handoff.controls,
    levers,
    settings,
  });
}

export interface CascadeStates {
  dwfm: DwfmState;
  launcher: LauncherState;
  network: NetworkState;
  nlb: NlbState;
}

export function initialCascadeStates(settings: CascadeSettings): CascadeStates {
  return { dwfm: INITIAL_DWFM_STATE, launcher: INITIAL_LAUNCHER_STATE, network: INITIAL_NETWORK_STATE, nlb: initialNlbState(settings) };
}

export interface CascadeTickResults {
  dwfm: DwfmTickResult;
  launcher: LauncherTickResult;
  network: NetworkTickResult;
  nlb: NlbTickResult;
}

export function cascadeTick(states: CascadeStates, input: DwfmTickInput): { states: CascadeStates; results: CascadeTickResults } {
  const dwfm = dwfmTick(states.dwfm, input);
  const launcher = runLauncher(states.launcher, dwfmHandoff(input, dwfm), input.settings);
  const network = runNetwork(states.network, launcher.handoff, input.settings);
  const nlb = runNlb(states.nlb, network.handoff, input.levers, input.settings);
  return {
    states: { dwfm: dwfm.state, launcher: launcher.result.state, network: network.result.state, nlb: nlb.state },
    results: { dwfm, launcher: launcher.result, network: network.result, nlb },
  };
}

// The cascade's rules, one subsystem at a time, then together (lambdas/core/cascade/).
import { describe, expect, it } from 'vitest';
import { dwfmTick, freshLeases, INITIAL_DWFM_STATE, type DwfmState } from '../../lambdas/core/cascade/dwfm.ts';
import { launcherTick, INITIAL_LAUNCHER_STATE } from '../../lambdas/core/cascade/launcher.ts';
import { networkTick, INITIAL_NETWORK_STATE } from '../../lambdas/core/cascade/network-manager.ts';
import { initialNlbState, nlbTick } from '../../lambdas/core/cascade/nlb.ts';
import type { CascadeLever, CascadeSettings, Controls } from '../../lambdas/core/cascade/settings.ts';
import { simulateCascade } from '../../lambdas/core/cascade/simulate.ts';
import { NO_SWITCHES, SCENARIO_CASCADE as settings } from './settings.ts';

/** DWFM with every lease lapsed and `inFlight` droplets asking at once, DynamoDB in reach. */
function afterOutage(levers: CascadeLever[] = [], controls: Controls = NO_SWITCHES, state: DwfmState = INITIAL_DWFM_STATE, fromSecond = 100) {
  const leases = Array<number>(settings.droplets).fill(0);
  return dwfmTick(state, { fromSecond, toSecond: fromSecond + 30, reachable: true, leases, controls, levers, settings, seed: 1 });
}

describe('DWFM', () => {
  it('renews every lease while DynamoDB answers, and lets them lapse while it does not', () => {
    const leases = freshLeases(settings, 0);
    const up = dwfmTick(INITIAL_DWFM_STATE, { fromSecond: 0, toSecond: 200, reachable: true, leases, controls: NO_SWITCHES, levers: [], settings, seed: 1 });
    expect(up.phase).toBe('healthy');
    expect(up.seconds.every((s) => s.validLeases === settings.droplets)).toBe(true);
    const down = dwfmTick(up.state, {
      fromSecond: 200,
      toSecond: 200 + settings.leaseSeconds,
      reachable: false,
      controls: NO_SWITCHES,
      levers: [],
      settings,
      seed: 1,
    });
    expect(down.phase).toBe('unreachable');
    expect(down.leases).toBeUndefined(); // nothing can be written
    expect(down.seconds.at(-1)!.validLeases).toBe(0);
  });

  it('collapses when the whole fleet asks at once: every attempt shares the capacity, times out and starts over', () => {
    const result = afterOutage();
    expect(settings.droplets / settings.dwfm.leasesPerSecond).toBeGreaterThan(settings.dwfm.attemptTimeoutSeconds); // the premise
    expect(result.established).toBe(0);
    expect(result.timedOut).toBeGreaterThanOrEqual(settings.droplets * 2);
    expect(result.phase).toBe('collapsed');
  });

  it('with admission control keeps at most queueMax attempts in flight, and they finish', () => {
    const result = afterOutage(['admission-control']);
    expect(Math.max(...result.seconds.map((s) => s.inFlight))).toBe(settings.dwfm.queueMax);
    expect(result.established).toBeGreaterThan(0.9 * settings.dwfm.leasesPerSecond * 30 - settings.dwfm.queueMax);
    expect(result.phase).toBe('recovering');
  });

  it("throttling alone does not end a collapse already under way; a restart drops the hosts' queue and then it drains", () => {
    const collapsed = afterOutage().state;
    const throttled = afterOutage([], { ...NO_SWITCHES, throttled: true }, collapsed, 130);
    expect(throttled.established).toBe(0);
    const restarted = afterOutage([], { ...NO_SWITCHES, throttled: true, restarts: 1 }, collapsed, 130);
    expect(restarted.state.restartsSeen).toBe(1);
    expect(restarted.established).toBeGreaterThan(0);
    // A restart without the throttle: the whole fleet asks again, and it collapses again.
    expect(afterOutage([], { ...NO_SWITCHES, restarts: 1 }, collapsed, 130).established).toBe(0);
  });

  it('with backoff-jitter, timed-out droplets wait before asking again, the same waits for the same seed', () => {
    const a = afterOutage(['backoff-jitter']);
    const b = afterOutage(['backoff-jitter']);
    expect(a.state.backingOff.length).toBeGreaterThan(0);
    expect(a.state).toEqual(b.state);
  });
});

describe('EC2 launches, Network Manager and NLB', () => {
  const seconds = (validLeases: number) => Array.from({ length: 10 }, (_, i) => ({ second: i, validLeases }));

  it('launches fail with insufficient capacity without leases, and over the limit while throttled', () => {
    const none = launcherTick(INITIAL_LAUNCHER_STATE, { validLeases: seconds(0), controls: NO_SWITCHES, settings });
    expect(none).toMatchObject({ phase: 'insufficient-capacity', launched: 0 });
    expect(none.insufficientCapacity).toBe(none.requested);
    const throttled = launcherTick(INITIAL_LAUNCHER_STATE, {
      validLeases: seconds(settings.droplets),
      controls: { ...NO_SWITCHES, throttled: true },
      settings,
    });
    expect(throttled.phase).toBe('request-limited');
    expect(throttled.launched).toBe(10 * settings.launches.throttledPerSecond);
    expect(launcherTick(INITIAL_LAUNCHER_STATE, { validLeases: seconds(settings.droplets), controls: NO_SWITCHES, settings }).phase).toBe('launching');
  });

  it('propagation delay grows with the backlog and falls as it drains', () => {
    const burst = networkTick(INITIAL_NETWORK_STATE, { established: [700], launched: [0, 0, 0], fromSecond: 0, settings });
    expect(burst.phase).toBe('backlogged');
    expect(burst.seconds[0]!.delaySeconds).toBe(Math.ceil(700 / settings.network.unitsPerSecond));
    expect(burst.seconds[2]!.delaySeconds).toBeLessThan(burst.seconds[0]!.delaySeconds);
  });

  it('health checks take nodes out while new instances are unreachable; velocity control bounds it; failover off keeps all', () => {
    const launches = Array.from({ length: 10 }, (_, i) => ({ second: i, launched: 2, delaySeconds: 100 }));
    const run = (levers: CascadeLever[], controls: Controls) => nlbTick(initialNlbState(settings), { launches, controls, levers, settings });
    expect(run([], NO_SWITCHES).capacity).toBeLessThan(1 - settings.nlb.removableFraction);
    expect(run(['nlb-velocity-control'], NO_SWITCHES).capacity).toBe(1 - settings.nlb.removableFraction);
    expect(run([], { ...NO_SWITCHES, failoverDisabled: true })).toMatchObject({ capacity: 1, phase: 'failover-off' });
  });
});

describe('the cascade after a DNS outage', () => {
  const script = (levers: CascadeLever[], operator: boolean, over: Partial<CascadeSettings> = {}) => ({
    settings: { ...settings, ...over },
    reachable: (s: number) => s < 20 || s >= 170,
    controls: (s: number): Controls =>
      operator ? { throttled: s >= 280 && s < 700, failoverDisabled: s >= 600 && s < 870, restarts: s >= 280 ? 1 : 0 } : NO_SWITCHES,
    levers,
    seed: 7,
  });

  it('without levers or an operator: metastable, and never recovers', () => {
    expect(simulateCascade(script([], false)).verdict).toMatchObject({ dnsBackAtSeconds: 170, metastable: true, recoveredAtSeconds: null });
  });

  it("the operator's throttle and restart end it; admission control prevents it", () => {
    expect(simulateCascade(script([], true)).verdict).toMatchObject({ metastable: true, recoveredAtSeconds: 870 });
    const prevented = simulateCascade(script(['admission-control'], false)).verdict;
    expect(prevented.metastable).toBe(false);
    expect(prevented.recoveredAtSeconds).not.toBeNull();
  });

  it('a fleet small enough to finish within the timeout is not metastable, even without levers', () => {
    const small = Math.floor(settings.dwfm.leasesPerSecond * settings.dwfm.attemptTimeoutSeconds * 0.5);
    expect(simulateCascade(script([], false, { droplets: small })).verdict.metastable).toBe(false);
  });
});

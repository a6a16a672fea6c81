// The cascade's verdict, from its ticks alone (on every target they come back
// as run events): when DNS came back, whether DWFM's goodput stayed low after
// its trigger was gone (a metastable failure), and when every subsystem was
// healthy again for good.
import type { CascadeActor } from '../events.ts';
import type { DwfmPhase, DwfmTickResult } from './dwfm.ts';
import type { LauncherPhase, LauncherTickResult } from './launcher.ts';
import type { NetworkPhase, NetworkTickResult } from './network-manager.ts';
import type { NlbPhase, NlbTickResult } from './nlb.ts';
import type { CascadeTickResults } from './chain.ts';
import type { CascadeSettings } from './settings.ts';

/**
 * What each subsystem's tick event records besides its phase: the one
 * definition of the cascade's figures, used by the handlers, the simulation
 * and the run report.
 */
export const TICK_FIGURES = {
  dwfm: (r: DwfmTickResult) => ({
    validLeases: r.seconds.at(-1)?.validLeases ?? 0,
    backlog: r.backlog,
    established: r.established,
    timedOut: r.timedOut,
    inFlight: r.seconds.at(-1)?.inFlight ?? 0,
  }),
  launcher: (r: LauncherTickResult) => ({
    requested: r.requested,
    launched: r.launched,
    insufficientCapacity: r.insufficientCapacity,
    requestLimitExceeded: r.requestLimitExceeded,
  }),
  network: (r: NetworkTickResult) => ({ backlog: r.backlog, delaySeconds: r.delaySeconds }),
  nlb: (r: NlbTickResult) => ({ capacity: r.capacity, failoverDisabled: r.failoverDisabled ? 1 : 0 }),
} satisfies Record<CascadeActor, (result: never) => Record<string, number>>;

type Reading<A extends CascadeActor, P> = { phase: P } & ReturnType<(typeof TICK_FIGURES)[A]>;

/** One tick of every subsystem, as its events record it. */
export interface CascadeTickRecord {
  /** The tick's start, in scenario seconds. */
  second: number;
  dwfm: Reading<'dwfm', DwfmPhase>;
  launcher: Reading<'launcher', LauncherPhase>;
  network: Reading<'network', NetworkPhase>;
  nlb: Reading<'nlb', NlbPhase>;
}

/** A tick's record from its results, as the simulation has them. */
export function tickRecord(second: number, results: CascadeTickResults): CascadeTickRecord {
  const { dwfm, launcher, network, nlb } = results;
  return {
    second,
    dwfm: { phase: dwfm.phase, ...TICK_FIGURES.dwfm(dwfm) },
    launcher: { phase: launcher.phase, ...TICK_FIGURES.launcher(launcher) },
    network: { phase: network.phase, ...TICK_FIGURES.network(network) },
    nlb: { phase: nlb.phase, ...TICK_FIGURES.nlb(nlb) },
  };
}

export interface CascadeVerdict {
  /** The start of the first tick DWFM reached DynamoDB again after it could not; null if it never lost it or never got it back. */
  dnsBackAtSeconds: number | null;
  /** The trigger had been gone for the window, DWFM still owed leases, and its goodput over the window stayed under the fraction of its capacity. */
  metastable: boolean;
  /** DWFM's goodput over the window after DNS came back, as a share of its capacity; null without a DNS return. */
  goodputAfterDns: number | null;
  /**
   * The start of the first tick of the healthy stretch that lasted to the end of the run (the first tick's start: never
   * unhealthy); null if the run ended unhealthy.
   */
  recoveredAtSeconds: number | null;
}

export function isHealthy(tick: CascadeTickRecord): boolean {
  return tick.dwfm.phase === 'healthy' && tick.launcher.phase === 'launching' && tick.network.phase === 'propagated' && tick.nlb.phase === 'in-service';
}

export function judgeCascade(ticks: readonly CascadeTickRecord[], settings: CascadeSettings): CascadeVerdict {
  const ordered = [...ticks].sort((a, b) => a.second - b.second);
  // Lost once it had reached DynamoDB: before the first plan is applied the name has no records yet.
  const reached = ordered.findIndex((t) => t.dwfm.phase !== 'unreachable');
  const lost = reached < 0 ? -1 : ordered.findIndex((t, i) => i > reached && t.dwfm.phase === 'unreachable');
  const back = lost < 0 ? -1 : ordered.findIndex((t, i) => i > lost && t.dwfm.phase !== 'unreachable');
  const dnsBackAtSeconds = back < 0 ? null : ordered[back]!.second;
  let metastable = false;
  let goodputAfterDns: number | null = null;
  if (dnsBackAtSeconds !== null) {
    const { windowSeconds, goodputFraction } = settings.metastable;
    const window = ordered.filter((t) => t.second >= dnsBackAtSeconds && t.second < dnsBackAtSeconds + windowSeconds);
    const covered = ordered.at(-1)!.second >= dnsBackAtSeconds + windowSeconds;
    const established = window.reduce((sum, t) => sum + t.dwfm.established, 0);
    goodputAfterDns = covered ? established / (settings.dwfm.leasesPerSecond * windowSeconds) : null;
    // Still owing leases at the window's end: a small backlog cleared at once is not a collapse, whatever the average.
    metastable = covered && (window.at(-1)?.dwfm.backlog ?? 0) > 0 && goodputAfterDns! < goodputFraction;
  }
  const lastUnhealthy = ordered.findLastIndex((t) => !isHealthy(t));
  const recoveredAtSeconds = !ordered.length || lastUnhealthy === ordered.length - 1 ? null : ordered[lastUnhealthy + 1]!.second;
  return { dnsBackAtSeconds, metastable, goodputAfterDns, recoveredAtSeconds };
}

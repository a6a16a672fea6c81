// The two moments of the race a reader looks for on the DNS chart: an
// Enactor's stale write (an older plan applied over a newer one) and the
// clean-up deleting the tree of a plan an endpoint points at. They are found in
// the run's events, not in the scenario's story, so a run the story does not
// expect (a counterexample, a safeguard's run) is marked as it happened.
import type { RunReport } from '../scenario/run-report.ts';

export interface RaceMoment {
  atSeconds: number;
  kind: 'stale-write' | 'deletion';
  /** A few words on the chart. */
  label: string;
  /** The moment in a sentence, for the chart's tooltip. */
  says: string;
}

/** Clean-up details that say it deleted the plan's row alone, leaving DNS as it was (lambdas/core/cleanup.ts). */
export const ROW_ONLY = /^(plan )?row only/;

export function raceMoments(report: RunReport): RaceMoment[] {
  const moments: RaceMoment[] = [];
  /** The generation each endpoint points at, as the applies so far left it. */
  const live = new Map<string, number>();
  const marked = new Set<string>();
  for (const event of report.events) {
    const { actor, generation, endpoint, over } = event;
    if (event.step === 'apply' && event.outcome === 'applied' && generation !== undefined && endpoint !== undefined) {
      live.set(endpoint, generation);
      // One mark per Enactor's stale plan: its writes to the other endpoints follow within a second.
      const key = `${actor} ${generation} ${over}`;
      if (over !== undefined && over > generation && !marked.has(key)) {
        marked.add(key);
        const says = `+${event.atSeconds.toFixed(1)}s ${actor} writes its stale plan g${generation} over the newer g${over} (${endpoint})`;
        moments.push({ atSeconds: event.atSeconds, kind: 'stale-write', label: `stale g${generation} over g${over}`, says });
      }
    }
    if (event.step === 'cleanup' && event.outcome === 'deleted' && generation !== undefined && !ROW_ONLY.test(event.detail ?? '')) {
      const pointing = [...live].filter(([, at]) => at === generation).map(([name]) => name);
      if (pointing.length > 0) {
        const which = `${pointing.join(', ')} ${pointing.length === 1 ? 'points' : 'point'} at`;
        const says = `+${event.atSeconds.toFixed(1)}s ${actor}'s clean-up deletes g${generation}'s tree, which ${which}`;
        moments.push({ atSeconds: event.atSeconds, kind: 'deletion', label: `live g${generation} deleted`, says });
      }
    }
  }
  return moments;
}

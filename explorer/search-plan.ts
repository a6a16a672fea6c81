// One explorer search as explore, check and each cell of the matrix make it:
// random walks when asked, else the pre-pass and the exhaustive search, and the
// lines that say what each did. No terminal here: a matrix worker runs it too.
import type { ExplorerConfig } from './config.ts';
import { INVARIANT_NAMES, INVARIANTS } from './invariant-names.ts';
import { explore, randomWalks, type SearchOptions, type SearchResult, type SearchStats } from './search.ts';

/** What one exploration found, whichever way it searched. */
export interface Found {
  config: ExplorerConfig;
  violations: SearchResult['violations'];
  /** Every invariant reported as holding was proved for every interleaving within the bounds. */
  complete: boolean;
  /** States and time, summed over the searches made. */
  states: number;
  elapsedMs: number;
  lines: string[];
}

/** How to search: random walks (`walks`) or the exhaustive search, from a seed. */
export interface SearchPlan {
  walks?: number;
  seed: number;
  statesMax?: number;
}

function statsLine(label: string, stats: SearchStats): string {
  const rate = stats.elapsedMs > 0 ? Math.round((stats.states * 1000) / stats.elapsedMs) : stats.states;
  const first = stats.firstViolationMs === undefined ? '' : `; first counterexample after ${(stats.firstViolationMs / 1000).toFixed(2)} s`;
  return (
    `${label}: ${stats.states.toLocaleString('en')} distinct states, ${stats.schedules.toLocaleString('en')} schedules, ` +
    `${stats.steps.toLocaleString('en')} steps in ${(stats.elapsedMs / 1000).toFixed(1)} s (${rate.toLocaleString('en')} states/s)${first}`
  );
}

export async function runSearch(config: ExplorerConfig, plan: SearchPlan, limits: SearchOptions): Promise<Found> {
  const { walks, seed, statesMax } = plan;
  if (walks !== undefined) {
    const result = await randomWalks(config, walks, seed, limits);
    return {
      config,
      violations: result.violations,
      complete: false,
      states: result.stats.states,
      elapsedMs: result.stats.elapsedMs,
      lines: [statsLine(`random walks (${walks} from seed ${seed}; they prove nothing when they find nothing)`, result.stats)],
    };
  }
  const result = await explore(config, seed, { ...limits, statesMax });
  const lines = [statsLine(`random pre-pass (seed ${seed})`, result.prepass)];
  if (result.exhaustive) {
    const coverage = result.exhaustive.complete ? 'every interleaving within the bounds' : 'INCOMPLETE: stopped early, so "holds" is not proved';
    const reductions = limits.symmetry === false ? 'sleep sets' : 'sleep sets, symmetry';
    const threads = result.exhaustive.threads ? ` on ${result.exhaustive.threads} threads` : '';
    lines.push(`${statsLine(`exhaustive (depth-first${threads}, state hashing, ${reductions})`, result.exhaustive)}; ${coverage}`);
  } else {
    // explore() skips it when the pre-pass broke every invariant, or (check) one that is required.
    const why =
      Object.keys(result.violations).length === INVARIANT_NAMES.length
        ? 'the pre-pass violated every invariant'
        : 'the pre-pass already violated a required invariant';
    lines.push(`exhaustive: not needed, ${why}`);
  }
  const states = result.prepass.states + (result.exhaustive?.states ?? 0);
  const elapsedMs = result.prepass.elapsedMs + (result.exhaustive?.elapsedMs ?? 0);
  return { config, violations: result.violations, complete: result.complete, states, elapsedMs, lines };
}

/** Each invariant's verdict, as explore prints and `--json` gives it. */
export function invariantVerdicts(result: Found) {
  return INVARIANT_NAMES.map((name) => ({
    invariant: name,
    meaning: INVARIANTS[name],
    // "holds" only when the exhaustive search covered the bounds; otherwise "not found".
    verdict: result.violations[name] ? 'violated' : result.complete ? 'holds' : 'not found',
    counterexampleSteps: result.violations[name]?.schedule.length ?? null,
  }));
}

// The result of one run, as `run --json` prints it and as the timeline renders it.
import { byTime, type RunEvent } from '../lambdas/core/events.ts';
import type { Safeguard } from '../lambdas/core/safeguards.ts';
import { computeVerdict, type Outcome } from '../lambdas/core/verdict.ts';

export interface RunReport {
  scenario: string;
  target: string;
  runId: string;
  seed: number;
  safeguards: Safeguard[];
  outcome: Outcome;
  expected: Outcome;
  asExpected: boolean;
  endpoints: { endpoint: string; addresses: string[]; firstEmptyAtSeconds: number | null; repaired: boolean }[];
  automation: { stuck: boolean; stuckSteps: { actor: string; atSeconds: number; endpoint?: string; detail?: string }[] };
  startedAt: string;
  /** Embedded runs: how far the run slipped from its script (see ScheduleTiming in local/run-embedded.ts). */
  timing?: { lateSecondsMax: number; busySecondsMax: number };
  events: (RunEvent & { atSeconds: number })[];
}

const seconds = (ms: number): number => Math.round(ms / 100) / 10;

export function buildRunReport(
  run: { scenario: string; target: string; runId: string; seed: number; safeguards: Safeguard[]; expected: Outcome },
  events: readonly RunEvent[],
): RunReport {
  const verdict = computeVerdict(events);
  return {
    ...run,
    outcome: verdict.outcome,
    asExpected: verdict.outcome === run.expected,
    endpoints: verdict.endpoints.map((e) => ({
      endpoint: e.endpoint,
      addresses: e.addresses,
      firstEmptyAtSeconds: e.firstEmptyAtMs === null ? null : seconds(e.firstEmptyAtMs),
      repaired: e.repaired,
    })),
    automation: {
      stuck: verdict.automationStuck,
      stuckSteps: verdict.stuck.map(({ atMs, ...rest }) => ({ ...rest, atSeconds: seconds(atMs) })),
    },
    startedAt: new Date(verdict.startedAt).toISOString(),
    events: [...events].sort(byTime).map((event) => ({ ...event, atSeconds: seconds(event.at - verdict.startedAt) })),
  };
}

// The result of one run, as `run --json` prints it and as the timeline renders it:
// the verdict (lambdas/core/verdict.ts) judged against what the scenario expects.
import { createHash } from 'node:crypto';
import { byTime, type RunEvent } from '../lambdas/core/events.ts';
import type { Safeguard } from '../lambdas/core/safeguards/index.ts';
import { computeVerdict, type Outcome } from '../lambdas/core/verdict.ts';
import { expectedCascade, expectedOutcome, expectedStory } from './expectations.ts';
import { cascadeReport, type CascadeReport } from './cascade-report.ts';
import type { CascadeLever, CascadeSettings } from '../lambdas/core/cascade/settings.ts';
import type { LatencySettings, Scenario, StoryLine } from './schema.ts';
import { checkStory } from './story.ts';

/** The validated inputs of a run, whatever the target. */
export interface RunRequest {
  scenario: Scenario;
  safeguards: Safeguard[];
  /** The cascade's levers switched on (scenarios with a cascade); none when absent. */
  levers?: CascadeLever[];
  seed: number;
  /** Embedded target only: overrides of the scenario's latency. */
  latency: Partial<LatencySettings>;
}

export interface StoryReport {
  /** Every line of the story was seen, in order. */
  played: boolean;
  events: { says: string; seen: boolean; atSeconds?: number }[];
}

export interface RunReport {
  scenario: string;
  target: string;
  runId: string;
  seed: number;
  safeguards: Safeguard[];
  levers: CascadeLever[];
  outcome: Outcome;
  expected: Outcome;
  /** The outcome is the expected one and, where the scenario tells a story for these safeguards, the story played out. */
  asExpected: boolean;
  /** The scenario's story for these safeguards and whether it played out; null when it tells none (a combination, say). */
  story: StoryReport | null;
  /**
   * SHA-256 of the event log: each event's time in ms after scenario second 0,
   * actor, step, outcome, generation, endpoint, previous generation, detail and
   * addresses (the resolver's and the zone's), and a cascade event's figures. On the embedded target the same inputs give the same digest.
   */
  eventsDigest: string;
  /** Per endpoint at the last probe: what the resolver answered, and what the zone held (null: no probe read the zone). */
  endpoints: { endpoint: string; addresses: string[]; zoneAddresses: string[] | null; firstEmptyAtSeconds: number | null; repaired: boolean }[];
  /** How many probes read the zone as well as the resolver, and each probe where the two differed, with why. */
  witnesses: { compared: number; disagreements: { atSeconds: number; endpoint: string; resolver: string[]; zone: string[]; why: string }[] };
  automation: { stuck: boolean; stuckSteps: { actor: string; atSeconds: number; endpoint?: string; detail?: string }[] };
  /** After the race (scenarios with a cascade; else null): the series, the phases and the verdict, with what the scenario expected. */
  cascade: (CascadeReport & { expected: { metastable: boolean; recovered: boolean } | null }) | null;
  startedAt: string;
  events: (RunEvent & { atSeconds: number })[];
}

const seconds = (ms: number): number => Math.round(ms / 100) / 10;

/** The digest of an event log (see RunReport.eventsDigest). */
export function eventsDigest(events: readonly RunEvent[]): string {
  const ordered = [...events].sort(byTime);
  const origin = ordered[0]?.at ?? 0;
  const canonical = ordered.map((event) => [
    event.at - origin,
    event.actor,
    event.step,
    event.outcome,
    event.generation ?? null,
    event.endpoint ?? null,
    event.over ?? null,
    event.detail ?? null,
    event.addresses ? Object.entries(event.addresses).sort(([a], [b]) => a.localeCompare(b)) : null,
    event.zoneAddresses ? Object.entries(event.zoneAddresses).sort(([a], [b]) => a.localeCompare(b)) : null,
    // Only where present, so the digests of runs without a cascade stay what they were.
    ...(event.metrics ? [Object.entries(event.metrics).sort(([a], [b]) => a.localeCompare(b))] : []),
  ]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

export function buildRunReport(
  run: {
    scenario: string;
    target: string;
    runId: string;
    seed: number;
    safeguards: Safeguard[];
    levers?: CascadeLever[];
    expected: Outcome;
    story?: readonly StoryLine[];
    cascade?: { settings: CascadeSettings; expected?: { metastable: boolean; recovered: boolean } };
  },
  events: readonly RunEvent[],
): RunReport {
  const { story: lines, cascade: cascadeRun, levers = [], ...identity } = run;
  const verdict = computeVerdict(events);
  const checked = lines ? checkStory(events, lines) : undefined;
  const story = checked
    ? { played: checked.played, events: checked.lines.map(({ atMs, ...line }) => (atMs === undefined ? line : { ...line, atSeconds: seconds(atMs) })) }
    : null;
  const cascade = cascadeRun ? { ...cascadeReport(events, cascadeRun.settings), expected: cascadeRun.expected ?? null } : null;
  const cascadeAsExpected =
    !cascade?.expected || (cascade.metastable === cascade.expected.metastable && (cascade.recoveredAtSeconds !== null) === cascade.expected.recovered);
  return {
    ...identity,
    levers,
    outcome: verdict.outcome,
    asExpected: verdict.outcome === run.expected && (story?.played ?? true) && cascadeAsExpected,
    story,
    eventsDigest: eventsDigest(events),
    endpoints: verdict.endpoints.map((e) => ({
      endpoint: e.endpoint,
      addresses: e.addresses,
      zoneAddresses: e.zoneAddresses,
      firstEmptyAtSeconds: e.firstEmptyAtMs === null ? null : seconds(e.firstEmptyAtMs),
      repaired: e.repaired,
    })),
    automation: {
      stuck: verdict.automationStuck,
      stuckSteps: verdict.stuck.map(({ atMs, ...rest }) => ({ ...rest, atSeconds: seconds(atMs) })),
    },
    witnesses: {
      compared: verdict.witnesses.compared,
      disagreements: verdict.witnesses.disagreements.map(({ atMs, ...rest }) => ({ atSeconds: seconds(atMs), ...rest })),
    },
    cascade,
    startedAt: new Date(verdict.startedAt).toISOString(),
    events: [...events].sort(byTime).map((event) => ({ ...event, atSeconds: seconds(event.at - verdict.startedAt) })),
  };
}

/** The report of a run of `request` with these events: expectation and story from the scenario. */
export function reportOf(request: RunRequest, run: { target: string; runId: string }, events: readonly RunEvent[]): RunReport {
  const { scenario, safeguards, seed } = request;
  const levers = request.levers ?? [];
  return buildRunReport(
    {
      scenario: scenario.name,
      ...run,
      seed,
      safeguards,
      levers,
      expected: expectedOutcome(scenario, safeguards),
      story: expectedStory(scenario, safeguards, levers),
      ...(scenario.cascade ? { cascade: { settings: scenario.cascade, expected: expectedCascade(scenario, safeguards, levers) } } : {}),
    },
    events,
  );
}

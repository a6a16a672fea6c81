// Running a scenario on the embedded lab, shared by `run` and `up --scenario`:
// the inputs a run takes (parsed and checked), the run itself with Ctrl-C
// handled, and printing its report (at once, as JSON, or as a paced replay).
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { RunEvent } from '../lambdas/core/events.ts';
import { loadScenario } from '../scenario/files.ts';
import { DEFAULT_SCENARIO } from '../scenario/project-root.ts';
import type { EmbeddedLab } from '../local/embedded-lab.ts';
import type { LatencySettings } from '../scenario/schema.ts';
import type { EmbeddedRun, EmbeddedRunOptions, SimulationSummary } from '../local/run-embedded.ts';
import { reportOf, type RunReport, type RunRequest } from '../scenario/run-report.ts';
import { terminalText } from '../scenario/terminal-text.ts';
import { onInterrupt } from './interrupt.ts';
import { renderTimeline, timelineParts } from '../report/render-timeline.ts';
import { parseInteger, parseSafeguardsAndLevers, parseSeconds, parseSecondsRange } from './option-values.ts';
import { styler } from '../report/style.ts';
import { EXIT, UsageError } from '../scenario/usage-error.ts';

/** The embedded target's options: how the simulated run's calls and cold starts take (virtual) time. */
export interface SimulationOptions {
  latency?: string;
  latencySeed?: string;
  coldStart?: string;
}

/** The simulation options given, by name: `run` refuses them on a deployed target, `up` without --scenario. */
export function simulationOptionsGiven(options: SimulationOptions & { pace?: string }): string[] {
  const given = { '--latency': options.latency, '--latency-seed': options.latencySeed, '--cold-start': options.coldStart, '--pace': options.pace };
  return Object.entries(given).flatMap(([name, value]) => (value === undefined ? [] : [name]));
}

const SEED_RANGE = { min: 0, max: 2 ** 31 - 1 };
const LATENCY_RANGE = { min: 0, max: 60 };
const PACE_RANGE = { min: 1, max: 10_000 };

export function newRunId(): string {
  return `r-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
}

export async function parseRunRequest(
  scenarioName: string | undefined,
  options: { safeguard: string[]; seed?: string; from?: string } & SimulationOptions,
): Promise<RunRequest> {
  if (options.from && scenarioName) {
    throw new UsageError(`give the scenario either as an argument ("${scenarioName}") or with --from ("${options.from}"), not both`);
  }
  const scenario = await loadScenario(options.from ?? scenarioName ?? DEFAULT_SCENARIO);
  // A counterexample replays with the safeguards it was found with, unless told otherwise.
  const chosen = parseSafeguardsAndLevers(options.safeguard, scenario.cascade !== undefined);
  const safeguards = options.safeguard.length ? chosen.safeguards : (scenario.counterexample?.safeguards ?? []);
  const seed = parseInteger('--seed', options.seed, SEED_RANGE) ?? scenario.seed;
  const latency: Partial<LatencySettings> = {};
  const callSeconds = parseSecondsRange('--latency', options.latency, LATENCY_RANGE);
  const coldStartSeconds = parseSeconds('--cold-start', options.coldStart, LATENCY_RANGE);
  const latencySeed = parseInteger('--latency-seed', options.latencySeed, SEED_RANGE);
  if (callSeconds) latency.callSeconds = callSeconds;
  if (coldStartSeconds !== undefined) latency.coldStartSeconds = coldStartSeconds;
  if (latencySeed !== undefined) latency.seed = latencySeed;
  return { scenario, safeguards, levers: chosen.levers, seed, latency };
}

/** The local target's extras in `run --json`: how the run was simulated, and why it failed if it did. */
export type LocalRunReport = RunReport & { simulation: SimulationSummary; failure?: EmbeddedRun['failure'] };

/**
 * Runs a scenario on a lab and builds its report from the run-events table.
 * On Ctrl-C mid-run it prints what that table holds so far, then exits.
 */
export async function runOnLab(
  lab: EmbeddedLab,
  request: RunRequest,
  options: { json?: boolean; handOver?: EmbeddedRunOptions['handOver'] } = {},
): Promise<LocalRunReport> {
  const runId = newRunId();
  const report = (events: RunEvent[]) => reportOf(request, { target: 'local', runId }, events);
  if (process.stderr.isTTY && !options.json) process.stderr.write(`running ${request.scenario.name} on the embedded target (run ${runId})…\n`);
  const stopListening = onInterrupt(async () => {
    const events = await lab
      .deps()
      .events.list(runId)
      .catch(() => []);
    process.stdout.write(interruptedOutput(events.length ? report(events) : undefined, { runId, json: options.json }));
    await lab.close();
    process.exit(EXIT.interrupted);
  });
  try {
    // Loaded once the inputs are known good: a bad option answers at once.
    const { runScenarioEmbedded } = await import('../local/run-embedded.ts');
    const run = await runScenarioEmbedded(lab, request.scenario, {
      runId,
      safeguards: request.safeguards,
      levers: request.levers,
      seed: request.seed,
      latency: request.latency,
      handOver: options.handOver,
    });
    if (run.failure && !options.json) process.stderr.write(`racelab: the run failed: ${terminalText(`${run.failure.error}: ${run.failure.cause}`)}\n`);
    return { ...report(run.events), simulation: run.simulation, ...(run.failure ? { failure: run.failure, asExpected: false } : {}) };
  } finally {
    stopListening();
  }
}

/**
 * What Ctrl-C prints: the events so far (as JSON with --json), never a verdict
 * for a run that recorded nothing.
 */
export function interruptedOutput(partial: RunReport | undefined, options: { runId: string; json?: boolean }): string {
  if (options.json) return `${JSON.stringify({ interrupted: true, runId: options.runId, ...(partial ? { report: partial } : { events: [] }) }, null, 2)}\n`;
  if (!partial) return '(interrupted before the run recorded any event: no timeline, and no verdict)\n';
  return `${renderTimeline(partial, styler(process.stdout))}\n(interrupted: the run did not finish, so the verdict above is of the part that ran)\n`;
}

/** Prints the report; with `paceMs`, the rows appear as a replay at that many real ms per scenario second. */
export async function printReport(report: RunReport, json: boolean | undefined, paceMs?: number): Promise<void> {
  if (json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  if (paceMs === undefined) {
    process.stdout.write(`${renderTimeline(report, styler(process.stdout))}\n`);
    return;
  }
  const parts = timelineParts(report, styler(process.stdout));
  process.stdout.write(`${parts.header.join('\n')}\n`);
  let shownAt = 0;
  for (const row of parts.rows) {
    await delay(Math.max(0, (row.atSeconds - shownAt) * paceMs));
    shownAt = Math.max(shownAt, row.atSeconds);
    process.stdout.write(`${row.text}\n`);
  }
  process.stdout.write(`${parts.verdict.join('\n')}\n`);
}

export function parsePace(options: { pace?: string; json?: boolean }): number | undefined {
  const pace = parseInteger('--pace', options.pace, PACE_RANGE);
  if (pace !== undefined && options.json)
    throw new UsageError('--pace replays the timeline for people to watch; it has no effect with --json, so leave one of them out');
  return pace;
}

/** One sentence on why a run exits 1. */
export function whyUnexpected(report: RunReport & { failure?: EmbeddedRun['failure'] }): string {
  if (report.failure) return 'the run failed before it ended (see above), so it is not the run the scenario describes';
  if (report.outcome !== report.expected) return `the outcome was ${report.outcome}, but the scenario expects ${report.expected} with these safeguards`;
  if (report.story?.played ?? true) return 'the cascade did not do what the scenario expects (the cascade line above)';
  return 'the outcome matched, but the story did not play out as the scenario tells it (the ✗ lines above)';
}

// racelab run: one scenario on the embedded target, then its timeline and verdict.
import { randomBytes } from 'node:crypto';
import type { RunEvent } from '../../lambdas/core/events.ts';
import type { Safeguard } from '../../lambdas/core/safeguards.ts';
import { expectedOutcome, type Scenario } from '../../infra/scenario.ts';
import { startEmbeddedLab, type EmbeddedLab } from '../../local/embedded-lab.ts';
import { runScenarioEmbedded } from '../../local/run-embedded.ts';
import { buildRunReport, type RunReport } from '../run-report.ts';
import { renderTimeline } from '../render-timeline.ts';
import { loadScenario } from '../scenario-files.ts';
import { parseInteger, parseSafeguards } from '../options.ts';
import { styler } from '../style.ts';
import { EXIT } from '../usage-error.ts';

export interface RunCommandOptions {
  safeguard: string[];
  seed?: string;
  json?: boolean;
}

export const DEFAULT_SCENARIO = 'oct-2025';
const SEED_RANGE = { min: 0, max: 2 ** 31 - 1 };

export function newRunId(): string {
  return `r-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
}

/** The validated inputs of a run, shared by `run` and `up --scenario`. */
export interface RunRequest {
  scenario: Scenario;
  safeguards: Safeguard[];
  seed: number;
}

export async function parseRunRequest(scenarioName: string | undefined, options: { safeguard: string[]; seed?: string }): Promise<RunRequest> {
  const scenario = await loadScenario(scenarioName ?? DEFAULT_SCENARIO);
  const safeguards = parseSafeguards(options.safeguard);
  const seed = parseInteger('--seed', options.seed, SEED_RANGE) ?? scenario.seed;
  return { scenario, safeguards, seed };
}

/**
 * Runs a scenario on a lab and builds its report from the run-events table.
 * On Ctrl-C mid-run it prints what that table holds so far, then exits.
 */
export async function runOnLab(lab: EmbeddedLab, request: RunRequest, options: { json?: boolean } = {}): Promise<RunReport> {
  const { scenario, safeguards, seed } = request;
  const runId = newRunId();
  const expected = expectedOutcome(scenario, safeguards);
  const report = (events: RunEvent[]) => buildRunReport({ scenario: scenario.name, target: 'local', runId, seed, safeguards, expected }, events);
  if (process.stderr.isTTY && !options.json) process.stderr.write(`running ${scenario.name} on the embedded target (run ${runId})…\n`);
  const onInterrupt = async () => {
    const events = await lab.deps().events.list(runId).catch(() => []);
    process.stdout.write(`${renderTimeline(report(events), styler(process.stdout))}\n(interrupted: the run did not finish)\n`);
    await lab.close();
    process.exit(EXIT.interrupted);
  };
  process.once('SIGINT', onInterrupt);
  try {
    return report(await runScenarioEmbedded(lab, scenario, { runId, safeguards, seed }));
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

export function printReport(report: RunReport, json: boolean | undefined): void {
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${renderTimeline(report, styler(process.stdout))}\n`);
}

export async function runCommand(scenarioName: string | undefined, options: RunCommandOptions): Promise<number> {
  const request = await parseRunRequest(scenarioName, options);
  const lab = await startEmbeddedLab();
  try {
    const report = await runOnLab(lab, request, options);
    printReport(report, options.json);
    return report.asExpected ? EXIT.ok : EXIT.unexpected;
  } finally {
    await lab.close();
  }
}

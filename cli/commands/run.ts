// racelab run: one scenario on a target (the embedded lab by default, or a
// deployed stack on aws/localstack), then its timeline and verdict.
import { randomBytes } from 'node:crypto';
import type { RunEvent } from '../../lambdas/core/events.ts';
import type { Safeguard } from '../../lambdas/core/safeguards.ts';
import { expectedOutcome, type Scenario } from '../../infra/scenario.ts';
import { startEmbeddedLab, type EmbeddedLab } from '../../local/embedded-lab.ts';
import { runScenarioEmbedded, slipped, type ScheduleTiming } from '../../local/run-embedded.ts';
import { buildRunReport, type RunReport } from '../run-report.ts';
import { renderTimeline } from '../render-timeline.ts';
import { loadScenario } from '../scenario-files.ts';
import { parseInteger, parseSafeguards } from '../options.ts';
import { styler } from '../style.ts';
import { EXIT, UsageError } from '../usage-error.ts';
import { runRemoteCommand } from '../targets/remote-run-command.ts';
import { isRemoteTarget, parseTargetName, rejectRemoteOptionsForLocal } from '../targets/target.ts';

export interface RunCommandOptions {
  safeguard: string[];
  seed?: string;
  /** A scenario file to run (as written by racelab explore); same as the scenario argument. */
  from?: string;
  /** local only: real milliseconds per scenario second (default: the scenario's). */
  msPerSecond?: string;
  json?: boolean;
  /** local (default), aws or localstack. */
  target?: string;
  /** aws/localstack: the CloudFormation stack (default DEFAULT_STACK_NAME). */
  stack?: string;
  region?: string;
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
  msPerSecond?: number;
}

export async function parseRunRequest(
  scenarioName: string | undefined,
  options: { safeguard: string[]; seed?: string; from?: string; msPerSecond?: string },
): Promise<RunRequest> {
  if (options.from && scenarioName && scenarioName !== DEFAULT_SCENARIO) {
    throw new UsageError(`give the scenario either as an argument ("${scenarioName}") or with --from ("${options.from}"), not both`);
  }
  const scenario = await loadScenario(options.from ?? scenarioName ?? DEFAULT_SCENARIO);
  // A counterexample replays with the safeguards it was found with, unless told otherwise.
  const safeguards = options.safeguard.length ? parseSafeguards(options.safeguard) : (scenario.counterexample?.safeguards ?? []);
  const seed = parseInteger('--seed', options.seed, SEED_RANGE) ?? scenario.seed;
  const msPerSecond = parseInteger('--ms-per-second', options.msPerSecond, { min: 1, max: 1000 });
  return { scenario, safeguards, seed, msPerSecond };
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
    const timing: ScheduleTiming = { lateSecondsMax: 0, busySecondsMax: 0 };
    const result = report(await runScenarioEmbedded(lab, scenario, { runId, safeguards, seed, msPerSecond: request.msPerSecond, timing }));
    if (slipped(timing)) {
      const slower = Math.min(1000, (request.msPerSecond ?? scenario.msPerSecond) * 3);
      process.stderr.write(
        `racelab: warning: this machine was busy (a step started ${timing.lateSecondsMax.toFixed(1)} s late; a short step took ${timing.busySecondsMax.toFixed(1)} s; scenario seconds), so the race may not have played out as scripted; rerun with --ms-per-second ${slower} (slower, same race)\n`,
      );
    }
    return { ...result, timing };
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

export function printReport(report: RunReport, json: boolean | undefined): void {
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${renderTimeline(report, styler(process.stdout))}\n`);
}

export async function runCommand(scenarioName: string | undefined, options: RunCommandOptions): Promise<number> {
  const request = await parseRunRequest(scenarioName, options);
  const target = parseTargetName(options.target);
  if (isRemoteTarget(target)) {
    // Deployed targets run in real seconds; the scale is the embedded target's alone.
    if (request.msPerSecond !== undefined) throw new UsageError(`--ms-per-second is for the local target only: ${target} runs in real seconds`);
    return runRemoteCommand(target, request, options, newRunId());
  }
  rejectRemoteOptionsForLocal(options);
  const lab = await startEmbeddedLab();
  try {
    const report = await runOnLab(lab, request, options);
    printReport(report, options.json);
    return report.asExpected ? EXIT.ok : EXIT.unexpected;
  } finally {
    await lab.close();
  }
}

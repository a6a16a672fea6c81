// racelab run: one scenario on the embedded target, then its timeline and verdict.
import { randomBytes } from 'node:crypto';
import { expectedOutcome } from '../../infra/scenario.ts';
import { startEmbeddedLab } from '../../local/embedded-lab.ts';
import { runScenarioEmbedded } from '../../local/run-embedded.ts';
import { buildRunReport } from '../run-report.ts';
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

export async function runCommand(scenarioName: string | undefined, options: RunCommandOptions): Promise<number> {
  const scenario = await loadScenario(scenarioName ?? DEFAULT_SCENARIO);
  const safeguards = parseSafeguards(options.safeguard);
  const seed = parseInteger('--seed', options.seed, SEED_RANGE) ?? scenario.seed;
  const runId = newRunId();
  const expected = expectedOutcome(scenario, safeguards);
  if (process.stderr.isTTY && !options.json) process.stderr.write(`running ${scenario.name} on the embedded target (run ${runId})…\n`);

  const lab = await startEmbeddedLab();
  const report = (events: Parameters<typeof buildRunReport>[1]) =>
    buildRunReport({ scenario: scenario.name, target: 'local', runId, seed, safeguards, expected }, events);
  // Ctrl-C mid-run: show what the run-events table holds so far, then stop.
  const onInterrupt = async () => {
    const events = await lab.deps().events.list(runId).catch(() => []);
    process.stdout.write(`${renderTimeline(report(events), styler(process.stdout))}\n(interrupted: the run did not finish)\n`);
    await lab.close();
    process.exit(EXIT.interrupted);
  };
  process.once('SIGINT', onInterrupt);
  try {
    const events = await runScenarioEmbedded(lab, scenario, { runId, safeguards, seed });
    const result = report(events);
    process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : `${renderTimeline(result, styler(process.stdout))}\n`);
    return result.asExpected ? EXIT.ok : EXIT.unexpected;
  } finally {
    process.off('SIGINT', onInterrupt);
    await lab.close();
  }
}

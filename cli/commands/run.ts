// racelab run: one scenario on a target (the embedded lab by default, or a
// deployed stack on aws/localstack), then its timeline, story and verdict.
import { newRunId, parsePace, parseRunRequest, printReport, runOnLab, simulationOptionsGiven, whyUnexpected, type SimulationOptions } from '../local-run.ts';
import { EXIT, UsageError } from '../usage-error.ts';
import { isRemoteTarget, parseTargetName, rejectRemoteOptionsForLocal } from '../targets/target.ts';

export interface RunCommandOptions extends SimulationOptions {
  safeguard: string[];
  seed?: string;
  /** A scenario file to run (as written by racelab explore); same as the scenario argument. */
  from?: string;
  /** local only: replay the timeline at this many real ms per scenario second. */
  pace?: string;
  /** Retired: answered with what replaced it. */
  msPerSecond?: string;
  json?: boolean;
  /** local (default), aws or localstack. */
  target?: string;
  /** aws/localstack: the CloudFormation stack (default DEFAULT_STACK_NAME). */
  stack?: string;
  region?: string;
}

export async function runCommand(scenarioName: string | undefined, options: RunCommandOptions): Promise<number> {
  const request = await parseRunRequest(scenarioName, options);
  const target = parseTargetName(options.target);
  if (isRemoteTarget(target)) {
    // Deployed targets run in real time, with real latency.
    const local = simulationOptionsGiven(options);
    if (local.length) throw new UsageError(`${local.join(', ')}: for the local target only; ${target} runs in real time, and shows the run as it happens`);
    // Loaded for a deployed target only: the AWS SDK clients take a while to load.
    const { runRemoteCommand } = await import('../targets/remote-run-command.ts');
    return runRemoteCommand(target, request, options, newRunId());
  }
  rejectRemoteOptionsForLocal(options);
  const paceMs = parsePace(options);
  const { startEmbeddedLab } = await import('../../local/embedded-lab.ts');
  const lab = await startEmbeddedLab();
  try {
    const report = await runOnLab(lab, request, options);
    await printReport(report, options.json, paceMs);
    if (!report.asExpected && !options.json) process.stderr.write(`racelab: ${whyUnexpected(report)}\n`);
    return report.asExpected ? EXIT.ok : EXIT.unexpected;
  } finally {
    await lab.close();
  }
}


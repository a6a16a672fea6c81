// racelab run: one scenario on a target (the embedded lab by default, or a
// deployed stack on aws/localstack), then its timeline, story and verdict.
import { Command } from 'commander';
import { DEFAULT_SCENARIO } from '../../scenario/project-root.ts';
import { exitWith, localTimeHelp, safeguardHelp, safeguardOption, simulationOptions, targetHelp, withTargetOptions } from '../command-options.ts';
import type { SimulationOptions } from '../local-run.ts';
import { EXIT, UsageError } from '../../scenario/usage-error.ts';
import { isRemoteTarget, parseTargetName, rejectRemoteOptionsForLocal } from '../../targets/target.ts';

export function command(): Command {
  const run = withTargetOptions(
    new Command('run')
      .description('run a scenario on a target (the embedded lab by default) and print its timeline and verdict')
      .argument('[scenario]', `scenario name (see \`racelab scenarios\`) or path to a scenario .json file (default: ${DEFAULT_SCENARIO})`)
      .addOption(safeguardOption())
      .option('--seed <n>', "seed for the Planner's weights (default: the scenario's)")
      .option('--from <file>', 'run a scenario file written by `racelab explore` (its safeguards are the default)')
      .option('--save <file>', 'keep the run (its report and every event) as JSON, for `racelab report`; checked before the run')
      .option('--force', 'let --save overwrite a file that is not an earlier saved run, or write through a symbolic link')
      .option(
        '--json',
        'print the run as JSON (outcome, story, eventsDigest, per-endpoint verdict, events; on local also the simulation, on aws/localstack ' +
          'the execution) instead of a timeline',
      ),
  );
  return simulationOptions(run)
    .addHelpText(
      'after',
      `
Safeguards:
${safeguardHelp}
${targetHelp}
${localTimeHelp}

On aws and localstack the run starts the scenario's Step Functions execution
(in real time: a scenario second is a second), follows it (progress on stderr;
Ctrl-C stops the execution), then reads the run-events table and prints the
same timeline and verdict as the embedded lab. Run \`racelab reset\` between runs.

The verdict also checks the story: the key events the scenario says the race
goes through with these safeguards (see \`racelab scenarios\`), in order.

Exit codes: 0 the outcome matches the scenario's expectation for these safeguards
            and its story played out, 1 it does not (or the execution failed,
            or --save could not write the run: it is printed all the same),
            2 bad input or a target that is not ready (no credentials, stack not
            deployed, LocalStack down), 130 interrupted (Ctrl-C or SIGTERM).

Examples:
  racelab run                                  # the outage, as it happened
  racelab run oct-2025 --safeguard write-time-check
  racelab run --safeguard self-heal --json | jq '.story'
  racelab run --latency 0-3 --cold-start 5 --latency-seed 7   # same story, slower network
  racelab run --pace 250                       # watch it unfold, 4 scenario seconds a second
  racelab run oct-2025 --target aws            # after: npx cdk deploy -c sandboxAccounts=<account>
  AWS_PROFILE=sandbox racelab run --target aws --region eu-west-1 --safeguard protect-active
  racelab run oct-2025 --target localstack     # after: npx cdklocal deploy`,
    )
    .action(async (scenario: string | undefined, options: RunCommandOptions) => exitWith(await runCommand(scenario, options)));
}

export interface RunCommandOptions extends SimulationOptions {
  safeguard: string[];
  seed?: string;
  /** A scenario file to run (as written by racelab explore); same as the scenario argument. */
  from?: string;
  /** local only: replay the timeline at this many real ms per scenario second. */
  pace?: string;
  json?: boolean;
  /** Keep the run as JSON for `racelab report`. */
  save?: string;
  force?: boolean;
  /** local (default), aws or localstack. */
  target?: string;
  /** aws/localstack: the CloudFormation stack (default DEFAULT_STACK_NAME). */
  stack?: string;
  region?: string;
}

export async function runCommand(scenarioName: string | undefined, options: RunCommandOptions): Promise<number> {
  // The scenario model, the embedded lab and the SDK clients load when the command runs, not when racelab starts.
  const { newRunId, parsePace, parseRunRequest, printReport, runOnLab, simulationOptionsGiven, whyUnexpected } = await import('../local-run.ts');
  const request = await parseRunRequest(scenarioName, options);
  const target = parseTargetName(options.target);
  const { savingTo } = await import('../../report/saved-run.ts');
  const saver = options.save === undefined ? undefined : await savingTo(options.save, options.force === true);
  if (isRemoteTarget(target)) {
    // Deployed targets run in real time, with real latency.
    const local = simulationOptionsGiven(options);
    if (local.length) throw new UsageError(`${local.join(', ')}: for the local target only; ${target} runs in real time, and shows the run as it happens`);
    // Loaded for a deployed target only: the AWS SDK clients take a while to load.
    const { runRemoteCommand } = await import('../remote-run-command.ts');
    const code = await runRemoteCommand(target, request, { ...options, onReport: saver?.save }, newRunId());
    return saver ? saver.exitCode(code) : code;
  }
  rejectRemoteOptionsForLocal(options);
  const paceMs = parsePace(options);
  const { startEmbeddedLab } = await import('../../local/embedded-lab.ts');
  const lab = await startEmbeddedLab();
  try {
    const report = await runOnLab(lab, request, options);
    await saver?.save(report);
    await printReport(report, options.json, paceMs);
    if (!report.asExpected && !options.json) process.stderr.write(`racelab: ${whyUnexpected(report)}\n`);
    const code = report.asExpected ? EXIT.ok : EXIT.unexpected;
    return saver ? saver.exitCode(code) : code;
  } finally {
    await lab.close();
  }
}

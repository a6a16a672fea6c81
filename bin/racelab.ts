#!/usr/bin/env node
// racelab: recreate, break and fix the October 2025 DynamoDB DNS race.
import '../local/node-compat.ts';
import { Command, CommanderError, Option } from 'commander';
import { SAFEGUARDS, SAFEGUARD_SUMMARY } from '../lambdas/core/safeguards.ts';
import { DEFAULT_SCENARIO, runCommand } from '../cli/commands/run.ts';
import { scenariosCommand } from '../cli/commands/scenarios.ts';
import { upCommand } from '../cli/commands/up.ts';
import { EXIT, UsageError } from '../cli/usage-error.ts';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const safeguardHelp = SAFEGUARDS.map((name) => `  ${name.padEnd(22)} ${SAFEGUARD_SUMMARY[name]}`).join('\n');

const program = new Command()
  .name('racelab')
  .description('Recreate the 20 October 2025 us-east-1 DynamoDB DNS race, break it and fix it.')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

program
  .command('run')
  .description('run a scenario on the embedded target and print its timeline and verdict')
  .argument('[scenario]', 'scenario name (see `racelab scenarios`) or path to a scenario .json file', DEFAULT_SCENARIO)
  .addOption(new Option('-s, --safeguard <name>', 'switch a safeguard on (repeat, or comma-separate, for several)').default([]).argParser(collect))
  .option('--seed <n>', "seed for the Planner's weights (default: the scenario's)")
  .option('--json', 'print the run as JSON (outcome, per-endpoint verdict, events) instead of a timeline')
  .addHelpText(
    'after',
    `
Safeguards:
${safeguardHelp}

Exit codes: 0 the outcome matches the scenario's expectation for these safeguards,
            1 it does not, 2 bad input (unknown scenario, invalid file, bad option).

Examples:
  racelab run                                  # the outage, as it happened
  racelab run oct-2025 --safeguard write-time-check
  racelab run --safeguard self-heal --json | jq '.endpoints'`,
  )
  .action(async (scenario: string, options) => {
    process.exitCode = await runCommand(scenario, options);
  });

program
  .command('up')
  .description('serve the embedded DynamoDB, Route 53 and DNS endpoints on loopback until Ctrl-C')
  .option('--dynamodb-port <port>', 'port for the DynamoDB API (default: a free one)')
  .option('--route53-port <port>', 'port for the Route 53 API (default: a free one)')
  .option('--dns-port <port>', 'UDP port for the DNS server (default: a free one)')
  .option('--scenario <name>', 'first run this scenario (name or .json path), then keep serving its end state for dig and the AWS CLI')
  .addOption(new Option('-s, --safeguard <name>', 'with --scenario: switch a safeguard on (repeatable)').default([]).argParser(collect))
  .option('--seed <n>', "with --scenario: seed for the Planner's weights")
  .option('--json', 'print the endpoints and environment as one JSON line (and the run report first, with --scenario)')
  .addHelpText(
    'after',
    `
Examples:
  racelab up                         # empty lab: drive it yourself with the AWS CLI
  racelab up --scenario oct-2025     # run the race, then: dig @127.0.0.1 -p PORT dynamodb.us-east-1.lab.internal`,
  )
  .action(async (options) => {
    process.exitCode = await upCommand(options);
  });

program
  .command('scenarios')
  .description('list the scenarios and what each is expected to show')
  .option('--json', 'print as JSON')
  .action(async (options) => {
    process.exitCode = await scenariosCommand(options);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has printed its message already; help and version are not errors.
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else if (error instanceof UsageError) {
    process.stderr.write(`racelab: ${error.message}\n`);
    process.exitCode = EXIT.usage;
  } else {
    process.stderr.write(`racelab: unexpected error: ${(error as Error).message}\n(please report it with the command you ran)\n`);
    if (process.env.RACELAB_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    process.exitCode = EXIT.unexpected;
  }
}

#!/usr/bin/env node
// racelab: recreate, break and fix the October 2025 DynamoDB DNS race. Each
// command is one file in cli/commands/ (its options, help, parsing and action);
// this file only adds them. Their heavy modules (the AWS SDK, the embedded lab,
// the explorer, the scenario model) load when a command runs, so racelab starts fast.
import '../local/node-compat.ts';
import { Command, CommanderError } from 'commander';
import { command as check } from '../cli/commands/check.ts';
import { command as doctor } from '../cli/commands/doctor.ts';
import { command as exercise } from '../cli/commands/exercise.ts';
import { command as explore } from '../cli/commands/explore.ts';
import { command as repair } from '../cli/commands/repair.ts';
import { command as report } from '../cli/commands/report.ts';
import { command as reset } from '../cli/commands/reset.ts';
import { command as run } from '../cli/commands/run.ts';
import { command as scenarios } from '../cli/commands/scenarios.ts';
import { command as sweep } from '../cli/commands/sweep.ts';
import { command as teardown } from '../cli/commands/teardown.ts';
import { command as up } from '../cli/commands/up.ts';
import { guardStandardStreams } from '../report/standard-streams.ts';
import { EXIT, UsageError } from '../scenario/usage-error.ts';
import { debugging } from '../infra/environment.ts';
import { projectVersion } from '../scenario/project-root.ts';
import { terminalText } from '../scenario/terminal-text.ts';

guardStandardStreams();

const program = new Command()
  .name('racelab')
  .description('Recreate the 20 October 2025 us-east-1 DynamoDB DNS race, break it and fix it.')
  .version(projectVersion(), '-V, --version', 'print the version and exit')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

/** Usage errors of a command and of its subcommands (exercise verify …) alike: commander's message, then exit 2 below. */
function answeringUsageErrors(command: Command): Command {
  command.showHelpAfterError('(run with --help for usage)').exitOverride();
  for (const subcommand of command.commands) answeringUsageErrors(subcommand);
  return command;
}

for (const command of [run(), report(), up(), reset(), repair(), teardown(), doctor(), explore(), check(), sweep(), exercise(), scenarios()]) {
  program.addCommand(answeringUsageErrors(command));
}

// `help NAME` for a command that does not exist is a mistake to name, not a reason to print all the help.
program.helpCommand(false);
program
  .command('help [command]')
  .description('display help for a command')
  .action((name?: string) => {
    if (name === undefined) return program.outputHelp();
    const command = program.commands.find((candidate) => candidate.name() === name);
    if (!command) throw new UsageError(`"${name}" is not a command; the commands are: ${program.commands.map((candidate) => candidate.name()).join(', ')}`);
    command.outputHelp();
  });

try {
  // A bare `racelab` is a request for help, not a mistake.
  if (process.argv.length <= 2) program.help();
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has printed its message already; help and version are not errors.
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else if (error instanceof UsageError) {
    // A message may quote a file or a value given: shown, never interpreted by the terminal, and one line
    // for the message and one for each problem it lists, whatever the quoted text holds.
    process.stderr.write(`racelab: ${[error.headline, ...error.details].map(terminalText).join('\n')}\n`);
    process.exitCode = EXIT.usage;
  } else {
    process.stderr.write(`racelab: unexpected error: ${terminalText((error as Error).message)}\n(please report it with the command you ran)\n`);
    if (debugging()) process.stderr.write(`${(error as Error).stack}\n`);
    process.exitCode = EXIT.unexpected;
  }
}

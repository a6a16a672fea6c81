// racelab check, for training: does the Enactor in this working tree hold
// every invariant in every interleaving? PASS, FAIL with a counterexample, or INCOMPLETE.
import { Command, Option } from 'commander';
import { CHECK_BOUND_SETS, DEFAULT_BOUNDS, describeBounds } from '../../explorer/config.ts';
import { boundOptions, collect, exitWith, invariantHelp } from '../command-options.ts';
import type { ExploreOptions } from '../explorer-commands.ts';

export function command(): Command {
  return (
    boundOptions(new Command('check').description('training: does the Enactor in this working tree (your patch) hold every invariant in every interleaving?'))
      .addOption(
        new Option('--invariant <name>', 'require only these invariants (repeatable, or comma-separated); default: all of them').default([]).argParser(collect),
      )
      .addHelpText(
        'after',
        `
Runs the bounded exploration against lambdas/core as it stands now and answers
PASS or FAIL, with the counterexample on FAIL. Given no bound option, it searches
each of these sets, side by side on the cores, and PASS needs every one:
${CHECK_BOUND_SETS.map((bounds) => `  ${describeBounds(bounds)}`).join('\n')}
Each catches a broken safeguard mechanism the other lets through (docs/explorer.md).
Any bound option searches that one set instead (the others from ${describeBounds(DEFAULT_BOUNDS)}).

Invariants:
${invariantHelp}

Exit codes: 0 PASS, 1 FAIL (or the search was stopped before it was complete), 2 bad input.

Examples:
  racelab check                                     # the unmodified baseline: FAIL
  racelab check --safeguard write-time-check        # PASS
  racelab check --invariant answers,converges --enactors 3 --endpoints 3`,
      )
      // The explorer loads when the command runs, not when racelab starts.
      .action(async (options: ExploreOptions & { invariant: string[] }) => exitWith(await (await import('../explorer-commands.ts')).checkCommand(options)))
  );
}

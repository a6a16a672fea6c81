// racelab check, for training: does the Enactor in this working tree hold
// every invariant in every interleaving? PASS, FAIL with a counterexample, or INCOMPLETE.
import { Command, Option } from 'commander';
import { PROOF_BOUNDS } from '../../explorer/config.ts';
import { boundOptions, collect, exitWith, invariantHelp } from '../command-options.ts';
import type { ExploreOptions } from '../exploration.ts';

export function command(): Command {
  return (
    boundOptions(
      new Command('check').description('training: does the Enactor in this working tree (your patch) hold every invariant in every interleaving?'),
      PROOF_BOUNDS,
    )
      .addOption(
        new Option('--invariant <name>', 'require only these invariants (repeatable, or comma-separated); default: all of them').default([]).argParser(collect),
      )
      .addHelpText(
        'after',
        `
Runs the bounded exploration against lambdas/core as it stands now and answers
PASS or FAIL, with the counterexample on FAIL. Default bounds: ${PROOF_BOUNDS.enactors} enactors ×
${PROOF_BOUNDS.endpoints} endpoints (proofs take seconds); raise them with the options above.

Invariants:
${invariantHelp}

Exit codes: 0 PASS, 1 FAIL (or the search was stopped before it was complete), 2 bad input.

Examples:
  racelab check                                     # the unmodified baseline: FAIL
  racelab check --safeguard write-time-check        # PASS
  racelab check --invariant answers,converges --enactors 3 --endpoints 3`,
      )
      // The explorer loads when the command runs, not when racelab starts.
      .action(async (options: ExploreOptions & { invariant: string[] }) => exitWith(await (await import('../exploration.ts')).checkCommand(options)))
  );
}

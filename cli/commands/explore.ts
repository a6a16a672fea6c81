// racelab explore: the interleavings of the real Planner and Enactor code,
// which invariants hold, and the shortest counterexample as a scenario file.
import { Command } from 'commander';
import { boundOptions, exitWith, invariantHelp } from '../command-options.ts';
import type { ExploreOptions } from '../explorer-commands.ts';

export function command(): Command {
  return (
    boundOptions(
      new Command('explore').description(
        'explore interleavings of the real Planner and Enactor code; print which invariants hold and the shortest counterexample found',
      ),
    )
      .option('--matrix', 'baseline, each safeguard alone and each pair, as a table')
      .option('--out <file>', 'where to write the counterexample as a scenario file (default ./counterexample.json); the folder must exist')
      .option('--force', 'let --out overwrite a file that is not an earlier counterexample, or write through a symbolic link')
      .option('--no-symmetry', 'visit states that differ only by Enactor ids one by one (for an Enactor whose behaviour depends on its id; slower)')
      .addHelpText(
        'after',
        `
Every call the code makes on the plan store or the zone is a scheduling point.
The exhaustive search covers every interleaving within the bounds (depth-first,
state hashing, sleep sets, symmetry over the Enactors); --random samples beyond them.

Invariants:
${invariantHelp}

Exit codes: 0 every invariant proved to hold within the bounds, 1 a counterexample
was found or nothing was proved (search stopped early, or --random), 2 bad input.
--matrix only reports: it exits 0.

Examples:
  racelab explore                                   # the outage, found from scratch, in seconds
  racelab explore --safeguard write-time-check      # holds (about a second)
  racelab explore --safeguard write-time-check --enactors 3 --endpoints 3   # the incident's size (about half a minute)
  racelab explore --matrix
  racelab explore --seed 1234 --random 100000 --generations 6
  racelab run --from counterexample.json            # replay the counterexample on the embedded target`,
      )
      // The explorer loads when the command runs, not when racelab starts.
      .action(async (options: ExploreOptions) => exitWith(await (await import('../explorer-commands.ts')).exploreCommand(options)))
  );
}

// racelab reset: brings a deployed lab back to steady state between runs
// (no plans, fences or generation counter; an empty hosted zone).
import { Command } from 'commander';
import { exitWith, targetHelp, withTargetOptions } from '../command-options.ts';
import { parseTargetName, rejectRemoteOptionsForLocal, type TargetOptions } from '../../targets/target.ts';
import { EXIT } from '../../scenario/usage-error.ts';

export function command(): Command {
  return withTargetOptions(
    new Command('reset').description('restore a deployed lab to steady state between runs (no plans, fences or counter; an empty hosted zone)'),
  )
    .addHelpText(
      'after',
      `
Deletes every item of the plans table (plans, fences, the generation counter) and
every record set of the hosted zone but its apex SOA and NS.
The local target needs no reset: every local run starts a fresh embedded lab.
Run events are kept (they expire after a week). Refuses while an execution runs.
${targetHelp}

Examples:
  racelab reset --target aws
  racelab reset --target localstack && racelab run oct-2025 --target localstack`,
    )
    .action(async (options: TargetOptions) => exitWith(await resetCommand(options)));
}

export const LOCAL_RESET_NOT_NEEDED =
  'nothing to reset: every run on the local target starts a fresh embedded lab (new tables, an empty hosted zone), so no run sees what an earlier one left';

export async function resetCommand(options: TargetOptions): Promise<number> {
  const name = parseTargetName(options.target);
  if (name === 'local') {
    rejectRemoteOptionsForLocal(options);
    process.stdout.write(`${LOCAL_RESET_NOT_NEEDED}\n`);
    return EXIT.ok;
  }
  // The AWS SDK clients take a while to load: only for a deployed target.
  const { resolveRemoteTarget } = await import('../../targets/remote-clients.ts');
  const { describeRemoteLab, ensureNoRunningExecution, openReadyRemoteLab } = await import('../../targets/remote-lab.ts');
  const { describeReset, resetLab } = await import('../../targets/reset-lab.ts');
  const { explainingErrors } = await import('../../targets/target-errors.ts');
  const target = await resolveRemoteTarget(name, options);
  const lab = await openReadyRemoteLab(target);
  try {
    const summary = await explainingErrors(target, async () => {
      await ensureNoRunningExecution(lab, 'reset the lab');
      return resetLab(lab.clients, lab.outputs);
    });
    process.stdout.write(`reset ${describeRemoteLab(lab)}: ${describeReset(summary)}\n`);
    return EXIT.ok;
  } finally {
    lab.close();
  }
}

// racelab reset: brings a deployed lab back to steady state between runs
// (no plans, fences or generation counter; an empty hosted zone).
import { resolveRemoteTarget } from '../targets/remote-clients.ts';
import { describeRemoteLab, ensureNoRunningExecution, openReadyRemoteLab } from '../targets/remote-lab.ts';
import { describeReset, resetLab } from '../targets/reset-lab.ts';
import { explainingErrors } from '../targets/target-errors.ts';
import { parseTargetName, rejectRemoteOptionsForLocal, type TargetOptions } from '../targets/target.ts';
import { EXIT } from '../usage-error.ts';

export const LOCAL_RESET_NOT_NEEDED =
  'nothing to reset: every run on the local target starts a fresh embedded lab (new tables, an empty hosted zone), so no run sees what an earlier one left';

export async function resetCommand(options: TargetOptions): Promise<number> {
  const name = parseTargetName(options.target);
  if (name === 'local') {
    rejectRemoteOptionsForLocal(options);
    process.stdout.write(`${LOCAL_RESET_NOT_NEEDED}\n`);
    return EXIT.ok;
  }
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

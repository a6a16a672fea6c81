// racelab teardown: deletes the deployed lab (the CloudFormation stack and
// everything in it), after an explicit --yes.
import { resolveRemoteTarget } from '../targets/remote-clients.ts';
import { describeRemoteLab, openRemoteLab } from '../targets/remote-lab.ts';
import { teardownStack } from '../targets/teardown-stack.ts';
import { explainingErrors } from '../targets/target-errors.ts';
import { describeTarget, parseTargetName, rejectRemoteOptionsForLocal, remoteTarget, type TargetOptions } from '../targets/target.ts';
import { EXIT, UsageError } from '../usage-error.ts';

export interface TeardownCommandOptions extends TargetOptions {
  yes?: boolean;
}

export const LOCAL_TEARDOWN_NOT_NEEDED = 'nothing to tear down: the local target is an embedded lab that lives only while a racelab command runs';

export async function teardownCommand(options: TeardownCommandOptions): Promise<number> {
  const name = parseTargetName(options.target);
  if (name === 'local') {
    rejectRemoteOptionsForLocal(options);
    process.stdout.write(`${LOCAL_TEARDOWN_NOT_NEEDED}\n`);
    return EXIT.ok;
  }
  if (!options.yes) {
    // Say what would go, without a call: the refusal must not depend on credentials or a network.
    const planned = remoteTarget(name, options);
    throw new UsageError(
      `teardown deletes stack ${planned.stackName} and everything in it (tables with their run events, the hosted zone, the functions and state machines) on ${name}; ` +
        `run it again with --yes to confirm, or use ${planned.commands.destroy}`,
    );
  }
  const target = await resolveRemoteTarget(name, options);
  const lab = await openRemoteLab(target);
  try {
    process.stderr.write(`deleting stack ${lab.stack.name} (${lab.stack.status}) on ${describeRemoteLab(lab)}; this takes a few minutes…\n`);
    await explainingErrors(target, () => teardownStack(lab, { progress: (line) => process.stderr.write(`${line}\n`) }));
    process.stdout.write(`deleted stack ${lab.stack.name} (${describeTarget(target)})\n`);
    return EXIT.ok;
  } finally {
    lab.close();
  }
}

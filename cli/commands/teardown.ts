// racelab teardown: deletes the deployed lab (the CloudFormation stack and
// everything in it), after an explicit --yes.
import { Command } from 'commander';
import { exitWith, targetHelp, targetOption, withTargetOptions } from '../command-options.ts';
import { describeTarget, parseTargetName, rejectRemoteOptionsForLocal, remoteTarget, type TargetOptions } from '../../targets/target.ts';
import { EXIT, UsageError } from '../../scenario/usage-error.ts';

export function command(): Command {
  return withTargetOptions(
    new Command('teardown').description('delete the deployed lab (its CloudFormation stack and everything in it) and wait until it is gone'),
    targetOption().default(undefined).makeOptionMandatory(),
  )
    .option('-y, --yes', 'confirm the deletion (without it, teardown refuses and exits 2)')
    .addHelpText(
      'after',
      `
Running executions are stopped and the hosted zone is emptied first (CloudFormation
cannot delete a zone that still holds records); then DeleteStack, with progress.
Equivalent: npx cdk destroy (aws) or npx cdklocal destroy (localstack), after \`racelab reset\`.
The CDK bootstrap stack (CDKToolkit) stays; remove it by hand if you no longer need it.
${targetHelp}

Examples:
  racelab teardown --target aws --yes
  racelab teardown --target localstack --yes`,
    )
    .action(async (options: TeardownCommandOptions) => exitWith(await teardownCommand(options)));
}

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
      `teardown deletes stack ${planned.stackName} and everything in it (tables with their run events, the hosted zone, the functions and ` +
        `state machines) on ${name}; ` +
        `run it again with --yes to confirm, or use ${planned.commands.destroy}`,
    );
  }
  const { resolveRemoteTarget } = await import('../../targets/remote-clients.ts');
  const { describeRemoteLab, openRemoteLab } = await import('../../targets/remote-lab.ts');
  const { teardownStack } = await import('../../targets/teardown-stack.ts');
  const { explainingErrors } = await import('../../targets/target-errors.ts');
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

// racelab repair: the incident's manual intervention as a command. It plans
// every change batch, prints them, applies them (unless --dry-run), and checks
// that a second repair would change nothing. On the local target it attaches
// to the lab `racelab up` serves, through the environment `up` prints.
import { Command } from 'commander';
import { systemClock } from '../../lambdas/adapters/clocks.ts';
import { ChangeRejected } from '../../lambdas/core/errors.ts';
import { applyRepair, planRepair, repairNeeded, STALE_LOCK_SECONDS, type RepairContext } from '../../lambdas/core/repair.ts';
import { renderRepair, repairJson } from '../../report/repair-text.ts';
import { exitWith, targetHelp, withTargetOptions } from '../command-options.ts';
import { plain, styler } from '../../report/style.ts';
import { parseTargetName, rejectRemoteOptionsForLocal, type TargetOptions } from '../../targets/target.ts';
import { EXIT } from '../../scenario/usage-error.ts';
import { processEnvironment, type Environment } from '../../infra/environment.ts';
import { attachToUpLab, explainUpLabError } from '../../targets/up-lab.ts';

export function command(): Command {
  return withTargetOptions(
    new Command('repair').description('the manual intervention as a command: bring every endpoint back onto a plan that answers, from any state (idempotent)'),
  )
    .option('--dry-run', 'print the change batches, change nothing')
    .option('--json', 'print the repair as one JSON object')
    .addHelpText(
      'after',
      `
Picks the newest plan row with a live load balancer; with no row left, rebuilds the
plan from the newest tree of the lab's endpoints still in DNS and writes its row back.
It raises the Planner's generation counter past every generation it finds. For each of
the lab's endpoints (the plan's list) it prints, then sends, one change batch: the
endpoint's lock (taken like any writer takes it, and left released), the plan's tree
(exactly the plan's records), the endpoint's alias to it, and a rollback record that
points at a tree that exists. An endpoint already on a newer tree that answers is left
there. A lock that expires further ahead than any lease the lab grants (${STALE_LOCK_SECONDS} s) is
stale and replaced, even when nothing else changes. Trees under other names are
reported, never touched. Then it checks that a second repair would change nothing.
A batch the zone rejects (an Enactor moved meanwhile) is planned again.

--target local attaches to the lab \`racelab up\` serves: paste the export lines
it prints (AWS_ENDPOINT_URL_*, PLANS_TABLE, HOSTED_ZONE_ID, ZONE_NAME) first.
${targetHelp}

Exit codes: 0 repaired (or nothing to change), 1 nothing to repair onto or the
zone kept changing, 2 bad input or no lab to attach to.

Examples:
  racelab up --scenario oct-2025                     # terminal 1: the outage, served
  racelab repair --dry-run                           # terminal 2 (after the exports): what it would do
  racelab repair && dig @127.0.0.1 -p PORT dynamodb.us-east-1.lab.internal
  racelab repair --target aws --dry-run`,
    )
    .action(async (options: RepairOptions) => exitWith(await repairCommand(options)));
}

export interface RepairOptions extends TargetOptions {
  dryRun?: boolean;
  json?: boolean;
}

/** How often to plan again when the zone changes under a batch (an Enactor still running). */
const ATTEMPTS_MAX = 3;

export async function repairCommand(options: RepairOptions, env: Environment = processEnvironment()): Promise<number> {
  const name = parseTargetName(options.target);
  if (name === 'local') {
    rejectRemoteOptionsForLocal(options);
    const lab = await attachToUpLab('repair --target local', env);
    try {
      return await repairOn({ store: lab.store, dns: lab.dns, clock: systemClock, zone: lab.zone }, `local (${lab.where})`, options);
    } catch (error) {
      throw explainUpLabError(error, env);
    }
  }
  // The adapters bring the AWS SDK: loaded when the command runs, not when racelab starts.
  const { DynamoDbPlanStore } = await import('../../lambdas/adapters/dynamodb-plan-store.ts');
  const { Route53DnsZone } = await import('../../lambdas/adapters/route53-dns-zone.ts');
  const { resolveRemoteTarget } = await import('../../targets/remote-clients.ts');
  const { describeRemoteLab, openReadyRemoteLab } = await import('../../targets/remote-lab.ts');
  const { explainingErrors } = await import('../../targets/target-errors.ts');
  const target = await resolveRemoteTarget(name, options);
  const lab = await openReadyRemoteLab(target);
  try {
    const { outputs, clients } = lab;
    const ctx: RepairContext = {
      store: new DynamoDbPlanStore(outputs.plansTable, clients.dynamodb),
      dns: new Route53DnsZone(outputs.hostedZoneId, clients.route53),
      clock: systemClock,
      zone: outputs.zoneName,
    };
    return await explainingErrors(target, () => repairOn(ctx, describeRemoteLab(lab), options));
  } finally {
    lab.close();
  }
}

async function repairOn(ctx: RepairContext, where: string, options: RepairOptions): Promise<number> {
  const paint = options.json ? plain : styler(process.stdout);
  const log = (text: string) => {
    if (!options.json) process.stdout.write(`${text}\n`);
  };
  log(paint('bold', `racelab repair · ${where}${options.dryRun ? ' · dry run' : ''}`));
  for (let attempt = 1; ; attempt++) {
    const repair = await planRepair(ctx);
    if (!repair.plan) {
      const names = repair.strays.map((stray) => stray.endpoint).join(', ');
      const left = names ? `of the lab's endpoints are left to repair onto (trees under ${names} are not the lab's)` : 'are left to repair onto';
      const why = `no plan row and no plan tree ${left}: write a plan first (a run of any scenario does)`;
      if (options.json) process.stdout.write(`${JSON.stringify({ repaired: false, reason: why, strays: repair.strays })}\n`);
      else process.stderr.write(`racelab: ${why}\n`);
      return EXIT.unexpected;
    }
    log(renderRepair(repair, ctx.zone, paint));
    if (!repairNeeded(repair) || options.dryRun) {
      if (options.json) process.stdout.write(`${JSON.stringify(repairJson(repair, ctx.zone, { applied: false, dryRun: options.dryRun === true }))}\n`);
      else log(repairNeeded(repair) ? 'dry run: nothing was changed' : 'nothing to change: every endpoint already answers from the repaired plan');
      return EXIT.ok;
    }
    try {
      await applyRepair(ctx, repair);
    } catch (error) {
      if (!(error instanceof ChangeRejected) || attempt >= ATTEMPTS_MAX) throw error;
      log(
        paint('yellow', `the zone changed under a batch (${error.messages[0] ?? error.message}); planning again (attempt ${attempt + 1} of ${ATTEMPTS_MAX})`),
      );
      continue;
    }
    const settled = !repairNeeded(await planRepair(ctx));
    if (options.json) process.stdout.write(`${JSON.stringify(repairJson(repair, ctx.zone, { applied: true, dryRun: false, settled }))}\n`);
    else {
      const batches = repair.endpoints.filter((endpoint) => endpoint.changes.length > 0).length;
      const also = [
        ...(repair.restoreRow ? [`wrote g${repair.plan.generation}'s row back`] : []),
        ...(repair.counter ? [`raised the generation counter to ${repair.counter.to}`] : []),
      ];
      log(`applied ${batches} change batch${batches === 1 ? '' : 'es'}${also.map((what) => `, ${what}`).join('')}`);
      log(
        settled
          ? paint('green', 'checked: a second repair finds nothing to change')
          : paint('yellow', 'a second repair would still change something: the zone is changing (is a run still going?)'),
      );
    }
    return settled ? EXIT.ok : EXIT.unexpected;
  }
}

// Options and help text that several commands share: the target options, the
// safeguard and target help, the embedded target's simulation options and the
// explorer's bounds. Light imports only: every command's definition loads on start.
import { Option, type Command } from 'commander';
import { BOUND_LIMITS, DEFAULT_BOUNDS } from '../explorer/config.ts';
import { INVARIANT_NAMES, INVARIANTS } from '../explorer/invariant-names.ts';
import { SANDBOX_ENV } from '../infra/sandbox-guard.ts';
import { DEFAULT_STACK_NAME, LOCALSTACK_ENDPOINT } from '../infra/stack-outputs.ts';
import { SAFEGUARD_SUMMARY, SAFEGUARDS } from '../lambdas/core/safeguards/index.ts';
import { TARGETS } from '../targets/target.ts';

/** For repeatable options: each use adds to the list. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** --target, --stack and --region: the same on every command that can reach a deployed stack. */
export const targetOption = (targets: readonly string[] = TARGETS) =>
  new Option('-t, --target <target>', 'where to act: local (the embedded lab), aws (a sandbox account) or localstack').choices(targets).default('local');
export const stackOption = () => new Option('--stack <name>', `aws/localstack: the CloudFormation stack of the lab (default: ${DEFAULT_STACK_NAME})`);
export const regionOption = () =>
  new Option('--region <region>', "aws/localstack: the region of the stack (default: AWS_REGION, then, on aws, your profile's region, then us-east-1)");

/** Adds --target, --stack and --region. */
export const withTargetOptions = (command: Command, target: Option = targetOption()): Command =>
  command.addOption(target).addOption(stackOption()).addOption(regionOption());

export const targetHelp = `
Targets:
  local        the embedded lab, started in this process for the command (default)
  aws          the stack deployed with \`npx cdk deploy\` in a sandbox account; credentials,
               profile and region as for the AWS CLI (AWS_PROFILE, AWS_REGION)
  localstack   the stack deployed with \`npx cdklocal deploy\` on LocalStack at
               ${LOCALSTACK_ENDPOINT} (or AWS_ENDPOINT_URL); LocalStack's test keys unless
               AWS_ACCESS_KEY_ID is set

On aws, racelab refuses an account whose alias contains "prod", and any account
not listed in ${SANDBOX_ENV.allowlist} (comma-separated) when that variable is set;
set but blank, it allows no account.`;

export const safeguardHelp = SAFEGUARDS.map((name) => `  ${name.padEnd(22)} ${SAFEGUARD_SUMMARY[name]}`).join('\n');

export const invariantHelp = INVARIANT_NAMES.map((name) => `  ${name.padEnd(12)} ${INVARIANTS[name]}`).join('\n');

/** -s, --safeguard: repeatable, or comma-separated. */
export const safeguardOption = (description = 'switch a safeguard on (repeat, or comma-separate, for several)') =>
  new Option('-s, --safeguard <name>', description).default([]).argParser(collect);

/** The embedded target's simulation options, on `run` and `up --scenario`. */
export const simulationOptions = (command: Command, prefix = 'local only'): Command =>
  command
    .option(
      '--latency <seconds>',
      `${prefix}: virtual seconds each call to the lab's endpoints takes, one number or MIN-MAX (default: the scenario's, 0.02-0.2 for oct-2025)`,
    )
    .option('--cold-start <seconds>', `${prefix}: the most a function's first invocation adds, in virtual seconds (default: the scenario's)`)
    .option('--latency-seed <n>', `${prefix}: seed for the latencies and cold starts (default: the --seed value)`)
    .option('--pace <ms>', `${prefix}: replay the timeline at this many real milliseconds per scenario second (1000: real time), for watching`);

export const localTimeHelp = `
Time on the local target is virtual: the run takes as long as the machine
needs, and the same scenario, seed, safeguards and latency give the same events
(and the same eventsDigest in --json) on any machine, under any load.`;

/** The explorer's bounds and search options, on `explore` and `check`. */
export const boundOptions = (command: Command): Command =>
  command
    .option(
      '--enactors <n>',
      `Enactors racing, each running one full cycle (${BOUND_LIMITS.enactors.min}-${BOUND_LIMITS.enactors.max}, default ${DEFAULT_BOUNDS.enactors})`,
    )
    .option('--endpoints <n>', `endpoints sharing the plan (${BOUND_LIMITS.endpoints.min}-${BOUND_LIMITS.endpoints.max}, default ${DEFAULT_BOUNDS.endpoints})`)
    .option('--generations <n>', `plans in all; g1 is applied before the race, the Planner writes the rest during it (default ${DEFAULT_BOUNDS.generations})`)
    .option('--retries <n>', `attempts per endpoint, and per old plan in clean-up (default ${DEFAULT_BOUNDS.retries})`)
    .option('--keep <n>', `clean-up keeps plans up to this many generations older than the one applied (default ${DEFAULT_BOUNDS.keepGenerations})`)
    .addOption(safeguardOption('switch a safeguard on (repeat, or comma-separate)'))
    .option('--random <walks>', 'seeded random walks instead of the exhaustive search (for bounds too large to exhaust)')
    .option('--seed <n>', 'seed for --random (default 1); the same seed gives the same walks')
    .option('--states-max <n>', 'stop the exhaustive search after this many distinct states (the result then says INCOMPLETE)')
    .option('--json', 'print the result as JSON')
    .option('-q, --quiet', 'no progress on stderr (by default: a live line on a terminal, a plain line every 5 s otherwise)');

/** The exit code a command's action returns becomes the process's. */
export const exitWith = (code: number): void => {
  process.exitCode = code;
};

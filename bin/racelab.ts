#!/usr/bin/env node
// racelab: recreate, break and fix the October 2025 DynamoDB DNS race.
import '../local/node-compat.ts';
import { Command, CommanderError, Option } from 'commander';
import { SAFEGUARDS, SAFEGUARD_SUMMARY } from '../lambdas/core/safeguards/index.ts';
import { SANDBOX_ENV } from '../infra/sandbox-guard.ts';
import { TARGETS } from '../cli/targets/target.ts';
import { DEFAULT_STACK_NAME, LOCALSTACK_ENDPOINT } from '../infra/stack-outputs.ts';
import { EXIT, UsageError } from '../cli/usage-error.ts';
import { projectVersion } from '../scenario/project-root.ts';
import { DEFAULT_SCENARIO, ScenarioError } from '../scenario/scenario-error.ts';
import { BOUND_LIMITS, DEFAULT_BOUNDS, PROOF_BOUNDS } from '../explorer/config.ts';
import { INVARIANT_NAMES, INVARIANTS } from '../explorer/invariant-names.ts';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** --target, --stack and --region: the same on every command that can reach a deployed stack. */
const targetOption = (targets: readonly string[] = TARGETS) =>
  new Option('-t, --target <target>', 'where to act: local (the embedded lab), aws (a sandbox account) or localstack').choices(targets).default('local');
const stackOption = () => new Option('--stack <name>', `aws/localstack: the CloudFormation stack of the lab (default: ${DEFAULT_STACK_NAME})`);
const regionOption = () => new Option('--region <region>', 'aws/localstack: the region of the stack (default: AWS_REGION, then, on aws, your profile\'s region, then us-east-1)');

const targetHelp = `
Targets:
  local        the embedded lab, started in this process for the command (default)
  aws          the stack deployed with \`npx cdk deploy\` in a sandbox account; credentials,
               profile and region as for the AWS CLI (AWS_PROFILE, AWS_REGION)
  localstack   the stack deployed with \`npx cdklocal deploy\` on LocalStack at
               ${LOCALSTACK_ENDPOINT} (or AWS_ENDPOINT_URL); LocalStack's test keys unless
               AWS_ACCESS_KEY_ID is set

On aws, racelab refuses an account whose alias contains "prod", and any account
not listed in ${SANDBOX_ENV.allowlist} (comma-separated) when that variable is set.`;

const safeguardHelp = SAFEGUARDS.map((name) => `  ${name.padEnd(22)} ${SAFEGUARD_SUMMARY[name]}`).join('\n');

/** The embedded target's simulation options, on `run` and `up --scenario`. */
const simulationOptions = (command: Command, prefix = 'local only'): Command =>
  command
    .option('--latency <seconds>', `${prefix}: virtual seconds each call to the lab's endpoints takes, one number or MIN-MAX (default: the scenario's, 0.02-0.2 for oct-2025)`)
    .option('--cold-start <seconds>', `${prefix}: the most a function's first invocation adds, in virtual seconds (default: the scenario's)`)
    .option('--latency-seed <n>', `${prefix}: seed for the latencies and cold starts (default: the --seed value)`)
    .option('--pace <ms>', `${prefix}: replay the timeline at this many real milliseconds per scenario second (1000: real time), for watching`)
    // Retired; parsed only to say what replaced it.
    .addOption(new Option('--ms-per-second <ms>').hideHelp());

const localTimeHelp = `
Time on the local target is virtual: the run takes as long as the machine
needs, and the same scenario, seed, safeguards and latency give the same events
(and the same eventsDigest in --json) on any machine, under any load.`;

// Each command's module loads when that command runs: a start that loads every
// command (the AWS SDK clients, the embedded lab, the explorer) costs a second.
const program = new Command()
  .name('racelab')
  .description('Recreate the 20 October 2025 us-east-1 DynamoDB DNS race, break it and fix it.')
  .version(projectVersion(), '-V, --version', 'print the version and exit')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

const run = program
  .command('run')
  .description('run a scenario on a target (the embedded lab by default) and print its timeline and verdict')
  .argument('[scenario]', `scenario name (see \`racelab scenarios\`) or path to a scenario .json file (default: ${DEFAULT_SCENARIO})`)
  .addOption(new Option('-s, --safeguard <name>', 'switch a safeguard on (repeat, or comma-separate, for several)').default([]).argParser(collect))
  .option('--seed <n>', "seed for the Planner's weights (default: the scenario's)")
  .option('--from <file>', 'run a scenario file written by `racelab explore` (its safeguards are the default)')
  .option('--json', 'print the run as JSON (outcome, story, eventsDigest, per-endpoint verdict, events; on local also the simulation, on aws/localstack the execution) instead of a timeline')
  .addOption(targetOption())
  .addOption(stackOption())
  .addOption(regionOption());
simulationOptions(run)
  .addHelpText(
    'after',
    `
Safeguards:
${safeguardHelp}
${targetHelp}
${localTimeHelp}

On aws and localstack the run starts the scenario's Step Functions execution
(in real time: a scenario second is a second), follows it (progress on stderr;
Ctrl-C stops the execution), then reads the run-events table and prints the
same timeline and verdict as the embedded lab. Run \`racelab reset\` between runs.

The verdict also checks the story: the key events the scenario says the race
goes through with these safeguards (see \`racelab scenarios\`), in order.

Exit codes: 0 the outcome matches the scenario's expectation for these safeguards
            and its story played out, 1 it does not (or the execution failed),
            2 bad input or a target that is not ready (no credentials, stack not
            deployed, LocalStack down), 130 interrupted.

Examples:
  racelab run                                  # the outage, as it happened
  racelab run oct-2025 --safeguard write-time-check
  racelab run --safeguard self-heal --json | jq '.story'
  racelab run --latency 0-3 --cold-start 5 --latency-seed 7   # same story, slower network
  racelab run --pace 250                       # watch it unfold, 4 scenario seconds a second
  racelab run oct-2025 --target aws            # after: npx cdk deploy -c sandboxAccounts=<account>
  AWS_PROFILE=sandbox racelab run --target aws --region eu-west-1 --safeguard protect-active
  racelab run oct-2025 --target localstack     # after: npx cdklocal deploy`,
  )
  .action(async (scenario: string, options) => {
    process.exitCode = await (await import('../cli/commands/run.ts')).runCommand(scenario, options);
  });

const up = program
  .command('up')
  .description('serve the embedded DynamoDB, Route 53 and DNS endpoints on loopback until Ctrl-C')
  .option('--dynamodb-port <port>', 'port for the DynamoDB API (default: a free one)')
  .option('--route53-port <port>', 'port for the Route 53 API (default: a free one)')
  .option('--dns-port <port>', 'port for the DNS server, UDP and TCP (default: a free one)')
  .option('--scenario <name>', 'first run this scenario (name or .json path), then keep serving its end state for dig and the AWS CLI')
  .addOption(new Option('-s, --safeguard <name>', 'with --scenario: switch a safeguard on (repeatable)').default([]).argParser(collect))
  .option('--seed <n>', "with --scenario: seed for the Planner's weights")
  .option('--json', 'print the endpoints and environment as one JSON line (and the run report first, with --scenario)');
simulationOptions(up, 'with --scenario')
  .addHelpText(
    'after',
    `
Examples:
  racelab up                         # empty lab: drive it yourself with the AWS CLI
  racelab up --scenario oct-2025     # run the race, then: dig @127.0.0.1 -p PORT dynamodb.us-east-1.lab.internal`,
  )
  .action(async (options) => {
    process.exitCode = await (await import('../cli/commands/up.ts')).upCommand(options);
  });

program
  .command('reset')
  .description('restore a deployed lab to steady state between runs (no plans, fences or counter; an empty hosted zone)')
  .addOption(targetOption())
  .addOption(stackOption())
  .addOption(regionOption())
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
  .action(async (options) => {
    process.exitCode = await (await import('../cli/commands/reset.ts')).resetCommand(options);
  });

program
  .command('repair')
  .description('the manual intervention as a command: bring every endpoint back onto a plan that answers, from any state (idempotent)')
  .addOption(targetOption())
  .addOption(stackOption())
  .addOption(regionOption())
  .option('--dry-run', 'print the change batches, change nothing')
  .option('--json', 'print the repair as one JSON object')
  .addHelpText(
    'after',
    `
Picks the newest plan row with a live load balancer; with no row left, rebuilds the
plan from the newest tree still in DNS and writes its row back. For each endpoint it
prints, then sends, one change batch: the endpoint's lock (taken like any writer
takes it, and left released), the plan's tree, the endpoint's alias to it, and a
rollback record that points at a tree that exists. An endpoint already on a newer
tree that answers is left there. Then it checks that a second repair would change
nothing. A batch the zone rejects (an Enactor moved meanwhile) is planned again.

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
  .action(async (options) => {
    process.exitCode = await (await import('../cli/commands/repair.ts')).repairCommand(options);
  });

program
  .command('teardown')
  .description('delete the deployed lab (its CloudFormation stack and everything in it) and wait until it is gone')
  .addOption(targetOption().default(undefined).makeOptionMandatory())
  .addOption(stackOption())
  .addOption(regionOption())
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
  .action(async (options) => {
    process.exitCode = await (await import('../cli/commands/teardown.ts')).teardownCommand(options);
  });

program
  .command('doctor')
  .description("check which Route 53 rules the target honours (the conformance suite's cases), and what in the lab relies on each")
  .addOption(targetOption())
  .addOption(stackOption())
  .addOption(regionOption())
  .option('--json', 'print the result of every case as JSON')
  .addHelpText(
    'after',
    `
Each case runs in its own private hosted zone (on aws and localstack associated
with the stack's VPC), deleted afterwards. LocalStack's Route 53 is built on moto,
known to accept a DELETE that does not match and to apply a failing batch in
part; the doctor shows what the running LocalStack actually does.
${targetHelp}

Exit codes: 0 every rule honoured, 1 some rule not honoured, 2 bad input or a target that is not ready.

Examples:
  racelab doctor                              # the embedded endpoint: every rule honoured
  racelab doctor --target localstack
  racelab doctor --target aws --json | jq '.cases[] | select(.honoured | not)'`,
  )
  .action(async (options) => {
    process.exitCode = await (await import('../cli/commands/doctor.ts')).doctorCommand(options);
  });

const boundOptions = (command: Command, defaults: { enactors: number; endpoints: number } = DEFAULT_BOUNDS): Command =>
  command
    .option('--enactors <n>', `Enactors racing, each running one full cycle (${BOUND_LIMITS.enactors.min}-${BOUND_LIMITS.enactors.max}, default ${defaults.enactors})`)
    .option('--endpoints <n>', `endpoints sharing the plan (${BOUND_LIMITS.endpoints.min}-${BOUND_LIMITS.endpoints.max}, default ${defaults.endpoints})`)
    .option('--generations <n>', `plans in all; g1 is applied before the race, the Planner writes the rest during it (default ${DEFAULT_BOUNDS.generations})`)
    .option('--retries <n>', `attempts per endpoint (default ${DEFAULT_BOUNDS.retries})`)
    .option('--keep <n>', `clean-up keeps plans up to this many generations older than the one applied (default ${DEFAULT_BOUNDS.keepGenerations})`)
    .addOption(new Option('-s, --safeguard <name>', 'switch a safeguard on (repeat, or comma-separate)').default([]).argParser(collect))
    .option('--random <walks>', 'seeded random walks instead of the exhaustive search (for bounds too large to exhaust)')
    .option('--seed <n>', 'seed for --random (default 1); the same seed gives the same walks')
    .option('--states-max <n>', 'stop the exhaustive search after this many distinct states (the result then says INCOMPLETE)')
    .option('--json', 'print the result as JSON');

const invariantHelp = INVARIANT_NAMES.map((name) => `  ${name.padEnd(12)} ${INVARIANTS[name]}`).join('\n');

boundOptions(
  program
    .command('explore')
    .description('explore interleavings of the real Planner and Enactor code; print which invariants hold and the shortest counterexample found'),
)
  .option('--matrix', `baseline, each safeguard alone and each pair, as a table (default bounds ${PROOF_BOUNDS.enactors} enactors × ${PROOF_BOUNDS.endpoints} endpoints)`)
  .option('--out <file>', 'where to write the counterexample as a scenario file (default ./counterexample.json); the folder must exist')
  .option('--force', 'let --out overwrite a file that is not an earlier counterexample')
  .addHelpText(
    'after',
    `
Every call the code makes on the plan store or the zone is a scheduling point.
The exhaustive search covers every interleaving within the bounds (depth-first,
state hashing, sleep sets); --random samples beyond them.

Invariants:
${invariantHelp}

Exit codes: 0 every invariant proved to hold within the bounds, 1 a counterexample
was found or nothing was proved (search stopped early, or --random), 2 bad input.
--matrix only reports: it exits 0 (uses bounds ${PROOF_BOUNDS.enactors} enactors × ${PROOF_BOUNDS.endpoints} endpoints unless given).

Examples:
  racelab explore                                   # the outage, found from scratch
  racelab explore --safeguard write-time-check --enactors 2 --endpoints 2   # holds (seconds; 3×3 takes many minutes)
  racelab explore --matrix
  racelab explore --seed 1234 --random 100000 --generations 6
  racelab run --from counterexample.json            # replay the counterexample on the embedded target`,
  )
  .action(async (options) => {
    process.exitCode = await (await import('../cli/commands/explore.ts')).exploreCommand(options);
  });

boundOptions(
  program
    .command('check')
    .description('training: does the Enactor in this working tree (your patch) hold every invariant in every interleaving?'),
  PROOF_BOUNDS,
)
  .addOption(new Option('--invariant <name>', 'require only these invariants (repeatable, or comma-separated); default: all of them').default([]).argParser(collect))
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
  .action(async (options) => {
    process.exitCode = await (await import('../cli/commands/explore.ts')).checkCommand(options);
  });

program
  .command('scenarios')
  .description('list the scenarios and what each is expected to show')
  .option('--json', 'print as JSON')
  .action(async (options) => {
    process.exitCode = await (await import('../cli/commands/scenarios.ts')).scenariosCommand(options);
  });

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
  } else if (error instanceof UsageError || error instanceof ScenarioError) {
    process.stderr.write(`racelab: ${error.message}\n`);
    process.exitCode = EXIT.usage;
  } else {
    process.stderr.write(`racelab: unexpected error: ${(error as Error).message}\n(please report it with the command you ran)\n`);
    if (process.env.RACELAB_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    process.exitCode = EXIT.unexpected;
  }
}

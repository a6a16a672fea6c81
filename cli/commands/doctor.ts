// racelab doctor: which Route 53 rules does the target honour? Runs the
// conformance cases against the embedded endpoint (local), LocalStack, or the
// real Route 53 of the account the stack is deployed in. On LocalStack it
// first checks what the lab needs beyond Route 53's API (localstack-doctor.ts);
// on AWS, what the account must offer before a deploy (aws-doctor.ts), which
// it reports even when the stack is not deployed yet.
// The SDK, the embedded endpoint and the cases load when the command runs, not when racelab starts.
import { Command } from 'commander';
import { exitWith, targetHelp, withTargetOptions } from '../command-options.ts';
import type { TargetCheck } from '../../targets/localstack-doctor.ts';
import type { Route53UnderTest } from '../../targets/route53-under-test.ts';
import type { AwsDoctorResult } from '../../targets/aws-doctor.ts';
import { describeTarget, parseTargetName, rejectRemoteOptionsForLocal, type RemoteTarget, type TargetOptions } from '../../targets/target.ts';
import { AVAILABILITY_ZONES_CONTEXT, LAB_AVAILABILITY_ZONES, areLabAvailabilityZones, availabilityZoneList } from '../../infra/lab-placement.ts';
import { styler } from '../../report/style.ts';
import { EXIT, UsageError } from '../../scenario/usage-error.ts';

export function command(): Command {
  return withTargetOptions(
    new Command('doctor').description("check which Route 53 rules the target honours (the conformance suite's cases), and what in the lab relies on each"),
  )
    .option('--json', 'print the result of every case as JSON')
    .option('--dns-server <host:port>', "localstack only: where LocalStack's DNS server answers (default: the endpoint's host, port 53)")
    .option(
      '--availability-zones <zones>',
      `aws only: the lab's two AZs as you give them to cdk deploy (-c ${AVAILABILITY_ZONES_CONTEXT}=…); default: the first two Fn::GetAZs gives`,
    )
    .addHelpText(
      'after',
      `
Each case runs in its own private hosted zone (on aws and localstack associated
with the stack's VPC), deleted afterwards. LocalStack's Route 53 is built on moto,
known to accept a DELETE that does not match and to apply a failing batch in
part; the doctor shows what the running LocalStack actually does. On localstack
it first checks that LocalStack runs, offers the services the lab uses, has an
active license, and that its DNS server answers the lab zone's names (the
Probe's view); each gap comes with its fix. On aws it first checks, with
read-only EC2 calls and before a deploy as well as after, that AWS offers
Route 53's interface endpoint (com.amazonaws.route53) in the AZ the stack puts
it in: the first of the lab's AZs, in us-east-1 (elsewhere the stack has none).
With no stack deployed yet it stops there, and exits 0 if nothing is missing.
${targetHelp}

Exit codes: 0 every rule honoured, 1 some rule not honoured (or, on localstack or aws, a gap), 2 bad input or a target that is not ready;
on aws with no stack deployed yet, 0 when the checks before a deploy find nothing missing, 1 for a gap.

Examples:
  racelab doctor                              # the embedded endpoint: every rule honoured
  racelab doctor --target localstack
  racelab doctor --target localstack --dns-server 127.0.0.1:5353
  racelab doctor --target aws --json | jq '.cases[] | select(.honoured | not)'
  racelab doctor --target aws --availability-zones us-east-1b,us-east-1c     # before: npx cdk deploy -c availabilityZones=us-east-1b,us-east-1c`,
    )
    .action(async (options: DoctorCommandOptions) => exitWith(await doctorCommand(options)));
}

export interface DoctorCommandOptions extends TargetOptions {
  json?: boolean;
  dnsServer?: string;
  availabilityZones?: string;
}

/** host:port, host an IPv4 address or a name; port 1-65535. */
const HOST_PORT = /^[A-Za-z0-9.-]+:(\d{1,5})$/;

export async function doctorCommand(options: DoctorCommandOptions): Promise<number> {
  const name = parseTargetName(options.target);
  if (name === 'local') rejectRemoteOptionsForLocal(options);
  if (options.dnsServer !== undefined) {
    if (name !== 'localstack') throw new UsageError('--dns-server applies to --target localstack only');
    const port = Number(HOST_PORT.exec(options.dnsServer)?.[1]);
    if (!(port >= 1 && port <= 65_535)) throw new UsageError(`--dns-server "${options.dnsServer}" is not HOST:PORT (e.g. 127.0.0.1:53)`);
  }
  if (options.availabilityZones !== undefined && name !== 'aws') throw new UsageError('--availability-zones applies to --target aws only');
  const target = name === 'local' ? undefined : await (await import('../../targets/remote-clients.ts')).resolveRemoteTarget(name, options);
  const paint = styler(process.stdout);
  const aws = target?.name === 'aws' ? await awsBeforeDeploy(target, options, paint) : undefined;
  const { ROUTE53_CONFORMANCE_CASES } = await import('../../targets/route53-conformance.ts');
  let route53: Route53UnderTest;
  try {
    const { deployedRoute53, embeddedRoute53 } = await import('../../targets/route53-under-test.ts');
    route53 = target ? await deployedRoute53(target.name, target, options.dnsServer) : await embeddedRoute53();
  } catch (error) {
    const { StackMissingError } = await import('../../targets/deployed-stack.ts');
    if (!aws || !(error instanceof StackMissingError)) throw error;
    // Before a deploy: the checks above are all the doctor can make; the conformance cases need the stack's VPC.
    const notRun = `not run: ${error.message}; then run the doctor again for the ${ROUTE53_CONFORMANCE_CASES.length} conformance cases`;
    if (options.json) {
      const total = ROUTE53_CONFORMANCE_CASES.length;
      const endpoint = describeTarget(aws.target);
      const body = { target: name, endpoint, honoured: 0, total, allHonoured: false, cases: [], notRun, aws: awsJson(aws) };
      process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    } else {
      process.stdout.write(`Route 53 conformance on aws: ${notRun}\n\n${aws.summary}\n`);
    }
    return hasGap(aws.checks) ? EXIT.unexpected : EXIT.ok;
  }
  const { doctorReport, formatCaseResult, formatDoctorSummary, runRoute53Doctor } = await import('../../targets/route53-doctor.ts');
  try {
    const localstack = route53.localstack;
    const checks = localstack ? await route53.guard(() => localstack.checks()) : [];
    if (localstack && !options.json) {
      process.stdout.write(`What the lab needs from LocalStack ${localstack.status.version} (${localstack.status.edition} edition):\n`);
      for (const check of checks) process.stdout.write(`${localstack.format.formatCheck(check, paint)}\n`);
      process.stdout.write('\n');
    }
    if (!options.json) {
      const slow = name === 'aws' ? '; each case creates and deletes a private hosted zone, so this takes several minutes' : '';
      process.stdout.write(`Route 53 conformance on ${name} (${route53.endpoint}): ${ROUTE53_CONFORMANCE_CASES.length} cases${slow}\n`);
    }
    const cases = await route53.guard(() =>
      runRoute53Doctor(route53.client, {
        vpcId: route53.vpcId,
        vpcRegion: route53.vpcRegion,
        insyncTimeoutMs: route53.insyncTimeoutMs,
        onResult: options.json ? undefined : (result) => process.stdout.write(`${formatCaseResult(result, paint)}\n`),
      }),
    );
    const report = doctorReport(name, route53.endpoint, cases);
    const gaps = hasGap(checks) || hasGap(aws?.checks ?? []);
    if (options.json) {
      const extra = localstack ? { localstack: { ...localstack.status, dnsServer: localstack.dnsServer, checks } } : aws ? { aws: awsJson(aws) } : {};
      process.stdout.write(`${JSON.stringify({ ...report, ...extra }, null, 2)}\n`);
    } else {
      process.stdout.write(`\n${formatDoctorSummary(report, paint)}\n`);
      if (localstack) process.stdout.write(`${localstack.format.formatLocalStackSummary(checks, paint)}\n`);
      if (aws) process.stdout.write(`${aws.summary}\n`);
    }
    return report.allHonoured && !gaps ? EXIT.ok : EXIT.unexpected;
  } finally {
    await route53.close();
  }
}

const hasGap = (checks: readonly TargetCheck[]) => checks.some((check) => check.status === 'gap');

/** --json's `aws`: where the stack would put Route 53's endpoint, and the checks (shaped as LocalStack's are). */
const awsJson = (aws: AwsDoctorResult): Record<string, unknown> => ({ ...aws.placement, checks: aws.checks });

interface AwsBeforeDeploy extends AwsDoctorResult {
  target: RemoteTarget;
  /** The line after the conformance summary. */
  summary: string;
}

/** What the account must offer before a deploy (read-only EC2 calls), printed at once; --availability-zones checked first. */
async function awsBeforeDeploy(target: RemoteTarget, options: DoctorCommandOptions, paint: ReturnType<typeof styler>): Promise<AwsBeforeDeploy> {
  const zones = availabilityZoneList(options.availabilityZones);
  if (options.availabilityZones !== undefined && !(zones && areLabAvailabilityZones(zones, target.region))) {
    throw new UsageError(
      `--availability-zones "${options.availabilityZones}" must name ${LAB_AVAILABILITY_ZONES} different AZs of ${target.region}, the ones ` +
        `you give cdk deploy (e.g. --availability-zones ${target.region}a,${target.region}c)`,
    );
  }
  const { awsDoctorChecks } = await import('../../targets/aws-doctor.ts');
  const { explainingErrors } = await import('../../targets/target-errors.ts');
  const result = await explainingErrors(target, () => awsDoctorChecks(target, zones));
  const { formatCheck, formatChecksSummary } = await import('../../targets/localstack-doctor.ts');
  if (!options.json) {
    process.stdout.write(`What the lab needs from AWS in ${target.region}, before a deploy:\n`);
    // Listed when it passes too: which AZs were checked is half the answer.
    for (const check of result.checks) process.stdout.write(`${formatCheck(check, paint, true)}\n`);
    process.stdout.write('\n');
  }
  return { ...result, target, summary: formatChecksSummary(result.checks, `AWS in ${target.region}`, paint) };
}

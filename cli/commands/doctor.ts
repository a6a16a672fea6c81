// racelab doctor: which Route 53 rules does the target honour? Runs the
// conformance cases against the embedded endpoint (local), LocalStack, or the
// real Route 53 of the account the stack is deployed in. On LocalStack it
// first checks what the lab needs beyond Route 53's API (localstack-doctor.ts).
// The SDK, the embedded endpoint and the cases load when the command runs, not when racelab starts.
import type { Route53Client, VPCRegion } from '@aws-sdk/client-route-53';
import { Command } from 'commander';
import { exitWith, targetHelp, withTargetOptions } from '../command-options.ts';
import type * as LocalStackDoctor from '../../targets/localstack-doctor.ts';
import type { LocalStackStatus, TargetCheck } from '../../targets/localstack-doctor.ts';
import { parseTargetName, rejectRemoteOptionsForLocal, type TargetName, type TargetOptions } from '../../targets/target.ts';
import { styler } from '../../report/style.ts';
import { EXIT, UsageError } from '../../scenario/usage-error.ts';

export function command(): Command {
  return withTargetOptions(
    new Command('doctor').description("check which Route 53 rules the target honours (the conformance suite's cases), and what in the lab relies on each"),
  )
    .option('--json', 'print the result of every case as JSON')
    .option('--dns-server <host:port>', "localstack only: where LocalStack's DNS server answers (default: the endpoint's host, port 53)")
    .addHelpText(
      'after',
      `
Each case runs in its own private hosted zone (on aws and localstack associated
with the stack's VPC), deleted afterwards. LocalStack's Route 53 is built on moto,
known to accept a DELETE that does not match and to apply a failing batch in
part; the doctor shows what the running LocalStack actually does. On localstack
it first checks that LocalStack runs, offers the services the lab uses, has an
active license, and that its DNS server answers the lab zone's names (the
Probe's view); each gap comes with its fix.
${targetHelp}

Exit codes: 0 every rule honoured, 1 some rule not honoured (or, on localstack, a gap), 2 bad input or a target that is not ready.

Examples:
  racelab doctor                              # the embedded endpoint: every rule honoured
  racelab doctor --target localstack
  racelab doctor --target localstack --dns-server 127.0.0.1:5353
  racelab doctor --target aws --json | jq '.cases[] | select(.honoured | not)'`,
    )
    .action(async (options: DoctorCommandOptions) => exitWith(await doctorCommand(options)));
}

export interface DoctorCommandOptions extends TargetOptions {
  json?: boolean;
  dnsServer?: string;
}

interface Route53UnderTest {
  client: Route53Client;
  /** Says where the cases run, for the header and --json. */
  endpoint: string;
  vpcId: string;
  vpcRegion: VPCRegion;
  insyncTimeoutMs: number;
  /** Wraps calls so target errors read as one sentence. */
  guard<T>(work: () => Promise<T>): Promise<T>;
  /** LocalStack only: what it says of itself, and the checks beyond Route 53's API. */
  localstack?: { status: LocalStackStatus; dnsServer: string; checks(): Promise<TargetCheck[]>; format: typeof LocalStackDoctor };
  close(): Promise<void>;
}

/** The embedded lab's Route 53 endpoint, alone (the cases make their own zones). */
async function embeddedRoute53(): Promise<Route53UnderTest> {
  const { Route53Client } = await import('@aws-sdk/client-route-53');
  const { EMBEDDED_CREDENTIALS, EMBEDDED_REGION } = await import('../../local/embedded-lab.ts');
  const { startRoute53Server } = await import('../../local/route53/server.ts');
  const { Route53Model } = await import('../../local/route53/zone-model.ts');
  const server = await startRoute53Server(new Route53Model());
  const client = new Route53Client({ region: EMBEDDED_REGION, endpoint: server.endpoint, credentials: EMBEDDED_CREDENTIALS });
  return {
    client,
    endpoint: `embedded Route 53 endpoint ${server.endpoint}`,
    vpcId: 'vpc-0e1ab0000000000d0',
    vpcRegion: EMBEDDED_REGION,
    insyncTimeoutMs: 5_000,
    guard: (work) => work(),
    close: async () => {
      client.destroy();
      await server.close();
    },
  };
}

/** The stack's Route 53: private test zones go into the stack's VPC. */
async function deployedRoute53(name: Exclude<TargetName, 'local'>, options: DoctorCommandOptions): Promise<Route53UnderTest> {
  const { resolveRemoteTarget } = await import('../../targets/remote-clients.ts');
  const { describeRemoteLab, openReadyRemoteLab } = await import('../../targets/remote-lab.ts');
  const { explainingErrors } = await import('../../targets/target-errors.ts');
  const target = await resolveRemoteTarget(name, options);
  // LocalStack's own endpoints first: "not running" and "not LocalStack" say so before any AWS call fails less clearly.
  const doctor = name === 'localstack' ? await import('../../targets/localstack-doctor.ts') : undefined;
  const status = await doctor?.readLocalStack(target);
  const lab = await openReadyRemoteLab(target);
  const dnsServer = options.dnsServer ?? doctor?.defaultDnsServer(target.endpoints.cloudformation!);
  return {
    localstack:
      doctor && status && dnsServer ? { status, dnsServer, checks: () => doctor.localStackDoctorChecks(lab, status, dnsServer), format: doctor } : undefined,
    client: lab.clients.route53,
    endpoint: describeRemoteLab(lab),
    vpcId: lab.outputs.vpcId,
    vpcRegion: target.region as VPCRegion,
    // Real Route 53 takes seconds to reach INSYNC; LocalStack reports it at once or soon after.
    insyncTimeoutMs: name === 'aws' ? 180_000 : 30_000,
    guard: (work) => explainingErrors(target, work),
    close: async () => lab.close(),
  };
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
  const route53 = name === 'local' ? await embeddedRoute53() : await deployedRoute53(name, options);
  const { ROUTE53_CONFORMANCE_CASES } = await import('../../targets/route53-conformance.ts');
  const { doctorReport, formatCaseResult, formatDoctorSummary, runRoute53Doctor } = await import('../../targets/route53-doctor.ts');
  const paint = styler(process.stdout);
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
    const gaps = checks.some((check) => check.status === 'gap');
    if (options.json) {
      const extra = localstack ? { localstack: { ...localstack.status, dnsServer: localstack.dnsServer, checks } } : {};
      process.stdout.write(`${JSON.stringify({ ...report, ...extra }, null, 2)}\n`);
    } else {
      process.stdout.write(`\n${formatDoctorSummary(report, paint)}\n`);
      if (localstack) process.stdout.write(`${localstack.format.formatLocalStackSummary(checks, paint)}\n`);
    }
    return report.allHonoured && !gaps ? EXIT.ok : EXIT.unexpected;
  } finally {
    await route53.close();
  }
}

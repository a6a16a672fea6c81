// racelab doctor: which Route 53 rules does the target honour? Runs the
// conformance cases against the embedded endpoint (local), LocalStack, or the
// real Route 53 of the account the stack is deployed in.
// The SDK, the embedded endpoint and the cases load when the command runs, not when racelab starts.
import type { Route53Client, VPCRegion } from '@aws-sdk/client-route-53';
import { Command } from 'commander';
import { exitWith, targetHelp, withTargetOptions } from '../command-options.ts';
import { parseTargetName, rejectRemoteOptionsForLocal, type TargetName, type TargetOptions } from '../targets/target.ts';
import { styler } from '../style.ts';
import { EXIT } from '../usage-error.ts';

export function command(): Command {
  return withTargetOptions(
    new Command('doctor').description("check which Route 53 rules the target honours (the conformance suite's cases), and what in the lab relies on each"),
  )
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
    .action(async (options: DoctorCommandOptions) => exitWith(await doctorCommand(options)));
}

export interface DoctorCommandOptions extends TargetOptions {
  json?: boolean;
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
async function deployedRoute53(name: Exclude<TargetName, 'local'>, options: TargetOptions): Promise<Route53UnderTest> {
  const { resolveRemoteTarget } = await import('../targets/remote-clients.ts');
  const { describeRemoteLab, openReadyRemoteLab } = await import('../targets/remote-lab.ts');
  const { explainingErrors } = await import('../targets/target-errors.ts');
  const target = await resolveRemoteTarget(name, options);
  const lab = await openReadyRemoteLab(target);
  return {
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

export async function doctorCommand(options: DoctorCommandOptions): Promise<number> {
  const name = parseTargetName(options.target);
  if (name === 'local') rejectRemoteOptionsForLocal(options);
  const route53 = name === 'local' ? await embeddedRoute53() : await deployedRoute53(name, options);
  const { ROUTE53_CONFORMANCE_CASES } = await import('../../local/route53/conformance-cases.ts');
  const { doctorReport, formatCaseResult, formatDoctorSummary, runRoute53Doctor } = await import('../targets/route53-doctor.ts');
  const paint = styler(process.stdout);
  try {
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
    process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `\n${formatDoctorSummary(report, paint)}\n`);
    return report.allHonoured ? EXIT.ok : EXIT.unexpected;
  } finally {
    await route53.close();
  }
}

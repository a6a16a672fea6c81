// The Route 53 that `racelab doctor` runs the conformance cases against: the
// embedded endpoint alone, or a deployed stack's (LocalStack's, or the real
// one), with what the cases need to know of it. The SDK and the endpoints load
// only when a doctor runs.
import type { Route53Client, VPCRegion } from '@aws-sdk/client-route-53';
import type * as LocalStackDoctor from './localstack-doctor.ts';
import type { LocalStackStatus, TargetCheck } from './localstack-doctor.ts';
import type { RemoteTarget, TargetName } from './target.ts';

export interface Route53UnderTest {
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
export async function embeddedRoute53(): Promise<Route53UnderTest> {
  const { Route53Client } = await import('@aws-sdk/client-route-53');
  const { EMBEDDED_CREDENTIALS, EMBEDDED_REGION } = await import('../local/embedded-lab.ts');
  const { startRoute53Server } = await import('../local/route53/server.ts');
  const { Route53Model } = await import('../local/route53/zone-model.ts');
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
export async function deployedRoute53(name: Exclude<TargetName, 'local'>, target: RemoteTarget, dnsServerGiven?: string): Promise<Route53UnderTest> {
  const { describeRemoteLab, openReadyRemoteLab } = await import('./remote-lab.ts');
  const { explainingErrors } = await import('./target-errors.ts');
  // LocalStack's own endpoints first: "not running" and "not LocalStack" say so before any AWS call fails less clearly.
  const doctor = name === 'localstack' ? await import('./localstack-doctor.ts') : undefined;
  const status = await doctor?.readLocalStack(target);
  const lab = await openReadyRemoteLab(target);
  const dnsServer = dnsServerGiven ?? doctor?.defaultDnsServer(target.endpoints.cloudformation!);
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

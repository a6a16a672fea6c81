// Proves `racelab doctor`: against the embedded Route 53 endpoint every
// conformance case is honoured (on the local target and through the
// localstack client path, with the test zones in the stack's VPC); against a
// Route 53 that behaves as moto is known to (accepting a DELETE that does not
// match) the doctor names each rule it breaks and what in the lab relies on
// it, and exits 1; an unreachable target is an error, not 38 failures. The
// cases are the conformance suite's own (one definition).
import { ChangeResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { doctorCommand } from '../../cli/commands/doctor.ts';
import { doctorReport, formatCaseResult, formatDoctorSummary, LAB_RELIANCE, runRoute53Doctor } from '../../targets/route53-doctor.ts';
import { ROUTE53_CONFORMANCE_CASES } from '../../targets/route53-conformance.ts';
import { startRoute53Server, type Route53Server } from '../../local/route53/server.ts';
import { Route53Model } from '../../local/route53/zone-model.ts';
import { EMBEDDED_CREDENTIALS } from '../../local/embedded-lab.ts';
import { deployedLab, VPC_ID, type DeployedLabFixture } from './deployed-lab-fixture.ts';
import { startFakeLocalStack, type FakeLocalStack } from './fake-localstack.ts';

const VPC = { vpcId: 'vpc-0123456789abcdef0', vpcRegion: 'us-east-1' as const, insyncTimeoutMs: 2000 };
let server: Route53Server | undefined;
let fixture: DeployedLabFixture | undefined;
let localstack: FakeLocalStack | undefined;

afterEach(async () => {
  await server?.close();
  await fixture?.close();
  await localstack?.close();
  server = fixture = localstack = undefined;
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

async function embeddedClient(): Promise<Route53Client> {
  server = await startRoute53Server(new Route53Model());
  return new Route53Client({ region: 'us-east-1', endpoint: server.endpoint, credentials: EMBEDDED_CREDENTIALS });
}

/**
 * Route 53 as moto is known to behave: a batch whose DELETE does not match
 * the current record set is accepted (reported as submitted, nothing applied).
 */
function acceptingMismatchedDeletes(client: Route53Client): Route53Client {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const input = args.input as { ChangeBatch?: { Changes?: { Action?: string }[] } };
        const deletes = input.ChangeBatch?.Changes?.some((change) => change.Action === 'DELETE');
        if (context.commandName !== 'ChangeResourceRecordSetsCommand' || (error as Error).name !== 'InvalidChangeBatch' || !deletes) throw error;
        return { output: { ChangeInfo: { Id: '/change/CMOTO', Status: 'INSYNC', SubmittedAt: new Date() }, $metadata: {} }, response: {} };
      }
    },
    { step: 'initialize', name: 'acceptMismatchedDeletes' },
  );
  return client;
}

describe('racelab doctor', () => {
  it('finds every rule honoured by the embedded Route 53 endpoint', async () => {
    const results = await runRoute53Doctor(await embeddedClient(), VPC);
    expect(results).toHaveLength(ROUTE53_CONFORMANCE_CASES.length);
    expect(results.filter((result) => !result.honoured)).toEqual([]);
    expect(formatDoctorSummary(doctorReport('local', 'embedded', results))).toBe(
      `${results.length} of ${results.length} conformance cases honoured: results that rely on Route 53 preconditions are trustworthy on local`,
    );
  });

  it('names each broken rule, what the target did, and what in the lab relies on it, for a Route 53 that accepts mismatched DELETEs', async () => {
    const results = await runRoute53Doctor(acceptingMismatchedDeletes(await embeddedClient()), VPC);
    const broken = results.filter((result) => !result.honoured);
    expect(broken.map((result) => result.rule)).toEqual(
      expect.arrayContaining([
        'DELETE must match the current record set exactly (values)',
        'DELETE must match the current record set exactly (TTL)',
        'a conditional replace only happens if the condition holds',
        'DELETE must name an existing record set',
      ]),
    );
    const values = broken.find((result) => result.rule === 'DELETE must match the current record set exactly (values)')!;
    expect(formatCaseResult(values).split('\n')).toEqual([
      '  ✗ DELETE must match the current record set exactly (values)',
      '      case: DELETE with a different value is rejected and the record set stays',
      '      found: expected InvalidChangeBatch, but the call succeeded',
      "      the lab relies on this: the Enactor's lock (every batch deletes the exact lock value it read), write-time-check's exact-match DELETE of the endpoint's alias, and protect-active/never-empty's re-assertion of each lock",
    ]);
    expect(formatDoctorSummary(doctorReport('localstack', 'x', results))).toMatch(
      new RegExp(
        `^${results.length - broken.length} of ${results.length} conformance cases honoured; \\d+ of the failures are rules the lab relies on, so results that rely on Route 53 preconditions are not trustworthy on localstack$`,
      ),
    );
  });

  it('stops with the target error, instead of reporting every case failed, when Route 53 cannot be reached', async () => {
    const client = new Route53Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: EMBEDDED_CREDENTIALS, maxAttempts: 1 });
    const seen: unknown[] = [];
    await expect(runRoute53Doctor(client, { ...VPC, onResult: (result) => seen.push(result) })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(seen).toEqual([]);
  });

  it('relies only on rules the conformance cases check', () => {
    const rules = new Set(ROUTE53_CONFORMANCE_CASES.map((testCase) => testCase.rule));
    for (const rule of Object.keys(LAB_RELIANCE)) expect(rules, rule).toContain(rule);
  });

  it('--target localstack runs the cases in the stack VPC through the localstack clients and exits 0 when all are honoured', async () => {
    fixture = await deployedLab();
    // LocalStack serves every API on one endpoint; here a fake LocalStack passes Route 53 to the embedded one, and CloudFormation is mocked.
    localstack = await startFakeLocalStack({ edition: 'pro', licenseActivated: true, upstream: fixture.lab.endpoints.route53 });
    vi.stubEnv('AWS_ENDPOINT_URL', localstack.endpoint);
    const vpcs = new Set<string>();
    const created = vi.spyOn(Route53Client.prototype, 'send');
    const output: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((text) => (output.push(String(text)), true));

    const code = await doctorCommand({ target: 'localstack', json: true, dnsServer: fixture.lab.endpoints.dns });

    for (const call of created.mock.calls) {
      const input = (call[0] as { input: { VPC?: { VPCId?: string } } }).input;
      if (input.VPC?.VPCId) vpcs.add(input.VPC.VPCId);
    }
    expect(code).toBe(0);
    expect(vpcs).toEqual(new Set([VPC_ID]));
    expect(JSON.parse(output.join(''))).toMatchObject({ target: 'localstack', allHonoured: true, honoured: ROUTE53_CONFORMANCE_CASES.length });
    expect(created.mock.calls.some((call) => call[0] instanceof ChangeResourceRecordSetsCommand)).toBe(true);
  });
});

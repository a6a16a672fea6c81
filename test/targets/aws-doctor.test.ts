// `racelab doctor --target aws` before a deploy: is Route 53's interface
// endpoint offered in the AZ the stack puts it in? Real EC2 cannot be reached
// here, so aws-sdk-client-mock answers EC2's calls (and CloudFormation's, for a
// stack that is not deployed yet); with a stack, the conformance cases run on
// the embedded Route 53 endpoint through the SDK's own AWS_ENDPOINT_URL_ROUTE_53.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeAvailabilityZonesCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointServicesCommand,
  EC2Client,
  type DescribeAvailabilityZonesCommandInput,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { doctorCommand } from '../../cli/commands/doctor.ts';
import { ROUTE53_ENDPOINT_SERVICE } from '../../infra/lab-placement.ts';
import { ROUTE53_ENDPOINT_CHECK, route53EndpointCheck } from '../../targets/aws-doctor.ts';
import { ROUTE53_CONFORMANCE_CASES } from '../../targets/route53-conformance.ts';
import { captured } from '../support/captured.ts';
import { ACCOUNT, awsError, deployedLab, type DeployedLabFixture } from './deployed-lab-fixture.ts';

const ec2 = mockClient(EC2Client);
const client = new EC2Client({ region: 'us-east-1' });

/** What EC2 answers: the account's AZs (any order), the AZs with a default subnet, and where the service is offered. */
function account({ zones, defaults, offered }: { zones: string[]; defaults: string[]; offered: string[] }): void {
  ec2.on(DescribeAvailabilityZonesCommand).resolves({ AvailabilityZones: zones.map((ZoneName) => ({ ZoneName, State: 'available' })) });
  ec2.on(DescribeSubnetsCommand).resolves({ Subnets: defaults.map((AvailabilityZone) => ({ AvailabilityZone, DefaultForAz: true })) });
  ec2
    .on(DescribeVpcEndpointServicesCommand, { ServiceNames: [ROUTE53_ENDPOINT_SERVICE] })
    .resolves({ ServiceDetails: [{ ServiceName: ROUTE53_ENDPOINT_SERVICE, AvailabilityZones: offered }] });
}

const SIX = ['us-east-1f', 'us-east-1a', 'us-east-1c', 'us-east-1b', 'us-east-1e', 'us-east-1d'];

beforeEach(() => ec2.reset());
afterEach(() => vi.unstubAllEnvs());
// Test files share a process (isolate: false): the mocks must not outlive this file.
afterAll(() => ec2.restore());

describe("doctor's Route 53 endpoint check", () => {
  it("passes when the first of Fn::GetAZs' AZs offers the service, and lists the AZs", async () => {
    account({ zones: SIX, defaults: SIX, offered: ['us-east-1a', 'us-east-1b', 'us-east-1d'] });
    const { checks, placement } = await route53EndpointCheck(client, 'us-east-1');
    expect(checks).toEqual([
      {
        name: ROUTE53_ENDPOINT_CHECK,
        status: 'ok',
        found: `offered in us-east-1a; the lab's AZs (Fn::GetAZs): us-east-1a, us-east-1b; ${ROUTE53_ENDPOINT_SERVICE} is offered in us-east-1a, us-east-1b, us-east-1d`,
      },
    ]);
    expect(placement).toEqual({
      region: 'us-east-1',
      labZones: ['us-east-1a', 'us-east-1b'],
      labZonesFrom: 'Fn::GetAZs',
      serviceZones: ['us-east-1a', 'us-east-1b', 'us-east-1d'],
    });
    // Fn::GetAZs gives availability zones only: no Local or Wavelength Zones.
    const [zonesCall] = ec2.commandCalls(DescribeAvailabilityZonesCommand);
    expect((zonesCall!.args[0].input as DescribeAvailabilityZonesCommandInput).Filters).toEqual([
      { Name: 'zone-type', Values: ['availability-zone'] },
      { Name: 'state', Values: ['available'] },
    ]);
  });

  it('fails with the fix when that AZ does not offer it: two AZs for -c availabilityZones, the first offering it', async () => {
    // As Fn::GetAZs: only AZs with a default subnet (here not us-east-1a), in alphabetical order.
    account({ zones: SIX, defaults: ['us-east-1f', 'us-east-1b', 'us-east-1d', 'us-east-1c'], offered: ['us-east-1c', 'us-east-1d'] });
    const { checks, placement } = await route53EndpointCheck(client, 'us-east-1');
    expect(placement.labZones).toEqual(['us-east-1b', 'us-east-1c']);
    expect(checks[0]).toMatchObject({
      status: 'gap',
      found: expect.stringMatching(/^not offered in us-east-1b, where the stack would put the endpoint \(the deploy would fail there\); /),
      fix:
        'deploy with two AZs of us-east-1, the first offering the service: `npx cdk deploy -c availabilityZones=us-east-1c,us-east-1b` ' +
        '(check them first: `npx racelab doctor --target aws --availability-zones us-east-1c,us-east-1b`)',
    });
  });

  it('takes every AZ when none has a default subnet, and the AZs the user names over them', async () => {
    account({ zones: SIX, defaults: [], offered: ['us-east-1c'] });
    expect((await route53EndpointCheck(client, 'us-east-1')).placement.labZones).toEqual(['us-east-1a', 'us-east-1b']);
    const named = await route53EndpointCheck(client, 'us-east-1', ['us-east-1c', 'us-east-1a']);
    expect(named.placement).toMatchObject({ labZones: ['us-east-1c', 'us-east-1a'], labZonesFrom: '--availability-zones' });
    expect(named.checks[0]!.status).toBe('ok');
  });

  it('says so when AWS offers the service in no AZ of the region', async () => {
    account({ zones: SIX, defaults: SIX, offered: [] });
    ec2.on(DescribeVpcEndpointServicesCommand).rejects(awsError('InvalidServiceName', `The Vpc Endpoint Service '${ROUTE53_ENDPOINT_SERVICE}' does not exist`));
    const [check] = (await route53EndpointCheck(client, 'us-east-1')).checks;
    expect(check).toMatchObject({
      status: 'gap',
      fix: expect.stringMatching(/^AWS offers com\.amazonaws\.route53 in none of this account's AZs of us-east-1/),
    });
  });

  it('is skipped outside us-east-1, where the stack creates no endpoint, without a call to EC2', async () => {
    const { checks } = await route53EndpointCheck(client, 'eu-west-1');
    expect(checks).toEqual([
      { name: ROUTE53_ENDPOINT_CHECK, status: 'skipped', found: expect.stringMatching(/^not needed in eu-west-1: .* only in us-east-1/) },
    ]);
    expect(ec2.calls()).toEqual([]);
  });

  it('names the permission AWS refused, and leaves the check unknown rather than failing the doctor', async () => {
    account({ zones: SIX, defaults: SIX, offered: SIX });
    ec2.on(DescribeVpcEndpointServicesCommand).rejects(awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.'));
    const [check] = (await route53EndpointCheck(client, 'us-east-1')).checks;
    expect(check).toMatchObject({
      status: 'unknown',
      found: 'AWS refused ec2:DescribeVpcEndpointServices (UnauthorizedOperation: You are not authorized to perform this operation.)',
      fix: expect.stringMatching(/^use a profile allowed ec2:DescribeAvailabilityZones, ec2:DescribeSubnets and ec2:DescribeVpcEndpointServices /),
    });
  });

  it('lets credentials trouble end the doctor, with its fix', async () => {
    ec2.on(DescribeAvailabilityZonesCommand).rejects(awsError('CredentialsProviderError', 'Could not load credentials from any providers'));
    await expect(route53EndpointCheck(client, 'us-east-1')).rejects.toThrow('Could not load credentials');
  });
});

describe('racelab doctor --target aws', () => {
  const cloudFormation = mockClient(CloudFormationClient);
  beforeEach(() => cloudFormation.reset());
  afterAll(() => cloudFormation.restore());

  it('before a deploy: the check, then no conformance case (they need the stack), exit 0 when nothing is missing', async () => {
    account({ zones: SIX, defaults: SIX, offered: SIX });
    cloudFormation.on(DescribeStacksCommand).rejects(awsError('ValidationError', 'Stack with id DnsRaceLab does not exist'));
    const json = await captured(() => doctorCommand({ target: 'aws', region: 'us-east-1', json: true }));
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      target: 'aws',
      allHonoured: false,
      honoured: 0,
      total: ROUTE53_CONFORMANCE_CASES.length,
      cases: [],
      notRun: expect.stringMatching(/^not run: stack DnsRaceLab is not deployed in region us-east-1 \(from --region\); .*npx cdk deploy/),
      aws: { region: 'us-east-1', labZones: ['us-east-1a', 'us-east-1b'], checks: [{ name: ROUTE53_ENDPOINT_CHECK, status: 'ok' }] },
    });
  });

  it('before a deploy, as text: the gap with its fix, exit 1', async () => {
    account({ zones: SIX, defaults: SIX, offered: ['us-east-1d'] });
    cloudFormation.on(DescribeStacksCommand).rejects(awsError('ValidationError', 'Stack with id DnsRaceLab does not exist'));
    const text = await captured(() => doctorCommand({ target: 'aws', region: 'us-east-1', availabilityZones: 'us-east-1b us-east-1a' }));
    expect(text.code).toBe(1);
    expect(text.stdout.split('\n')).toEqual(
      expect.arrayContaining([
        'What the lab needs from AWS in us-east-1, before a deploy:',
        `  ✗ ${ROUTE53_ENDPOINT_CHECK}`,
        expect.stringMatching(/^ {6}found: not offered in us-east-1b, .*the lab's AZs \(--availability-zones\): us-east-1b, us-east-1a;/),
        expect.stringMatching(/^ {6}fix: .*npx cdk deploy -c availabilityZones=us-east-1d,us-east-1a/),
        expect.stringMatching(/^Route 53 conformance on aws: not run: stack DnsRaceLab is not deployed/),
        'AWS in us-east-1 lacks 1 thing the lab needs (each ✗ names its fix)',
      ]),
    );
  });

  it('refuses --availability-zones that are not two AZs of the region, or on another target', async () => {
    await expect(doctorCommand({ target: 'aws', region: 'us-east-1', availabilityZones: 'eu-west-1a,eu-west-1b' })).rejects.toThrow(
      '--availability-zones "eu-west-1a,eu-west-1b" must name 2 different AZs of us-east-1, the ones you give cdk deploy (e.g. --availability-zones us-east-1a,us-east-1c)',
    );
    await expect(doctorCommand({ target: 'local', availabilityZones: 'us-east-1a,us-east-1b' })).rejects.toThrow(
      '--availability-zones applies to --target aws only',
    );
    expect(ec2.calls()).toEqual([]);
  });

  describe('with the stack deployed', () => {
    let fixture: DeployedLabFixture;
    afterEach(async () => fixture?.close());

    it('adds the check to the conformance report (JSON as for LocalStack: checks beside the cases)', async () => {
      cloudFormation.restore(); // the fixture mocks CloudFormation itself
      fixture = await deployedLab();
      account({ zones: SIX, defaults: SIX, offered: SIX });
      vi.stubEnv('AWS_ENDPOINT_URL_ROUTE_53', fixture.lab.endpoints.route53);
      vi.stubEnv('AWS_ACCESS_KEY_ID', 'racelab');
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'racelab');
      vi.stubEnv('RACELAB_SANDBOX_ACCOUNTS', ACCOUNT);
      const json = await captured(() => doctorCommand({ target: 'aws', region: 'us-east-1', json: true }));
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({
        target: 'aws',
        allHonoured: true,
        honoured: ROUTE53_CONFORMANCE_CASES.length,
        aws: { labZones: ['us-east-1a', 'us-east-1b'], checks: [{ status: 'ok' }] },
      });
    });
  });
});

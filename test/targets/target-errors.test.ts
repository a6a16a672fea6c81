// Proves that the errors a user meets on aws/localstack read as one sentence
// with the command that fixes it: no credentials, rejected credentials, a
// stack that is not deployed (naming the region asked and where it came
// from), a stack that is not ready or lacks outputs (and, when it failed,
// which resource failed and why), LocalStack not running (a real refused
// connection), LocalStack's own refusals (a license that does not cover a call,
// Lambdas that cannot start without Docker), and a production or unlisted
// account (the sandbox guard, checked before anything is changed).
import { DescribeStackEventsCommand, DescribeStacksCommand, type StackEvent } from '@aws-sdk/client-cloudformation';
import { ListAccountAliasesCommand } from '@aws-sdk/client-iam';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openReadyRemoteLab, openRemoteLab } from '../../targets/remote-lab.ts';
import { LOCALSTACK_START } from '../../targets/localstack-caveat.ts';
import { explainTargetError, TargetError } from '../../targets/target-errors.ts';
import { remoteTarget } from '../../targets/target.ts';
import { ACCOUNT, awsError, deployedLab, type DeployedLabFixture } from './deployed-lab-fixture.ts';

let fixture: DeployedLabFixture;
beforeEach(async () => {
  fixture = await deployedLab();
});
afterEach(async () => {
  await fixture?.close();
});

/** The message of the TargetError that opening the lab throws. */
async function refusal(open: Promise<unknown>): Promise<string> {
  const error = await open.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(TargetError);
  const message = (error as Error).message;
  expect(message).not.toMatch(/\n\s+at /);
  return message;
}

describe('credentials', () => {
  it('missing: points at aws configure and AWS_PROFILE', async () => {
    fixture.cloudFormation.on(DescribeStacksCommand).rejects(awsError('CredentialsProviderError', 'Could not load credentials from any providers'));
    const message = await refusal(openRemoteLab(fixture.target('aws')));
    expect(message).toBe(
      'no AWS credentials found (Could not load credentials from any providers); set them up with `aws configure`, or choose a profile: AWS_PROFILE=<sandbox profile> npx racelab …',
    );
  });

  it('expired: says AWS rejected them and how to refresh', async () => {
    fixture.cloudFormation.on(DescribeStacksCommand).rejects(awsError('ExpiredToken', 'The security token included in the request is expired'));
    expect(await refusal(openRemoteLab(fixture.target('aws')))).toMatch(
      /^AWS rejected your credentials \(ExpiredToken: .*\); refresh them \(`aws sso login` or `aws configure`\)/,
    );
  });
});

describe('the stack', () => {
  const notDeployed = () => awsError('ValidationError', 'Stack with id DnsRaceLab does not exist');

  it('not deployed on aws: names the region asked and where it came from, how to change it, and how to deploy', async () => {
    fixture.cloudFormation.on(DescribeStacksCommand).rejects(notDeployed());
    const target = { ...fixture.target('aws'), ...remoteTarget('aws', {}, { AWS_REGION: 'eu-west-1' }) };
    expect(await refusal(openRemoteLab(target))).toBe(
      'stack DnsRaceLab is not deployed in region eu-west-1 (from AWS_REGION); if you deployed it in another region, set AWS_REGION=<that region> (or pass --region), otherwise deploy it: npx cdk deploy -c sandboxAccounts=<your account id>',
    );
  });

  it('not deployed with no region configured: says racelab chose us-east-1', async () => {
    fixture.cloudFormation.on(DescribeStacksCommand).rejects(notDeployed());
    expect(await refusal(openRemoteLab(fixture.target('aws')))).toContain('region us-east-1 (no region is configured, so racelab used us-east-1)');
  });

  it('not deployed on LocalStack: points at cdklocal', async () => {
    fixture.cloudFormation.on(DescribeStacksCommand).rejects(notDeployed());
    expect(await refusal(openRemoteLab(fixture.target('localstack')))).toContain(
      'deploy it: npx cdklocal bootstrap && npx cdklocal deploy -c target=localstack',
    );
  });

  it('still being created, or rolled back: says so instead of reading half an output list', async () => {
    fixture.cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [fixture.stack({ StackStatus: 'ROLLBACK_COMPLETE', Outputs: [] })] });
    expect(await refusal(openReadyRemoteLab(fixture.target('aws')))).toMatch(/^stack DnsRaceLab is ROLLBACK_COMPLETE, not ready for use;/);
  });

  it('without an output of the contract: asks for a redeploy', async () => {
    const outputs = fixture.stack().Outputs!.filter((output) => output.OutputKey !== 'VpcId');
    fixture.cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [fixture.stack({ Outputs: outputs })] });
    expect(await refusal(openReadyRemoteLab(fixture.target('aws')))).toMatch(/has no output VpcId; .* redeploy it: npx cdk deploy/);
  });

  it('read as the contract says: bare hosted zone id, zone name without its dot, state machines by scenario', async () => {
    const lab = await openReadyRemoteLab(fixture.target('aws'));
    lab.close();
    expect(lab.outputs).toEqual({
      plansTable: fixture.lab.tables.plans,
      eventsTable: fixture.lab.tables.events,
      hostedZoneId: fixture.lab.hostedZoneId,
      zoneName: fixture.lab.zone,
      vpcId: 'vpc-0fixture000000001',
      stateMachines: { 'oct-2025': expect.stringContaining(':stateMachine:') },
    });
    expect(lab.stack.account).toBe(ACCOUNT);
  });
});

describe('LocalStack not running', () => {
  it('a refused connection on its endpoint points at `localstack start`', async () => {
    fixture.cloudFormation.restore(); // a real CloudFormation client, against a port nobody listens on
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const target = remoteTarget('localstack', {}, { AWS_ENDPOINT_URL: `http://127.0.0.1:${closed}` });
    expect(await refusal(openRemoteLab(target))).toBe(
      `LocalStack is not answering at http://127.0.0.1:${closed} (ECONNREFUSED); start it: \`${LOCALSTACK_START}\` (docs/targets.md, "Running on ` +
        'LocalStack"), or point AWS_ENDPOINT_URL at where it runs; if its container exited, `docker logs localstack` says why ("license activation failed": ' +
        'export LOCALSTACK_AUTH_TOKEN first)',
    );
  });
});

describe("LocalStack's own refusals name the fix", () => {
  const failedEvent = (overrides: Partial<StackEvent>): StackEvent => ({
    StackId: 'x',
    StackName: 'DnsRaceLab',
    EventId: overrides.LogicalResourceId ?? 'e',
    Timestamp: new Date(),
    ...overrides,
  });

  it('a call its license does not cover (the error LocalStack returns): export LOCALSTACK_AUTH_TOKEN and restart', async () => {
    const license =
      'Sorry, the cloudformation service is not included within your LocalStack license, but is available in an upgraded license. ' +
      'Please refer to https://docs.localstack.cloud/references/coverage for more details.';
    fixture.cloudFormation.on(DescribeStacksCommand).rejects(awsError('InternalFailure', license));
    const message = await refusal(openRemoteLab(fixture.target('localstack')));
    expect(message).toMatch(/^LocalStack answered: Sorry, the cloudformation service is not included within your LocalStack license.*; LocalStack runs/);
    expect(message).toContain(`export LOCALSTACK_AUTH_TOKEN=<your auth token> (app.localstack.cloud, Auth Tokens; the Hobby plan is free for `);
    expect(message.endsWith(`and restart it: \`${LOCALSTACK_START}\``)).toBe(true);
  });

  it('a deploy that failed because LocalStack had no Docker: names the failed function and the socket mount, never a bare redeploy', async () => {
    fixture.cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [fixture.stack({ StackStatus: 'CREATE_FAILED', Outputs: [] })] });
    fixture.cloudFormation.on(DescribeStackEventsCommand).resolves({
      StackEvents: [
        failedEvent({
          LogicalResourceId: 'DnsRaceLab',
          ResourceType: 'AWS::CloudFormation::Stack',
          ResourceStatus: 'CREATE_FAILED',
          ResourceStatusReason: 'x',
        }),
        failedEvent({
          LogicalResourceId: 'Enactor',
          ResourceType: 'AWS::Lambda::Function',
          ResourceStatus: 'CREATE_FAILED',
          ResourceStatusReason: 'cancelled',
        }),
        failedEvent({
          LogicalResourceId: 'ProbeFunction',
          ResourceType: 'AWS::Lambda::Function',
          ResourceStatus: 'CREATE_FAILED',
          ResourceStatusReason: 'Error while creating lambda: Docker not available',
        }),
        failedEvent({ LogicalResourceId: 'PlansTable', ResourceType: 'AWS::DynamoDB::Table', ResourceStatus: 'CREATE_COMPLETE' }),
      ],
    });
    expect(await refusal(openReadyRemoteLab(fixture.target('localstack')))).toBe(
      'stack DnsRaceLab is CREATE_FAILED: ProbeFunction (AWS::Lambda::Function) failed: Error while creating lambda: Docker not available; ' +
        "LocalStack could not start the lab's Lambda functions because it cannot reach Docker; restart it with the Docker socket mounted " +
        `(\`-v /var/run/docker.sock:/var/run/docker.sock\`): \`${LOCALSTACK_START}\`, then deploy again: ` +
        'npx cdklocal bootstrap && npx cdklocal deploy -c target=localstack',
    );
  });

  it('a Lambda that could not start, as an invocation reports it: the same fix', () => {
    const invoke = awsError(
      'ResourceConflictException',
      'The operation cannot be performed at this time. The function is currently in the following state: Failed',
    );
    expect(explainTargetError(invoke, fixture.target('localstack')).message).toMatch(
      /; LocalStack could not start the lab's Lambda functions because it cannot reach Docker;/,
    );
    expect(explainTargetError(invoke, fixture.target('aws'))).toBe(invoke); // AWS says what it says
  });

  it('on aws, a rolled-back stack also says which resource failed, and why', async () => {
    fixture.cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [fixture.stack({ StackStatus: 'ROLLBACK_COMPLETE', Outputs: [] })] });
    fixture.cloudFormation.on(DescribeStackEventsCommand).resolves({
      StackEvents: [
        failedEvent({ LogicalResourceId: 'Zone', ResourceType: 'AWS::Route53::HostedZone', ResourceStatus: 'CREATE_FAILED', ResourceStatusReason: 'quota' }),
      ],
    });
    expect(await refusal(openReadyRemoteLab(fixture.target('aws')))).toMatch(
      /^stack DnsRaceLab is ROLLBACK_COMPLETE, not ready for use; .*; Zone \(AWS::Route53::HostedZone\) failed: quota$/,
    );
  });
});

describe('the sandbox guard (aws)', () => {
  it('refuses an account whose alias contains "prod", saying how to switch profile', async () => {
    fixture.iam.on(ListAccountAliasesCommand).resolves({ AccountAliases: ['acme-Prod-payments'] });
    expect(await refusal(openRemoteLab(fixture.target('aws')))).toBe(
      `refusing to use AWS account ${ACCOUNT} ("acme-Prod-payments"): its alias names a production account, and the lab deletes DNS records and data on purpose; switch to a sandbox profile: AWS_PROFILE=<sandbox profile> npx racelab …`,
    );
  });

  it('refuses an account missing from RACELAB_SANDBOX_ACCOUNTS when that is set, and accepts a listed one', async () => {
    expect(await refusal(openRemoteLab(fixture.target('aws'), { env: { RACELAB_SANDBOX_ACCOUNTS: '444455556666, 777788889999' } }))).toMatch(
      new RegExp(`^refusing to use AWS account ${ACCOUNT}: it is not in RACELAB_SANDBOX_ACCOUNTS \\(444455556666, 777788889999\\)`),
    );
    const lab = await openRemoteLab(fixture.target('aws'), { env: { RACELAB_SANDBOX_ACCOUNTS: `444455556666,${ACCOUNT}` } });
    lab.close();
    expect(lab.account).toEqual({ account: ACCOUNT, alias: 'racelab-sandbox' });
  });

  it.each(['', '   ', ',', ' , ,'])('refuses every account when RACELAB_SANDBOX_ACCOUNTS is set but names none (%j), before any call', async (blank) => {
    expect(await refusal(openRemoteLab(fixture.target('aws'), { env: { RACELAB_SANDBOX_ACCOUNTS: blank } }))).toMatch(
      new RegExp(`^refusing to use AWS account ${ACCOUNT}: RACELAB_SANDBOX_ACCOUNTS is set but names no account, so it allows none; `),
    );
    expect(fixture.iam.calls()).toHaveLength(0);
  });

  it('names an entry of RACELAB_SANDBOX_ACCOUNTS that is not a 12-digit account id', async () => {
    expect(await refusal(openRemoteLab(fixture.target('aws'), { env: { RACELAB_SANDBOX_ACCOUNTS: `${ACCOUNT},sandbox-1` } }))).toBe(
      'RACELAB_SANDBOX_ACCOUNTS: "sandbox-1" is not a 12-digit AWS account id; list your sandbox accounts\' ids, separated by commas (e.g. RACELAB_SANDBOX_ACCOUNTS=111122223333)',
    );
  });

  it('goes on, noting it, when the alias cannot be read for lack of permission', async () => {
    fixture.iam.on(ListAccountAliasesCommand).rejects(awsError('AccessDenied', 'not authorized to perform: iam:ListAccountAliases'));
    const lab = await openRemoteLab(fixture.target('aws'));
    lab.close();
    expect(lab.account).toEqual({ account: ACCOUNT, aliasUnreadable: 'AccessDenied' });
  });

  it('is not applied on LocalStack, which has no real accounts', async () => {
    fixture.iam.on(ListAccountAliasesCommand).resolves({ AccountAliases: ['prod'] });
    const lab = await openRemoteLab(fixture.target('localstack'));
    lab.close();
    expect(lab.account).toBeUndefined();
    expect(fixture.iam.calls()).toHaveLength(0);
  });
});

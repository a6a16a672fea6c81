// Proves how a target is settled before any call: localstack points every
// client at LocalStack's edge endpoint (or AWS_ENDPOINT_URL) with its test
// keys and us-east-1 unless told otherwise; aws leaves endpoint and
// credentials to the SDK's own chain, guards the account, and names where
// its region came from; bad --stack/--region values and remote-only options
// on the local target are refused as bad input.
import { describe, expect, it } from 'vitest';
import { LOCALSTACK_ENDPOINT } from '../../infra/stack-outputs.ts';
import { createRemoteClients } from '../../targets/remote-clients.ts';
import { LOCALSTACK_CREDENTIALS, parseTargetName, rejectRemoteOptionsForLocal, remoteTarget } from '../../targets/target.ts';
import { UsageError } from '../../scenario/usage-error.ts';

describe('the localstack target', () => {
  it("points every service at LocalStack's edge endpoint, in us-east-1, with LocalStack's test keys", () => {
    const target = remoteTarget('localstack', {}, {});
    expect(target).toMatchObject({
      stackName: 'DnsRaceLab',
      region: 'us-east-1',
      regionSource: 'default',
      credentials: LOCALSTACK_CREDENTIALS,
      guardAccount: false,
    });
    expect(Object.values(target.endpoints)).toEqual(Array(6).fill(LOCALSTACK_ENDPOINT));
  });

  it('follows AWS_ENDPOINT_URL, AWS_REGION and keys set in the environment', () => {
    const target = remoteTarget(
      'localstack',
      {},
      { AWS_ENDPOINT_URL: 'http://localstack.internal:4566', AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: '000000000001' },
    );
    expect(target).toMatchObject({ region: 'eu-west-1', regionSource: 'AWS_REGION' });
    expect(target.credentials).toBeUndefined();
    expect(target.endpoints.route53).toBe('http://localstack.internal:4566');
  });

  it('builds clients that really send to the endpoint and region it chose', async () => {
    const clients = createRemoteClients(remoteTarget('localstack', { region: 'eu-central-1' }, {}));
    try {
      const endpoint = await clients.stepFunctions.config.endpoint?.();
      expect(`${endpoint?.protocol}//${endpoint?.hostname}:${endpoint?.port}`).toBe(LOCALSTACK_ENDPOINT);
      expect(await clients.dynamodb.config.region()).toBe('eu-central-1');
      expect(await clients.route53.config.credentials()).toMatchObject(LOCALSTACK_CREDENTIALS);
    } finally {
      clients.destroy();
    }
  });
});

describe('the aws target', () => {
  it("leaves endpoints and credentials to the SDK's chain and guards the account", () => {
    const target = remoteTarget('aws', { stack: 'MyLab' }, {}, 'eu-west-2');
    expect(target).toMatchObject({ stackName: 'MyLab', region: 'eu-west-2', regionSource: 'your AWS profile', endpoints: {}, guardAccount: true });
    expect(target.credentials).toBeUndefined();
    expect(target.commands.deploy).toBe('npx cdk deploy -c sandboxAccounts=<your account id>');
  });

  it('takes --region over AWS_REGION over the profile, and falls back to us-east-1 saying so', () => {
    expect(remoteTarget('aws', { region: 'ap-south-1' }, { AWS_REGION: 'eu-west-1' }, 'eu-west-2')).toMatchObject({
      region: 'ap-south-1',
      regionSource: '--region',
    });
    expect(remoteTarget('aws', {}, { AWS_REGION: 'eu-west-1' }, 'eu-west-2')).toMatchObject({ region: 'eu-west-1', regionSource: 'AWS_REGION' });
    expect(remoteTarget('aws', {}, {})).toMatchObject({ region: 'us-east-1', regionSource: 'default' });
  });
});

describe('target options', () => {
  it('refuses a stack name CloudFormation would not accept, and a region that is not one', () => {
    expect(() => remoteTarget('aws', { stack: 'my lab' }, {})).toThrow(UsageError);
    expect(() => remoteTarget('aws', { region: 'Virginia' }, {})).toThrow('--region "Virginia" is not an AWS region name');
  });

  it('refuses an unknown target and remote-only options on the local target', () => {
    expect(() => parseTargetName('gcp')).toThrow('--target "gcp" is not a target; choose from: local, aws, localstack');
    expect(parseTargetName(undefined)).toBe('local');
    expect(() => rejectRemoteOptionsForLocal({ stack: 'X', region: 'us-east-1' })).toThrow('--stack and --region apply to --target aws or localstack only');
  });
});

// Where a racelab command acts. `local` is the embedded lab (started per
// command, in this process); `aws` and `localstack` are the same deployed
// stack reached through the AWS SDK, and differ only in what this module
// decides: endpoint, credentials, default region, the sandbox guard and the
// commands a user is told to run.
import { DEFAULT_STACK_NAME, LOCALSTACK_ENDPOINT } from '../infra/stack-outputs.ts';
import { UsageError } from '../scenario/usage-error.ts';
import { ENVIRONMENT_VARIABLES, processEnvironment, type Environment } from '../infra/environment.ts';

export const TARGETS = ['local', 'aws', 'localstack'] as const;
export type TargetName = (typeof TARGETS)[number];
export type RemoteTargetName = Exclude<TargetName, 'local'>;

/** The AWS services the CLI calls on a deployed stack (EC2: only the doctor's look at where the stack would go). */
export type RemoteService = 'cloudformation' | 'stepfunctions' | 'iam' | 'route53' | 'dynamodb' | 'ec2';

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** Options every command that can reach a deployed stack accepts. */
export interface TargetOptions {
  target?: string;
  stack?: string;
  region?: string;
}

export interface RemoteTarget {
  name: RemoteTargetName;
  stackName: string;
  region: string;
  /** Where the region came from, for messages: "--region", "AWS_REGION", "your AWS profile", "default". */
  regionSource: string;
  /** Per-service endpoint overrides; none means the SDK's own resolution (AWS_ENDPOINT_URL_* included). */
  endpoints: Partial<Record<RemoteService, string>>;
  /** Fixed credentials (LocalStack's test keys); undefined means the SDK's default provider chain. */
  credentials?: StaticCredentials;
  /** Refuse production-looking accounts and accounts outside RACELAB_SANDBOX_ACCOUNTS (aws only). */
  guardAccount: boolean;
  /** What to tell the user to run. */
  commands: { deploy: string; destroy: string; cli: string };
}

/** LocalStack accepts any keys; "test" is what its documentation uses. */
export const LOCALSTACK_CREDENTIALS: StaticCredentials = { accessKeyId: 'test', secretAccessKey: 'test' };
export const LOCALSTACK_DEFAULT_REGION = 'us-east-1';
/** Where the aws target falls back to when nothing names a region: the outage's region. */
export const AWS_FALLBACK_REGION = 'us-east-1';

const REMOTE_SERVICES: readonly RemoteService[] = ['cloudformation', 'stepfunctions', 'iam', 'route53', 'dynamodb', 'ec2'];
// CloudFormation: a letter, then letters, digits and hyphens, at most 128 characters.
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;

export function isRemoteTarget(name: TargetName): name is RemoteTargetName {
  return name !== 'local';
}

export function parseTargetName(value: string | undefined): TargetName {
  const name = value ?? 'local';
  if (!(TARGETS as readonly string[]).includes(name)) throw new UsageError(`--target "${name}" is not a target; choose from: ${TARGETS.join(', ')}`);
  return name as TargetName;
}

/** --stack and --region mean nothing to the embedded lab; say so rather than ignore them. */
export function rejectRemoteOptionsForLocal(options: TargetOptions): void {
  const given = [options.stack !== undefined && '--stack', options.region !== undefined && '--region'].filter(Boolean);
  if (given.length)
    throw new UsageError(
      `${given.join(' and ')} ${given.length > 1 ? 'apply' : 'applies'} to --target aws or localstack only; the local target is the embedded lab`,
    );
}

/**
 * Settles everything about a deployed target before any call is made.
 * @param sdkRegion the region the SDK's own chain finds (profile, AWS_REGION), if any
 */
export function remoteTarget(name: RemoteTargetName, options: TargetOptions, env: Environment = processEnvironment(), sdkRegion?: string): RemoteTarget {
  const stackName = options.stack ?? DEFAULT_STACK_NAME;
  if (!STACK_NAME.test(stackName)) throw new UsageError(`--stack "${stackName}" is not a CloudFormation stack name (a letter, then letters, digits and "-")`);
  if (options.region !== undefined && !REGION_NAME.test(options.region))
    throw new UsageError(`--region "${options.region}" is not an AWS region name (e.g. us-east-1)`);
  const envRegion = env[ENVIRONMENT_VARIABLES.region];
  const envDefaultRegion = env[ENVIRONMENT_VARIABLES.defaultRegion];
  if (name === 'localstack') {
    const endpoint = env[ENVIRONMENT_VARIABLES.endpoint] || LOCALSTACK_ENDPOINT;
    const [region, regionSource] = options.region
      ? [options.region, '--region']
      : envRegion
        ? [envRegion, ENVIRONMENT_VARIABLES.region]
        : envDefaultRegion
          ? [envDefaultRegion, ENVIRONMENT_VARIABLES.defaultRegion]
          : [LOCALSTACK_DEFAULT_REGION, 'default'];
    return {
      name,
      stackName,
      region,
      regionSource,
      endpoints: Object.fromEntries(REMOTE_SERVICES.map((service) => [service, endpoint])),
      // Keys set explicitly in the environment win (LocalStack derives the account from a 12-digit key id);
      // a profile's real keys are never sent to a local emulator.
      credentials: env[ENVIRONMENT_VARIABLES.accessKeyId] ? undefined : LOCALSTACK_CREDENTIALS,
      guardAccount: false,
      commands: {
        deploy: 'npx cdklocal bootstrap && npx cdklocal deploy -c target=localstack',
        destroy: 'npx cdklocal destroy',
        cli: `aws --endpoint-url ${endpoint}`,
      },
    };
  }
  const [region, regionSource] = options.region
    ? [options.region, '--region']
    : envRegion
      ? [envRegion, ENVIRONMENT_VARIABLES.region]
      : sdkRegion
        ? [sdkRegion, 'your AWS profile']
        : [AWS_FALLBACK_REGION, 'default'];
  return {
    name,
    stackName,
    region,
    regionSource,
    endpoints: {},
    guardAccount: true,
    commands: { deploy: 'npx cdk deploy -c sandboxAccounts=<your account id>', destroy: 'npx cdk destroy', cli: 'aws' },
  };
}

/** One line naming the target, for headers and messages. */
export function describeTarget(target: RemoteTarget): string {
  const where = target.name === 'localstack' ? `LocalStack at ${target.endpoints.cloudformation}` : 'AWS';
  return `${where}, region ${target.region}, stack ${target.stackName}`;
}

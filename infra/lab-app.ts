// Builds the CDK app: the sandbox guard first (nothing is constructed for an
// account nobody allowlisted), then the one stack, then cdk-nag over all of
// it. bin/app.ts and the infra tests both build the app here, so the tests
// check exactly what `cdk synth` produces.
import { App, PERMISSIONS_BOUNDARY_CONTEXT_KEY, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import { ContextError } from './context-error.ts';
import { DnsRaceLabStack } from './lab-stack.ts';
import { AVAILABILITY_ZONES_CONTEXT, LAB_AVAILABILITY_ZONES, areLabAvailabilityZones, availabilityZoneList } from './lab-placement.ts';
import { resolveSandboxTarget, type SandboxTarget } from './sandbox-guard.ts';
import type { Scenario } from '../scenario/schema.ts';
import { DEFAULT_STACK_NAME } from './stack-outputs.ts';
import { DEFAULT_ZONE_NAME } from '../lambdas/config.ts';
import { ENVIRONMENT_VARIABLES, processEnvironment, type Environment } from './environment.ts';

export const ZONE_NAME_CONTEXT = 'zoneName';
export { AVAILABILITY_ZONES_CONTEXT };
/** An IAM managed policy ARN put on every role of the stack as its permissions boundary; env RACELAB_PERMISSIONS_BOUNDARY beside it. */
export const PERMISSIONS_BOUNDARY_CONTEXT = 'permissionsBoundary';
/** arn:<partition>:iam::<account, or aws for an AWS managed policy>:policy/<optional path/>name */
const MANAGED_POLICY_ARN = /^arn:aws(-[a-z]+)*:iam::(\d{12}|aws):policy\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,128}$/;
export const EXAMPLE_BOUNDARY = 'arn:aws:iam::111122223333:policy/SandboxBoundary';
const ZONE_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;

export interface LabApp {
  app: App;
  stack: DnsRaceLabStack;
  target: SandboxTarget;
}

/**
 * @param env where the guard reads RACELAB_SANDBOX_ACCOUNTS and the CLI's
 *   CDK_DEFAULT_* variables, and RACELAB_PERMISSIONS_BOUNDARY is read; tests pass their own.
 */
export function buildLabApp(app: App, scenarios: readonly Scenario[], env: Environment = processEnvironment()): LabApp {
  const context = (key: string): unknown => app.node.tryGetContext(key);
  const target = resolveSandboxTarget({ context, env });
  const boundary = readPermissionsBoundary(context, env, target.account);
  const stack = new DnsRaceLabStack(app, DEFAULT_STACK_NAME, {
    env: { account: target.account, region: target.region },
    description:
      `dns-race-lab: the October 2025 DynamoDB DNS race, recreated in a disposable ` +
      `${target.target === 'localstack' ? 'LocalStack' : 'sandbox account'}; tear down as docs/deploy.md says`,
    scenarios,
    zoneName: readZoneName(context(ZONE_NAME_CONTEXT)),
    availabilityZones: readAvailabilityZones(context(AVAILABILITY_ZONES_CONTEXT), target.region),
  });
  if (boundary) applyPermissionsBoundary(stack, boundary);
  // cdk-nag 3 is a policy-validation plugin (v2 was an Aspect): unacknowledged
  // errors fail `cdk synth`; acknowledgements are copied into the template's
  // Metadata (cdk_nag.rules_to_suppress) so the deployed stack carries its reasons.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }));
  return { app, stack, target };
}

function readAvailabilityZones(value: unknown, region: string): string[] | undefined {
  const zones = availabilityZoneList(value);
  if (zones === undefined || areLabAvailabilityZones(zones, region)) return zones;
  throw new ContextError(
    `Refusing to synthesize the dns-race-lab stack: context ${AVAILABILITY_ZONES_CONTEXT} must name ${LAB_AVAILABILITY_ZONES} different AZs ` +
      `of ${region}, not "${zones.join(',')}" (e.g. \`npx cdk deploy -c ${AVAILABILITY_ZONES_CONTEXT}=${region}a,${region}c\`).`,
  );
}

function readZoneName(value: unknown): string {
  if (value === undefined || value === null || value === '') return DEFAULT_ZONE_NAME;
  const name = String(value).replace(/\.$/, '');
  if (ZONE_NAME.test(name)) return name;
  throw new ContextError(
    `Refusing to synthesize the dns-race-lab stack: context ${ZONE_NAME_CONTEXT} "${name}" is not a lower-case DNS name with at least two ` +
      `labels (e.g. \`npx cdk deploy -c ${ZONE_NAME_CONTEXT}=${DEFAULT_ZONE_NAME}\`).`,
  );
}

/**
 * Puts the managed policy `arn` on every role in `scope` as its permissions boundary. CDK's aspect: it
 * reaches every resource of type AWS::IAM::Role, the roles CDK makes inside its own constructs (the
 * custom resource providers') and plain CfnResource ones (CustomResourceProvider's) included.
 */
export function applyPermissionsBoundary(scope: Construct, arn: string): void {
  iam.PermissionsBoundary.of(scope).apply(iam.ManagedPolicy.fromManagedPolicyArn(scope, 'PermissionsBoundary', arn));
}

/**
 * The permissions boundary, from context or (context unset) the environment, as the sandbox guard
 * reads its allowlist. Ours rather than CDK's own `@aws-cdk/core:permissionsBoundary`: that one wants
 * a JSON object ({"arn": ...}), so from `-c`, which passes strings, it is silently ignored; it has no
 * environment variable; and it checks nothing. Setting both is refused, since two aspects would race.
 */
export function readPermissionsBoundary(context: (key: string) => unknown, env: Environment, account: string): string | undefined {
  const given = (value: unknown) => (value === undefined || value === null || value === '' ? undefined : String(value).trim());
  const fromContext = given(context(PERMISSIONS_BOUNDARY_CONTEXT));
  const value = fromContext ?? given(env[ENVIRONMENT_VARIABLES.permissionsBoundary]);
  if (value === undefined) return undefined;
  const source = fromContext !== undefined ? `context ${PERMISSIONS_BOUNDARY_CONTEXT}` : `env ${ENVIRONMENT_VARIABLES.permissionsBoundary}`;
  if (!MANAGED_POLICY_ARN.test(value)) {
    throw new ContextError(
      `Refusing to synthesize the dns-race-lab stack: ${source} "${value}" is not an IAM managed policy ARN ` +
        `(arn:<partition>:iam::<account>:policy/<name>, e.g. \`npx cdk deploy -c ${PERMISSIONS_BOUNDARY_CONTEXT}=${EXAMPLE_BOUNDARY}\`).`,
    );
  }
  const owner = value.split(':')[4];
  if (owner !== 'aws' && owner !== account) {
    throw new ContextError(
      `Refusing to synthesize the dns-race-lab stack: ${source} names a policy of account ${owner}, but the lab deploys to account ${account}; ` +
        `a role's boundary is a managed policy of its own account or an AWS managed one (e.g. \`-c ${PERMISSIONS_BOUNDARY_CONTEXT}=` +
        `${value.replace(`::${owner}:`, `::${account}:`)}\`).`,
    );
  }
  if (context(PERMISSIONS_BOUNDARY_CONTEXT_KEY) !== undefined) {
    throw new ContextError(
      `Refusing to synthesize the dns-race-lab stack: both ${source} and CDK's context ${PERMISSIONS_BOUNDARY_CONTEXT_KEY} name a permissions ` +
        `boundary; keep one (e.g. \`npx cdk deploy -c ${PERMISSIONS_BOUNDARY_CONTEXT}=${value}\`).`,
    );
  }
  return value;
}

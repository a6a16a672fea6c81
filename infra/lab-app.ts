// Builds the CDK app: the sandbox guard first (nothing is constructed for an
// account nobody allowlisted), then the one stack, then cdk-nag over all of
// it. bin/app.ts and the infra tests both build the app here, so the tests
// check exactly what `cdk synth` produces.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ContextError } from './context-error.ts';
import { DnsRaceLabStack } from './lab-stack.ts';
import { AVAILABILITY_ZONES_CONTEXT, LAB_AVAILABILITY_ZONES, areLabAvailabilityZones, availabilityZoneList } from './lab-placement.ts';
import { resolveSandboxTarget, type SandboxTarget } from './sandbox-guard.ts';
import type { Scenario } from '../scenario/schema.ts';
import { DEFAULT_STACK_NAME } from './stack-outputs.ts';
import { DEFAULT_ZONE_NAME } from '../lambdas/config.ts';
import { processEnvironment, type Environment } from './environment.ts';

export const ZONE_NAME_CONTEXT = 'zoneName';
export { AVAILABILITY_ZONES_CONTEXT };
const ZONE_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;

export interface LabApp {
  app: App;
  stack: DnsRaceLabStack;
  target: SandboxTarget;
}

/**
 * @param env where the guard reads RACELAB_SANDBOX_ACCOUNTS and the CLI's
 *   CDK_DEFAULT_* variables; tests pass their own.
 */
export function buildLabApp(app: App, scenarios: readonly Scenario[], env: Environment = processEnvironment()): LabApp {
  const context = (key: string): unknown => app.node.tryGetContext(key);
  const target = resolveSandboxTarget({ context, env });
  const stack = new DnsRaceLabStack(app, DEFAULT_STACK_NAME, {
    env: { account: target.account, region: target.region },
    description:
      `dns-race-lab: the October 2025 DynamoDB DNS race, recreated in a disposable ` +
      `${target.target === 'localstack' ? 'LocalStack' : 'sandbox account'}; tear down as docs/deploy.md says`,
    scenarios,
    zoneName: readZoneName(context(ZONE_NAME_CONTEXT)),
    availabilityZones: readAvailabilityZones(context(AVAILABILITY_ZONES_CONTEXT), target.region),
  });
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

// The one kind of Lambda the lab deploys. Fixes what every lab function shares
// (Node 22 on arm64, local esbuild bundling without Docker, ESM output, a
// one-day log group that goes with the stack, its own role with no managed
// policies) and offers bind helpers that grant access and set the
// configuration variable in one call, so a grant never lacks its variable or
// the other way round.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { AssetHashType, DockerImage, Duration, RemovalPolicy, Validations, type ILocalBundling } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import type { BuildOptions } from 'esbuild';
import { CONFIG_VARIABLES, type MetricsMode } from '../lambdas/config.ts';
import { PROJECT_ROOT } from '../scenario/project-root.ts';
import { ContextError } from './context-error.ts';
import { VPC_ENI_ACTIONS, type DynamoDbAction, type Route53Action } from './lab-access.ts';
import { FUNCTION_TIMEOUT_SECONDS } from './scenario-definition.ts';

// Found from package.json, so it is right when the app runs compiled from dist/ (bin/app.js).
export { PROJECT_ROOT };

/** The handler modules under lambdas/; each exports `handler`. */
export type LabHandler = 'planner' | 'enactor' | 'probe' | 'dwfm' | 'launcher' | 'network' | 'nlb' | 'operator' | 'zone-cleanup';

export interface LabFunctionProps {
  handler: LabHandler;
  description: string;
  /** Runs the function in these isolated subnets (the Probe: it must ask the VPC resolver). */
  vpc?: ec2.IVpc;
  /** Default: FUNCTION_TIMEOUT_SECONDS, the scenario Tasks' bound. */
  timeout?: Duration;
}

const METRICS: MetricsMode = 'emf';

/** `-c sourceMaps=true`: ship each bundle's source map and have Node use it for stack traces. */
export const SOURCE_MAPS_CONTEXT = 'sourceMaps';

/**
 * The AWS SDK v3 packages stay out of the bundle: the nodejs22.x runtime carries its own copy.
 * Its version is AWS's choice (Lambda's "Runtime-included SDK versions") and may trail
 * package-lock.json by some minor versions, so the adapters import only long-standing names
 * (clients, commands, paginators) and tell errors apart by `name`, never by class.
 */
export const RUNTIME_PROVIDED_PACKAGES = ['@aws-sdk/*'];

/** Whether bundles carry source maps: context `sourceMaps`; off by default, as a map outweighs its bundle and --enable-source-maps slows cold starts. */
export function readSourceMaps(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw new ContextError(
    `Refusing to synthesize the dns-race-lab stack: context ${SOURCE_MAPS_CONTEXT} must be true or false, not "${String(value)}" ` +
      `(e.g. \`npx cdk deploy -c ${SOURCE_MAPS_CONTEXT}=true\`).`,
  );
}

/**
 * esbuild through its JavaScript API, in the synthesizing process: NodejsFunction runs
 * `npx esbuild` once per bundle, and starting npx cost more than the bundling. The fields are
 * the asset's cache key, so functions with the same handler and options share one bundle.
 */
class EsbuildBundling implements ILocalBundling {
  readonly options: BuildOptions;

  constructor(handler: LabHandler, sourceMaps: boolean) {
    this.options = {
      absWorkingDir: PROJECT_ROOT,
      entryPoints: [join(PROJECT_ROOT, 'lambdas', handler, 'handler.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      mainFields: ['module', 'main'],
      minify: true,
      sourcemap: sourceMaps,
      sourcesContent: false,
      external: RUNTIME_PROVIDED_PACKAGES,
      logLevel: 'warning',
    };
  }

  tryBundle(outputDir: string): boolean {
    loadEsbuild().buildSync({ ...this.options, outfile: join(outputDir, 'index.mjs') });
    return true;
  }
}

/** Loaded only when a bundle is built: esbuild is a dev dependency, like the CDK CLI that asks for it. */
function loadEsbuild(): typeof import('esbuild') {
  try {
    return createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  } catch (error) {
    throw new Error('the lab bundles its functions with esbuild, without Docker, and esbuild is not installed: run npm ci', { cause: error });
  }
}

/** A handler's bundle: one ESM file, index.mjs, exporting `handler`; hashed by its output, as deployed. */
function bundledCode(handler: LabHandler, sourceMaps: boolean): lambda.Code {
  return lambda.Code.fromAsset(PROJECT_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    // The image is never run: local bundling builds the asset or throws.
    bundling: { image: DockerImage.fromRegistry('dummy'), local: new EsbuildBundling(handler, sourceMaps) },
  });
}

export class LabFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: LabFunctionProps) {
    super(scope, id);
    // Our own role: logs go to this function's log group only, instead of the
    // managed AWSLambdaBasicExecutionRole's writes to any log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `dns-race-lab ${id}: ${props.description}`,
    });
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_DAY, removalPolicy: RemovalPolicy.DESTROY });
    logGroup.grantWrite(this.role);

    const sourceMaps = readSourceMaps(this.node.tryGetContext(SOURCE_MAPS_CONTEXT));
    this.function = new lambda.Function(this, 'Function', {
      code: bundledCode(props.handler, sourceMaps),
      handler: 'index.handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      // The Enactor retries a throttled apply with backoff inside one step, and a fault may hold
      // it there until another actor's event (up to gates.timeoutSeconds): one long invocation.
      timeout: props.timeout ?? Duration.seconds(FUNCTION_TIMEOUT_SECONDS),
      // More memory buys more CPU: a faster cold start keeps steps close to their scheduled second.
      memorySize: 256,
      role: this.role,
      logGroup,
      environment: {
        [CONFIG_VARIABLES.metrics]: METRICS,
        ...(sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
      },
      ...(props.vpc ? { vpc: props.vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } } : {}),
    });

    // On the CloudFormation resource itself: an acknowledgement covers the whole subtree it is made on.
    Validations.of(this.function.node.defaultChild!).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        "nodejs22.x is the lab's pinned runtime (cdk-nag wants the newest the CDK knows, nodejs24.x): it meets package.json's engines (>= 22.13), " +
        'and the handlers and the embedded target are tested on Node 20.20 and 24 (.ci/run); moving runtimes is a deliberate upgrade with its own test run.',
    });
    if (props.vpc) this.allowVpcNetworkInterfaces();
  }

  get functionArn(): string {
    return this.function.functionArn;
  }

  /** Sets the table's configuration variable and grants exactly `actions` on it (none: name only). */
  bindTable(key: 'plansTable' | 'eventsTable' | 'cascadeTable', table: dynamodb.ITable, actions: readonly DynamoDbAction[]): this {
    this.function.addEnvironment(CONFIG_VARIABLES[key], table.tableName);
    if (actions.length) table.grant(this.function, ...actions);
    return this;
  }

  /** Sets the zone's id and name variables and grants exactly `actions` on that zone (none: names only). */
  bindZone(zone: route53.IHostedZone, actions: readonly Route53Action[]): this {
    this.function.addEnvironment(CONFIG_VARIABLES.hostedZoneId, zone.hostedZoneId);
    this.function.addEnvironment(CONFIG_VARIABLES.zoneName, zone.zoneName);
    return this.grantZone(zone, actions);
  }

  /** Grants exactly `actions` on that zone, for a function told the zone another way (a custom resource's properties). */
  grantZone(zone: route53.IHostedZone, actions: readonly Route53Action[]): this {
    if (actions.length) this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...actions], resources: [zone.hostedZoneArn] }));
    return this;
  }

  private allowVpcNetworkInterfaces(): void {
    // Written out instead of AWSLambdaVPCAccessExecutionRole: that policy also allows log writes to every log group.
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...VPC_ENI_ACTIONS], resources: ['*'] }));
    const rolePolicy = this.role.node.findChild('DefaultPolicy') as iam.Policy;
    Validations.of(rolePolicy.node.defaultChild!).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Lambda manages the ENIs of a VPC function through the execution role; ec2:Describe* have no resource-level scope and the ENI ids ' +
        'do not exist before Lambda creates them, so AWS documents Resource "*" for these six actions (AWSLambdaVPCAccessExecutionRole).',
    });
  }
}

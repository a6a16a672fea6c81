// The one kind of Lambda the lab deploys. Fixes what every lab function shares
// (Node 22 on arm64, local esbuild bundling without Docker, ESM output, a
// one-day log group that goes with the stack, its own role with no managed
// policies) and offers bind helpers that grant access and set the
// configuration variable in one call, so a grant never lacks its variable or
// the other way round.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { AssetHashType, DockerImage, Duration, RemovalPolicy, Stack, Validations, type ILocalBundling } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import type { BuildOptions, OutputFile } from 'esbuild';
import { LAMBDA_SDK_PACKAGES, SDK_VERSIONS_DEFINE, type SdkVersions } from '../lambdas/bundled-sdk.ts';
import { CONFIG_VARIABLES, type MetricsMode } from '../lambdas/config.ts';
import { PROJECT_ROOT } from '../scenario/project-root.ts';
import { ContextError } from './context-error.ts';
import { VPC_ENI_ACTIONS, type DynamoDbAction, type Route53Action } from './lab-access.ts';
import { FUNCTION_TIMEOUT_SECONDS } from './scenario-definition.ts';

// Found from package.json, so it is right when the app runs compiled from dist/ (bin/app.js).
export { PROJECT_ROOT };

/** The handler modules under lambdas/; each exports `handler`. */
const LAB_HANDLERS = ['planner', 'enactor', 'probe', 'dwfm', 'launcher', 'network', 'nlb', 'operator', 'zone-cleanup'] as const;
export type LabHandler = (typeof LAB_HANDLERS)[number];

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
 * The most a bundle may weigh: a tripwire for a dependency bundled whole (a second SDK client,
 * an untree-shaken import), not Lambda's limit (50 MB zipped). Each is about 540 KB today.
 */
export const BUNDLE_BYTES_MAX = 640 * 1024;

/**
 * The SDK versions esbuild bundles, each package as Node resolves it from the adapters that import it.
 *
 * Each bundle carries the AWS SDK v3 that package-lock.json pins and the tests run, tree-shaken
 * to what the handler calls, and imports nothing but Node's built-ins. The nodejs22.x runtime has
 * an SDK of its own, but AWS chooses and updates its version without publishing it, and states
 * nothing of lib-dynamodb in it; a missing or older package would fail every function on import.
 * AWS's Node.js packaging guide recommends bundling dependencies with esbuild. Measured (figures
 * in docs/deploy.md): about 540 KB a bundle, 160 KB zipped, whose cold import takes about half
 * the time of a bundle that loads the SDK from node_modules. The versions are written into the
 * bundle (lambdas/bundled-sdk.ts), so each function's warm-up answer names them.
 */
export function sdkVersionsToBundle(): SdkVersions {
  const resolve = createRequire(join(PROJECT_ROOT, 'lambdas', 'adapters', 'dynamodb-clients.ts')).resolve;
  const versionOf = (name: string) => (JSON.parse(readFileSync(resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
  return Object.fromEntries(LAMBDA_SDK_PACKAGES.map((name) => [name, versionOf(name)])) as SdkVersions;
}

/** Whether bundles carry source maps: context `sourceMaps`; off by default, as a map outweighs its bundle and --enable-source-maps slows cold starts. */
export function readSourceMaps(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw new ContextError(
    `Refusing to synthesize the dns-race-lab stack: context ${SOURCE_MAPS_CONTEXT} must be true or false, not "${String(value)}" ` +
      `(e.g. \`npx cdk deploy -c ${SOURCE_MAPS_CONTEXT}=true\`).`,
  );
}

/** The esbuild options every bundle shares; `sourceMaps` adds a linked map beside each. */
function bundleOptions(sourceMaps: boolean): BuildOptions {
  return {
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: sourceMaps,
    sourcesContent: false,
    define: { [SDK_VERSIONS_DEFINE]: JSON.stringify(sdkVersionsToBundle()) },
    logLevel: 'warning',
  };
}

/**
 * Every handler's bundle from one esbuild build, held in memory until each asset asks for its
 * own: esbuild then parses the SDK and zod once for all of them, not once per handler (measured
 * 2.5 to 4 times faster, byte for byte the same bundles). One per stack and options, so a later synth sees edited code.
 */
class BundleBatch {
  private static readonly perStack = new WeakMap<Stack, Map<string, BundleBatch>>();
  private outputs?: OutputFile[];

  private constructor(private readonly options: BuildOptions) {}

  static of(stack: Stack, options: BuildOptions): BundleBatch {
    const batches = BundleBatch.perStack.get(stack) ?? new Map<string, BundleBatch>();
    BundleBatch.perStack.set(stack, batches);
    const key = JSON.stringify(options);
    if (!batches.has(key)) batches.set(key, new BundleBatch(options));
    return batches.get(key)!;
  }

  /** Writes `handler`'s files (index.mjs, and index.mjs.map with source maps) into `outputDir`. */
  write(handler: LabHandler, outputDir: string): void {
    // A virtual outdir: the files stay in memory, and a source map's paths do not depend on where the assembly goes.
    const outdir = join(PROJECT_ROOT, 'cdk.out', 'bundles');
    this.outputs ??= loadEsbuild().buildSync({
      ...this.options,
      entryPoints: Object.fromEntries(LAB_HANDLERS.map((name) => [`${name}/index`, join(PROJECT_ROOT, 'lambdas', name, 'handler.ts')])),
      outdir,
      outExtension: { '.js': '.mjs' },
      write: false,
    }).outputFiles;
    const own = this.outputs.filter((output) => dirname(output.path) === join(outdir, handler));
    for (const file of own) writeFileSync(join(outputDir, basename(file.path)), file.contents);
  }
}

/**
 * esbuild through its JavaScript API, in the synthesizing process: NodejsFunction runs
 * `npx esbuild` once per bundle, and starting npx cost more than the bundling. The public fields
 * are the asset's cache key, so functions with the same handler and options share one bundle.
 */
class EsbuildBundling implements ILocalBundling {
  readonly handler: LabHandler;
  readonly options: BuildOptions;
  readonly #batch: BundleBatch;

  constructor(stack: Stack, handler: LabHandler, sourceMaps: boolean) {
    this.handler = handler;
    this.options = bundleOptions(sourceMaps);
    this.#batch = BundleBatch.of(stack, this.options);
  }

  tryBundle(outputDir: string): boolean {
    this.#batch.write(this.handler, outputDir);
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
function bundledCode(stack: Stack, handler: LabHandler, sourceMaps: boolean): lambda.Code {
  return lambda.Code.fromAsset(PROJECT_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    // The image is never run: local bundling builds the asset or throws.
    bundling: { image: DockerImage.fromRegistry('dummy'), local: new EsbuildBundling(stack, handler, sourceMaps) },
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
      code: bundledCode(Stack.of(this), props.handler, sourceMaps),
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

// The one kind of Lambda the lab deploys. Fixes what every lab function shares
// (Node 22 on arm64, local esbuild bundling without Docker, ESM output, a
// one-day log group that goes with the stack, its own role with no managed
// policies) and offers bind helpers that grant access and set the
// configuration variable in one call, so a grant never lacks its variable or
// the other way round.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { CONFIG_VARIABLES, type MetricsMode } from '../lambdas/config.ts';
import { VPC_ENI_ACTIONS, type DynamoDbAction, type Route53Action } from './lab-access.ts';
import { FUNCTION_TIMEOUT_SECONDS } from './scenario-definition.ts';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The handler modules under lambdas/; each exports `handler`. */
export type LabHandler = 'planner' | 'enactor' | 'probe';

export interface LabFunctionProps {
  handler: LabHandler;
  description: string;
  /** Runs the function in these isolated subnets (the Probe: it must ask the VPC resolver). */
  vpc?: ec2.IVpc;
}

const METRICS: MetricsMode = 'emf';

// Bundled code is ESM (.mjs); the AWS SDK's CommonJS parts call require(),
// which ESM lacks, so the bundle gets one back.
const ESM_REQUIRE_BANNER = "import { createRequire as __racelabCreateRequire } from 'node:module'; const require = __racelabCreateRequire(import.meta.url);";

export class LabFunction extends Construct {
  readonly function: NodejsFunction;
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

    this.function = new NodejsFunction(this, 'Function', {
      entry: join(PROJECT_ROOT, 'lambdas', props.handler, 'handler.ts'),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      // The Enactor retries a throttled apply with backoff inside one step, and a fault may hold
      // it there until another actor's event (up to gates.timeoutSeconds): one long invocation.
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS),
      // More memory buys more CPU: a faster cold start keeps steps close to their scheduled second.
      memorySize: 256,
      role: this.role,
      logGroup,
      environment: {
        [CONFIG_VARIABLES.metrics]: METRICS,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Pin the SDK we test with rather than whichever version the runtime carries:
        // the adapters rely on its error classes (instanceof) and paginators.
        bundleAwsSDK: true,
      },
      ...(props.vpc ? { vpc: props.vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } } : {}),
    });

    // On the CloudFormation resource itself: an acknowledgement covers the whole subtree it is made on.
    Validations.of(this.function.node.defaultChild!).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        "nodejs22.x is the lab's pinned runtime (cdk-nag wants the newest the CDK knows, nodejs24.x): the handlers and the embedded target " +
        'are tested on Node 20 and 22 (package.json engines); moving runtimes is a deliberate upgrade with its own test run.',
    });
    if (props.vpc) this.allowVpcNetworkInterfaces();
  }

  get functionArn(): string {
    return this.function.functionArn;
  }

  /** Sets the table's configuration variable and grants exactly `actions` on it (none: name only). */
  bindTable(key: 'plansTable' | 'eventsTable', table: dynamodb.ITable, actions: readonly DynamoDbAction[]): this {
    this.function.addEnvironment(CONFIG_VARIABLES[key], table.tableName);
    if (actions.length) table.grant(this.function, ...actions);
    return this;
  }

  /** Sets the zone's id and name variables and grants exactly `actions` on that zone (none: names only). */
  bindZone(zone: route53.IHostedZone, actions: readonly Route53Action[]): this {
    this.function.addEnvironment(CONFIG_VARIABLES.hostedZoneId, zone.hostedZoneId);
    this.function.addEnvironment(CONFIG_VARIABLES.zoneName, zone.zoneName);
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

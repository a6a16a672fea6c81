// A plain `cdk destroy` that succeeds: CloudFormation cannot delete a hosted
// zone that still holds record sets other than its SOA and NS, and every run
// leaves records behind. This custom resource depends on the zone, so
// CloudFormation deletes it first, and its Delete empties the zone
// (lambdas/zone-cleanup/), the pattern of CDK's own autoDeleteObjects for a
// bucket. Its limit: a writer still running while the stack goes (a run's
// execution) can add records after the clean-up, which `racelab teardown`
// avoids by stopping executions first.
//
// Why the Provider framework and a lab function, not AwsCustomResource (as the
// SOA update uses): emptying a zone is a loop (pages of record sets, batches of
// deletions), and an AwsCustomResource makes one SDK call. The framework answers
// CloudFormation for the handler, failures included, so the handler stays a plain
// function that returns or throws, bundled like every lab function.
import { CustomResource, Duration, RemovalPolicy, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { ZoneCleanupProperties } from '../lambdas/task-input.ts';
import { ZONE_CLEANUP_ACTIONS } from './lab-access.ts';
import { LabFunction } from './lab-function.ts';

/** The custom resource's type in the template. */
export const ZONE_CLEANUP_RESOURCE_TYPE = 'Custom::LabZoneCleanup';
/** Listing and deleting a lab zone's few hundred record sets takes seconds; well under the framework's own 15 minutes. */
const CLEANUP_TIMEOUT = Duration.minutes(5);

export class LabZoneCleanup extends Construct {
  readonly handler: LabFunction;
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, zone: route53.IHostedZone) {
    super(scope, id);
    this.handler = new LabFunction(this, 'Handler', {
      handler: 'zone-cleanup',
      description: 'empties the lab zone (all but its SOA and NS) when the stack is deleted',
      timeout: CLEANUP_TIMEOUT,
    }).grantZone(zone, ZONE_CLEANUP_ACTIONS);

    // The framework's function gets our role and log group, as every lab function does: its default role
    // would carry the managed AWSLambdaBasicExecutionRole (log writes to every log group) and a log group kept forever.
    const role = new iam.Role(this, 'ProviderRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: "dns-race-lab: CDK's custom resource framework, which calls the zone clean-up for CloudFormation",
    });
    const logGroup = new logs.LogGroup(this, 'ProviderLogs', { retention: logs.RetentionDays.ONE_DAY, removalPolicy: RemovalPolicy.DESTROY });
    logGroup.grantWrite(role);
    const provider = new Provider(this, 'Provider', { onEventHandler: this.handler.function, frameworkOnEventRole: role, logGroup });

    const properties: ZoneCleanupProperties = { HostedZoneId: zone.hostedZoneId, ZoneName: zone.zoneName };
    // Its properties name the zone, so it depends on it: created after the zone, deleted before it. It also
    // depends on the framework's function, which depends on the handler: both are still there when its Delete runs.
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: ZONE_CLEANUP_RESOURCE_TYPE,
      properties,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const rolePolicy = role.node.findChild('DefaultPolicy') as iam.Policy;
    Validations.of(rolePolicy.node.defaultChild!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.handler.function.node.defaultChild as CfnElement)}.Arn>:*]`,
      reason:
        "CDK's Provider framework grants its function lambda:InvokeFunction on the clean-up function and on that function's versions " +
        'and aliases (`:*`, grantInvoke); the wildcard is the qualifier of this one function, never another function.',
    });
  }
}

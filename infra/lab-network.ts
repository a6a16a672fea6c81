// The lab's VPC: isolated subnets only, so no NAT gateway and no internet path
// (the biggest fixed cost a sandbox VPC usually carries). It exists for two
// reasons: the private hosted zone must be associated with a VPC, and the Probe
// must resolve names through that VPC's resolver to see the real DNS answer.
// The Probe's outbound needs: writing run events, through a DynamoDB gateway
// endpoint (free) whose policy allows nothing else; and reading the lab zone
// (its second witness), through Route 53's interface endpoint where AWS offers one.
import { Aws, CfnCondition, Fn, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { EVENT_WRITER_ACTIONS } from './lab-access.ts';
import { LAB_AVAILABILITY_ZONES, ROUTE53_ENDPOINT_REGION, ROUTE53_ENDPOINT_SERVICE } from './lab-placement.ts';

export { LAB_AVAILABILITY_ZONES, ROUTE53_ENDPOINT_REGION, ROUTE53_ENDPOINT_SERVICE };

export interface LabNetworkProps {
  /** The only table code in the VPC may reach. */
  eventsTable: dynamodb.ITable;
}

export class LabNetwork extends Construct {
  readonly vpc: ec2.Vpc;
  readonly dynamoDbEndpoint: ec2.GatewayVpcEndpoint;
  readonly route53Endpoint: ec2.InterfaceVpcEndpoint;
  /** True at deploy time where the stack's region has Route 53's interface endpoint (and so the Probe reads the zone). */
  readonly route53Reachable: CfnCondition;

  constructor(scope: Construct, id: string, props: LabNetworkProps) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: LAB_AVAILABILITY_ZONES,
      natGateways: 0,
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      // Nothing uses the default security group; restricting it would add a
      // custom-resource Lambda (and its role) to a stack meant to stay small.
      restrictDefaultSecurityGroup: false,
    });
    this.dynamoDbEndpoint = this.vpc.addGatewayEndpoint('DynamoDb', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB });
    this.dynamoDbEndpoint.addToPolicy(
      new iam.PolicyStatement({ principals: [new iam.AnyPrincipal()], actions: [...EVENT_WRITER_ACTIONS], resources: [props.eventsTable.tableArn] }),
    );

    this.route53Reachable = new CfnCondition(this, 'Route53EndpointRegion', { expression: Fn.conditionEquals(Aws.REGION, ROUTE53_ENDPOINT_REGION) });
    // One AZ, the VPC's first: an interface endpoint is billed per AZ-hour, and the Probe in the other AZ reaches it across the VPC.
    // Whether AWS offers the service in that AZ is known only to the account, never at synth: `racelab doctor --target aws` checks.
    // Private DNS makes route53.amazonaws.com, the SDK's endpoint, resolve to it inside the VPC.
    this.route53Endpoint = this.vpc.addInterfaceEndpoint('Route53', {
      service: new ec2.InterfaceVpcEndpointService(ROUTE53_ENDPOINT_SERVICE, 443),
      privateDnsEnabled: true,
      subnets: { subnets: this.vpc.isolatedSubnets.slice(0, 1) },
      // Closed: only the Probe is let in (lab-functions.ts), not the whole VPC.
      open: false,
    });
    (this.route53Endpoint.node.defaultChild as ec2.CfnVPCEndpoint).cfnOptions.condition = this.route53Reachable;

    Validations.of(this.vpc.node.defaultChild!).acknowledge({
      id: 'AwsSolutions-VPC7',
      reason:
        "No flow logs, on purpose: the VPC has no internet or NAT gateway and carries only the Probe's DNS queries (to the VPC resolver, " +
        'which flow logs do not record), its run-event writes through the DynamoDB gateway endpoint, whose policy allows only PutItem ' +
        "on the events table, and its zone reads through Route 53's interface endpoint, which its role allows only on the lab zone; " +
        "the run-events table is the lab's audit trail. Flow logs would add a role, a log group and ingestion cost for nothing to investigate.",
    });
  }
}

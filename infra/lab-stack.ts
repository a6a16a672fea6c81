// The dns-race-lab stack: everything a sandbox account needs to run the
// October 2025 race for real, and little that keeps costing once a run ends
// (no NAT gateway, on-demand tables, one-day logs, DESTROY everywhere; the one
// hourly cost is the Route 53 interface endpoint the Probe's zone reads need).
import { CfnOutput, Fn, RemovalPolicy, Stack, Tags, Validations, type StackProps } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import { LabDashboard } from './lab-dashboard.ts';
import { LabFunctions } from './lab-functions.ts';
import { LAB_AVAILABILITY_ZONES, LabNetwork } from './lab-network.ts';
import { LabTables } from './lab-tables.ts';
import { LabZoneCleanup } from './lab-zone-cleanup.ts';
import { LabZoneSoa } from './lab-zone-soa.ts';
import type { Scenario } from '../scenario/schema.ts';
import { ScenarioStateMachine } from './scenario-state-machine.ts';
import { STACK_OUTPUTS } from './stack-outputs.ts';

export const LAB_TAGS = { project: 'dns-race-lab', purpose: 'sandbox-lab' } as const;

export interface DnsRaceLabStackProps extends StackProps {
  /** One state machine each (scenarios/*.json). */
  scenarios: readonly Scenario[];
  /** The private hosted zone's name, e.g. lab.internal. */
  zoneName: string;
  /** The VPC's two AZs by name (context availabilityZones); default: the first two the account has in the region. */
  availabilityZones?: readonly string[];
}

export class DnsRaceLabStack extends Stack {
  readonly tables: LabTables;
  readonly network: LabNetwork;
  readonly zone: route53.PrivateHostedZone;
  readonly functions: LabFunctions;
  readonly stateMachines: ReadonlyMap<string, ScenarioStateMachine>;
  private readonly namedAvailabilityZones?: readonly string[];

  constructor(scope: Construct, id: string, props: DnsRaceLabStackProps) {
    // Stack tags, which CloudFormation puts on every resource it can tag, must be given to the stack itself
    // (feature flag @aws-cdk/core:explicitStackTags); Tags.of puts them on each resource's own Tags as well.
    super(scope, id, { ...props, tags: { ...LAB_TAGS, ...props.tags } });
    this.namedAvailabilityZones = props.availabilityZones;
    for (const [key, value] of Object.entries(LAB_TAGS)) Tags.of(this).add(key, value);

    this.tables = new LabTables(this, 'Tables');
    this.network = new LabNetwork(this, 'Network', { eventsTable: this.tables.events });
    if (this.namedAvailabilityZones) {
      // On each subnet: that is where the AZ names are.
      for (const subnet of this.network.vpc.isolatedSubnets) {
        Validations.of(subnet.node.defaultChild!).acknowledge({
          id: 'CloudFormation-Validate::W3010',
          reason: 'The AZs are named on purpose, by context availabilityZones, for an account or region where the first two AZs cannot host the lab.',
        });
      }
    }
    this.zone = new route53.PrivateHostedZone(this, 'Zone', {
      zoneName: props.zoneName,
      vpc: this.network.vpc,
      comment: 'dns-race-lab: plans applied by the Enactors; records are scratch state',
    });
    this.zone.applyRemovalPolicy(RemovalPolicy.DESTROY);
    new LabZoneSoa(this, 'ZoneSoa', this.zone);
    new LabZoneCleanup(this, 'ZoneCleanup', this.zone);
    this.functions = new LabFunctions(this, 'Functions', {
      tables: this.tables,
      zone: this.zone,
      vpc: this.network.vpc,
      route53: { endpoint: this.network.route53Endpoint, reachable: this.network.route53Reachable },
    });

    const arns = this.functions.arns();
    this.stateMachines = new Map(
      props.scenarios.map((scenario) => [
        scenario.name,
        new ScenarioStateMachine(this, `Scenario-${scenario.name}`, { scenario, functionArns: arns, eventsTable: this.tables.events }),
      ]),
    );

    new LabDashboard(this, 'Dashboard', { enactors: this.functions.enactors() });

    this.addOutputs();
  }

  /**
   * Never looked up: a stack with a pinned account would otherwise ask EC2
   * for its AZs at synth time, which needs credentials and breaks offline
   * synth. CloudFormation's Fn::GetAZs picks the account's first AZs at
   * deploy time instead (AZ names differ per account: ap-northeast-1 has no
   * "b" for new accounts); context availabilityZones overrides it.
   */
  override get availabilityZones(): string[] {
    if (this.namedAvailabilityZones) return [...this.namedAvailabilityZones];
    return Array.from({ length: LAB_AVAILABILITY_ZONES }, (_, i) => Fn.select(i, Fn.getAzs()));
  }

  /** The outputs the CLI's aws/localstack targets read (stack-outputs.ts); their ids are the output keys. */
  private addOutputs(): void {
    const output = (key: string, value: string, description: string) => new CfnOutput(this, key, { value, description });
    output(STACK_OUTPUTS.plansTable, this.tables.plans.tableName, 'DynamoDB table of DNS plans');
    output(STACK_OUTPUTS.eventsTable, this.tables.events.tableName, 'DynamoDB table of run events');
    output(STACK_OUTPUTS.hostedZoneId, this.zone.hostedZoneId, 'Route 53 private hosted zone id');
    output(STACK_OUTPUTS.zoneName, this.zone.zoneName, 'Route 53 private hosted zone name');
    output(STACK_OUTPUTS.vpcId, this.network.vpc.vpcId, 'VPC the zone is associated with (the Probe runs in it)');
    const machines = Object.fromEntries([...this.stateMachines].map(([name, machine]) => [name, machine.stateMachine.stateMachineArn]));
    output(STACK_OUTPUTS.stateMachines, this.toJsonString(machines), 'JSON object: scenario name -> state machine ARN');
  }
}

// The lab functions and what each may touch. Every function gets every
// name readConfig requires; grants follow the code (lab-access.ts).
import { Fn, type CfnCondition } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { CONFIG_VARIABLES } from '../lambdas/config.ts';
import { ENACTOR_IDS, type EnactorId } from '../lambdas/core/events.ts';
import {
  DWFM_CASCADE_ACTIONS,
  ENACTOR_EVENT_ACTIONS,
  OPERATOR_CASCADE_ACTIONS,
  OPERATOR_PLAN_ACTIONS,
  OPERATOR_ZONE_ACTIONS,
  ENACTOR_PLAN_ACTIONS,
  ENACTOR_ZONE_ACTIONS,
  EVENT_WRITER_ACTIONS,
  NO_ACCESS,
  PLANNER_PLAN_ACTIONS,
  PROBE_ZONE_ACTIONS,
} from './lab-access.ts';
import { LabFunction } from './lab-function.ts';
import type { LabTables } from './lab-tables.ts';
import { enactorFunction, type FunctionKey } from './scenario-definition.ts';

export interface LabFunctionsProps {
  tables: LabTables;
  zone: route53.IHostedZone;
  vpc: ec2.IVpc;
  /** Route 53's interface endpoint, and where it exists (lab-network.ts): elsewhere the Probe is told to read no zone. */
  route53: { endpoint: ec2.InterfaceVpcEndpoint; reachable: CfnCondition };
}

/** Construct ids, so template logical ids read as the function they are. */
export const FUNCTION_IDS: Record<FunctionKey, string> = {
  planner: 'Planner',
  'enactor-az-a': 'EnactorAzA',
  'enactor-az-b': 'EnactorAzB',
  'enactor-az-c': 'EnactorAzC',
  probe: 'Probe',
  dwfm: 'Dwfm',
  launcher: 'Launcher',
  network: 'NetworkManager',
  nlb: 'Nlb',
  operator: 'Operator',
};

export class LabFunctions extends Construct {
  readonly byKey: Record<FunctionKey, LabFunction>;

  constructor(scope: Construct, id: string, { tables, zone, vpc, route53 }: LabFunctionsProps) {
    super(scope, id);
    const planner = new LabFunction(this, FUNCTION_IDS.planner, { handler: 'planner', description: 'writes generations of the DNS plan' })
      .bindTable('plansTable', tables.plans, PLANNER_PLAN_ACTIONS)
      .bindTable('eventsTable', tables.events, EVENT_WRITER_ACTIONS)
      .bindTable('cascadeTable', tables.cascade, NO_ACCESS)
      .bindZone(zone, NO_ACCESS);

    // One Enactor per AZ, as in the postmortem: the same code, three functions,
    // so each has its own concurrency, errors metric and log group.
    const enactors = Object.fromEntries(
      ENACTOR_IDS.map((enactor) => {
        const key = enactorFunction(enactor);
        const fn = new LabFunction(this, FUNCTION_IDS[key], { handler: 'enactor', description: `DNS Enactor ${enactor}: applies plans to the lab zone` })
          .bindTable('plansTable', tables.plans, ENACTOR_PLAN_ACTIONS)
          .bindTable('eventsTable', tables.events, ENACTOR_EVENT_ACTIONS)
          .bindTable('cascadeTable', tables.cascade, NO_ACCESS)
          .bindZone(zone, ENACTOR_ZONE_ACTIONS);
        return [key, fn];
      }),
    ) as Record<`enactor-${EnactorId}`, LabFunction>;

    // In the VPC: only the VPC resolver answers from the private hosted zone. It reads the
    // zone too (through the VPC's Route 53 endpoint, lab-network.ts), a witness no cache stands in front of.
    const probe = new LabFunction(this, FUNCTION_IDS.probe, { handler: 'probe', description: 'resolves each endpoint through the VPC resolver', vpc })
      .bindTable('plansTable', tables.plans, NO_ACCESS)
      .bindTable('eventsTable', tables.events, EVENT_WRITER_ACTIONS)
      .bindTable('cascadeTable', tables.cascade, NO_ACCESS)
      .bindZone(zone, PROBE_ZONE_ACTIONS);
    probe.function.addEnvironment(CONFIG_VARIABLES.zoneReads, Fn.conditionIf(route53.reachable.logicalId, 'on', 'off').toString());
    route53.endpoint.connections.allowDefaultPortFrom(probe.function, 'the Probe reads the lab zone');

    // The cascade (lambdas/core/cascade/). DWFM resolves the regional endpoint's name as every DynamoDB client
    // did, so it asks the VPC resolver, in the VPC like the Probe; its DynamoDB calls go through the gateway endpoint.
    const dwfm = new LabFunction(this, FUNCTION_IDS.dwfm, { handler: 'dwfm', description: "DWFM: keeps the droplets' leases", vpc })
      .bindTable('plansTable', tables.plans, NO_ACCESS)
      .bindTable('eventsTable', tables.events, EVENT_WRITER_ACTIONS)
      .bindTable('cascadeTable', tables.cascade, DWFM_CASCADE_ACTIONS)
      .bindZone(zone, NO_ACCESS);
    const tickOnly = (key: 'launcher' | 'network' | 'nlb', description: string) =>
      new LabFunction(this, FUNCTION_IDS[key], { handler: key, description })
        .bindTable('plansTable', tables.plans, NO_ACCESS)
        .bindTable('eventsTable', tables.events, EVENT_WRITER_ACTIONS)
        .bindTable('cascadeTable', tables.cascade, NO_ACCESS)
        .bindZone(zone, NO_ACCESS);
    const launcher = tickOnly('launcher', 'EC2 launches on leased droplets');
    const network = tickOnly('network', "Network Manager: propagates instances' network state");
    const nlb = tickOnly('nlb', 'NLB: health checks on new instances');
    const operator = new LabFunction(this, FUNCTION_IDS.operator, {
      handler: 'operator',
      description: "the scenario's operator: repair, the automation's kill switch and the cascade's switches",
    })
      .bindTable('plansTable', tables.plans, OPERATOR_PLAN_ACTIONS)
      .bindTable('eventsTable', tables.events, EVENT_WRITER_ACTIONS)
      .bindTable('cascadeTable', tables.cascade, OPERATOR_CASCADE_ACTIONS)
      .bindZone(zone, OPERATOR_ZONE_ACTIONS);

    this.byKey = { planner, ...enactors, probe, dwfm, launcher, network, nlb, operator };
  }

  enactors(): Record<EnactorId, lambda.IFunction> {
    const byEnactor: Partial<Record<EnactorId, lambda.IFunction>> = {};
    for (const enactor of ENACTOR_IDS) byEnactor[enactor] = this.byKey[enactorFunction(enactor)].function;
    return byEnactor as Record<EnactorId, lambda.IFunction>;
  }

  arns(): Record<FunctionKey, string> {
    return Object.fromEntries(Object.entries(this.byKey).map(([key, fn]) => [key, fn.functionArn])) as Record<FunctionKey, string>;
  }
}

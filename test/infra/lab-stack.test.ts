// What the stack deploys: five Lambdas on Node 22/arm64 (four from the
// Planner/Enactor code paths, the Probe in the VPC), a private hosted zone
// associated with a VPC that has no NAT gateway, whose SOA a deploy-time
// custom resource sets to a one-probe negative TTL and which a delete-time
// one empties before CloudFormation deletes it, on-demand tables that are
// deleted with the stack, one-day logs, the tags, the dashboard, and exactly
// the outputs the CLI reads (infra/stack-outputs.ts).
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CASCADE_TABLE_KEYS, EVENTS_TABLE_KEYS, EVENTS_TTL_ATTRIBUTE, keySchemaOf, PLANS_TABLE_KEYS } from '../../lambdas/adapters/tables.ts';
import { CONFIG_VARIABLES } from '../../lambdas/config.ts';
import { DEFAULT_ZONE_NAME } from '../../lambdas/config.ts';
import { LAB_TAGS } from '../../infra/lab-stack.ts';
import { DEFAULT_STACK_NAME, STACK_OUTPUTS } from '../../infra/stack-outputs.ts';
import { METRIC_DIMENSION, METRIC_NAMES, METRICS_NAMESPACE } from '../../lambdas/metrics.ts';
import { allScenarios, buildTestLabApp, resourcesOfType, SANDBOX_ACCOUNT, synthesizeLab, templateText, type SynthesizedLab } from './lab-app-fixture.ts';
import { FUNCTION_TIMEOUT_SECONDS } from '../../infra/scenario-definition.ts';
import { ROUTE53_ENDPOINT_REGION, ROUTE53_ENDPOINT_SERVICE } from '../../infra/lab-network.ts';
import { NEGATIVE_TTL_SECONDS } from '../../lambdas/core/dns-tree.ts';
import { ZONE_CLEANUP_RESOURCE_TYPE } from '../../infra/lab-zone-cleanup.ts';

let lab: SynthesizedLab;

beforeAll(async () => {
  lab = synthesizeLab({ scenarios: await allScenarios() });
});

const ref = (logicalId: string) => ({ Ref: logicalId });

/** Every resource `id` depends on, directly or not: by Ref, Fn::GetAtt or DependsOn, as CloudFormation orders creation and deletion. */
function dependencies(json: SynthesizedLab['json'], id: string, seen = new Set<string>()): Set<string> {
  const direct = (value: unknown): string[] => {
    if (Array.isArray(value)) return value.flatMap(direct);
    if (value === null || typeof value !== 'object') return [];
    const object = value as Record<string, unknown>;
    const own = typeof object.Ref === 'string' ? [object.Ref] : Array.isArray(object['Fn::GetAtt']) ? [String(object['Fn::GetAtt'][0])] : [];
    return [...own, ...Object.values(object).flatMap(direct)];
  };
  const resource = json.Resources[id]!;
  for (const next of [...direct(resource.Properties), ...(resource.DependsOn ?? [])]) {
    if (!(next in json.Resources) || seen.has(next)) continue;
    seen.add(next);
    dependencies(json, next, seen);
  }
  return seen;
}
/** The five lab functions, without the custom resource's provider (lab-zone-soa.ts). */
const labFunctions = (json: SynthesizedLab['json']) => resourcesOfType(json, 'AWS::Lambda::Function').filter(([id]) => id.startsWith('Functions'));

describe('the dns-race-lab stack', () => {
  it('is named as the CLI expects and pinned to the allowlisted account', () => {
    expect(lab.stack.stackName).toBe(DEFAULT_STACK_NAME);
    expect(lab.stack.account).toBe(SANDBOX_ACCOUNT);
    expect(lab.stack.region).toBe('us-east-1');
  });

  it('deploys ten Lambda functions, all nodejs22.x on arm64, with the timeout each Lambda Task of the state machines has', () => {
    // The other three run for CloudFormation only: the SOA custom resource's provider, the zone clean-up and its framework.
    lab.template.resourceCountIs('AWS::Lambda::Function', 13);
    expect(labFunctions(lab.json)).toHaveLength(10);
    for (const [, fn] of labFunctions(lab.json)) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Timeout: FUNCTION_TIMEOUT_SECONDS, Handler: 'index.handler' });
    }
  });

  it("names the functions Planner, Enactor az-a/b/c and Probe, and the cascade's Dwfm, Launcher, NetworkManager, Nlb and Operator", () => {
    const ids = labFunctions(lab.json).map(([id]) => id.replace(/Function[0-9A-F]{8}$/, ''));
    expect(ids.sort()).toEqual([
      'FunctionsDwfm',
      'FunctionsEnactorAzA',
      'FunctionsEnactorAzB',
      'FunctionsEnactorAzC',
      'FunctionsLauncher',
      'FunctionsNetworkManager',
      'FunctionsNlb',
      'FunctionsOperator',
      'FunctionsPlanner',
      'FunctionsProbe',
    ]);
  });

  it('gives every function every configuration variable readConfig requires, and switches EMF metrics on', () => {
    const zoneId = lab.stack.getLogicalId(lab.stack.zone.node.defaultChild as never);
    for (const [, fn] of labFunctions(lab.json)) {
      const variables = (fn.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables).toMatchObject({
        [CONFIG_VARIABLES.plansTable]: { Ref: expect.stringMatching(/^TablesPlans/) },
        [CONFIG_VARIABLES.eventsTable]: { Ref: expect.stringMatching(/^TablesEvents/) },
        [CONFIG_VARIABLES.cascadeTable]: { Ref: expect.stringMatching(/^TablesCascade/) },
        [CONFIG_VARIABLES.hostedZoneId]: ref(zoneId),
        [CONFIG_VARIABLES.zoneName]: DEFAULT_ZONE_NAME,
        [CONFIG_VARIABLES.metrics]: 'emf',
      });
      // Unset on AWS: the Probe must ask the VPC resolver, not a test DNS server.
      expect(variables).not.toHaveProperty(CONFIG_VARIABLES.dnsServer);
    }
  });

  it('runs only the Probe and DWFM (the two that ask the VPC resolver) in the VPC, in its isolated subnets', () => {
    const inVpc = resourcesOfType(lab.json, 'AWS::Lambda::Function').filter(([, fn]) => fn.Properties?.VpcConfig);
    expect(inVpc.map(([id]) => id).sort()).toEqual([expect.stringMatching(/^FunctionsDwfm/), expect.stringMatching(/^FunctionsProbe/)]);
    const subnets = resourcesOfType(lab.json, 'AWS::EC2::Subnet').map(([id]) => ref(id));
    for (const [, fn] of inVpc) expect((fn.Properties!.VpcConfig as { SubnetIds: unknown[] }).SubnetIds).toEqual(subnets);
  });

  it('has a VPC with isolated subnets only: no NAT gateway, no internet gateway, no public IPs', () => {
    lab.template.resourceCountIs('AWS::EC2::VPC', 1);
    lab.template.resourceCountIs('AWS::EC2::NatGateway', 0);
    lab.template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    lab.template.resourceCountIs('AWS::EC2::EIP', 0);
    lab.template.resourceCountIs('AWS::EC2::Subnet', 2);
    lab.template.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false });
    lab.template.resourceCountIs('AWS::EC2::Route', 0);
  });

  it("places the subnets in the account's first two AZs, chosen by CloudFormation (no lookup at synth)", () => {
    const zones = resourcesOfType(lab.json, 'AWS::EC2::Subnet').map(([, subnet]) => subnet.Properties!.AvailabilityZone);
    expect(zones).toEqual([0, 1].map((i) => ({ 'Fn::Select': [i, { 'Fn::GetAZs': '' }] })));
  });

  it('places them in the AZs named by context availabilityZones, and refuses names of another region', async () => {
    const scenarios = await allScenarios();
    const named = synthesizeLab({ scenarios, context: { region: 'ap-northeast-1', availabilityZones: 'ap-northeast-1a,ap-northeast-1c' } });
    expect(resourcesOfType(named.json, 'AWS::EC2::Subnet').map(([, subnet]) => subnet.Properties!.AvailabilityZone)).toEqual([
      'ap-northeast-1a',
      'ap-northeast-1c',
    ]);
    expect(() => buildTestLabApp({ scenarios, context: { availabilityZones: 'eu-west-1a,eu-west-1b' } })).toThrow(
      /^Refusing to synthesize the dns-race-lab stack: context availabilityZones must name 2 different AZs of us-east-1, not "eu-west-1a,eu-west-1b" \(e\.g\. `npx cdk deploy -c availabilityZones=us-east-1a,us-east-1c`\)\.$/,
    );
  });

  it('lets the VPC reach DynamoDB only through a gateway endpoint that allows only run-event writes', () => {
    lab.template.resourceCountIs('AWS::EC2::VPCEndpoint', 2);
    lab.template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: Match.objectLike({ 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.dynamodb']] }),
      PolicyDocument: {
        Statement: [
          {
            Action: 'dynamodb:PutItem',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TablesEvents'), 'Arn'] },
          },
        ],
        Version: '2012-10-17',
      },
    });
  });

  it("lets the Probe reach Route 53's API through its interface endpoint, only where AWS offers it, and tells the Probe where it does not", () => {
    const [[, endpoint]] = resourcesOfType(lab.json, 'AWS::EC2::VPCEndpoint').filter(([, e]) => e.Properties?.VpcEndpointType === 'Interface') as [
      [string, (typeof lab.json.Resources)[string]],
    ];
    expect(endpoint.Properties).toMatchObject({ ServiceName: ROUTE53_ENDPOINT_SERVICE, PrivateDnsEnabled: true });
    // One AZ (billed per AZ-hour), and only in the region that has the service.
    expect(endpoint.Properties!.SubnetIds).toHaveLength(1);
    const condition = (endpoint as { Condition?: string }).Condition!;
    expect((lab.json as { Conditions?: Record<string, unknown> }).Conditions?.[condition]).toEqual({
      'Fn::Equals': [{ Ref: 'AWS::Region' }, ROUTE53_ENDPOINT_REGION],
    });
    // Its security group lets in HTTPS from the Probe's security group only.
    const [groupId] = (endpoint.Properties!.SecurityGroupIds as { 'Fn::GetAtt': [string, string] }[]).map((group) => group['Fn::GetAtt'][0]);
    const ingress = resourcesOfType(lab.json, 'AWS::EC2::SecurityGroupIngress').filter(([, rule]) =>
      JSON.stringify(rule.Properties?.GroupId).includes(groupId!),
    );
    expect(ingress.map(([, rule]) => rule.Properties)).toEqual([
      expect.objectContaining({
        FromPort: 443,
        ToPort: 443,
        IpProtocol: 'tcp',
        SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^FunctionsProbeFunctionSecurityGroup/), 'GroupId'] },
      }),
    ]);
    expect(JSON.stringify(resourcesOfType(lab.json, 'AWS::EC2::SecurityGroup').find(([id]) => id === groupId)![1].Properties)).not.toContain(
      'SecurityGroupIngress',
    );
    const probe = labFunctions(lab.json).find(([id]) => id.startsWith('FunctionsProbe'))![1];
    const variables = (probe.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables[CONFIG_VARIABLES.zoneReads]).toEqual({ 'Fn::If': [condition, 'on', 'off'] });
    for (const [id, fn] of labFunctions(lab.json).filter(([id]) => !id.startsWith('FunctionsProbe'))) {
      expect((fn.Properties!.Environment as { Variables: Record<string, unknown> }).Variables, id).not.toHaveProperty(CONFIG_VARIABLES.zoneReads);
    }
  });

  it("sets the zone's SOA at deploy time: reads the one Route 53 made, UPSERTs it with the negative TTL as its last field and its TTL", () => {
    const calls = resourcesOfType(lab.json, 'Custom::AWS').map(([id, resource]) => ({ id, create: resource.Properties!.Create }));
    expect(calls.map((call) => call.id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['ZoneSoaRead', 'ZoneSoaUpsert']);
    const text = (id: string) => templateText(calls.find((call) => call.id.startsWith(id))!.create);
    const zoneId = lab.stack.getLogicalId(lab.stack.zone.node.defaultChild as never);
    const read = JSON.parse(text('ZoneSoaRead')) as { action: string; parameters: Record<string, unknown> };
    expect(read).toMatchObject({ service: 'Route53', action: 'listResourceRecordSets' });
    expect(read.parameters).toEqual({ HostedZoneId: `<${zoneId}>`, StartRecordName: DEFAULT_ZONE_NAME, StartRecordType: 'SOA', MaxItems: 1 });
    // The value is built at deploy time: the first six fields Route 53 made, then the negative TTL.
    const upsert = calls.find((call) => call.id.startsWith('ZoneSoaUpsert'))!.create as { 'Fn::Join': [string, unknown[]] };
    const value = upsert['Fn::Join'][1].find((part) => typeof part === 'object' && part !== null && 'Fn::Join' in part) as { 'Fn::Join': [string, unknown[]] };
    expect(value['Fn::Join'][0]).toBe(' ');
    expect(value['Fn::Join'][1]).toEqual([
      ...[0, 1, 2, 3, 4, 5].map((i) => ({
        'Fn::Select': [i, { 'Fn::Split': [' ', { 'Fn::GetAtt': [expect.stringMatching(/^ZoneSoaRead/), 'ResourceRecordSets.0.ResourceRecords.0.Value'] }] }],
      })),
      String(NEGATIVE_TTL_SECONDS),
    ]);
    const withoutValue = { 'Fn::Join': ['', upsert['Fn::Join'][1].map((part) => (part === value ? 'VALUE' : part))] };
    const change = JSON.parse(templateText(withoutValue)) as { action: string; parameters: { ChangeBatch: { Changes: unknown[] } } };
    expect(change.action).toBe('changeResourceRecordSets');
    expect(change.parameters.ChangeBatch.Changes).toEqual([
      { Action: 'UPSERT', ResourceRecordSet: { Name: DEFAULT_ZONE_NAME, Type: 'SOA', TTL: NEGATIVE_TTL_SECONDS, ResourceRecords: [{ Value: 'VALUE' }] } },
    ]);
  });

  it('lets a plain `cdk destroy` delete the zone: a clean-up that names the zone, so CloudFormation deletes it first, with its provider standing', () => {
    const [cleanup, ...more] = resourcesOfType(lab.json, ZONE_CLEANUP_RESOURCE_TYPE);
    expect(more).toEqual([]);
    const [cleanupId, resource] = cleanup!;
    const zoneId = lab.stack.getLogicalId(lab.stack.zone.node.defaultChild as never);
    const idOf = (pattern: RegExp) => Object.keys(lab.json.Resources).find((id) => pattern.test(id))!;
    const handler = idOf(/^ZoneCleanupHandlerFunction[0-9A-F]{8}$/);
    const framework = idOf(/^ZoneCleanupProviderframeworkonEvent[0-9A-F]{8}$/);
    expect(resource.Properties).toEqual({ ServiceToken: { 'Fn::GetAtt': [framework, 'Arn'] }, HostedZoneId: ref(zoneId), ZoneName: DEFAULT_ZONE_NAME });
    expect(resource.DeletionPolicy).toBe('Delete');
    // CloudFormation deletes a resource before everything it depends on: the clean-up runs while the zone, both
    // functions, their roles and the roles' policies still stand, and the zone goes after it.
    const needs = dependencies(lab.json, cleanupId);
    for (const id of [zoneId, framework, handler, idOf(/^ZoneCleanupHandlerRoleDefaultPolicy/), idOf(/^ZoneCleanupProviderRoleDefaultPolicy/)])
      expect(needs, id).toContain(id);
    expect(dependencies(lab.json, zoneId)).not.toContain(cleanupId);
    // The framework calls the handler, and outlasts it: 300 s against its own 900 s.
    const fn = (id: string) => lab.json.Resources[id]!.Properties!;
    expect((fn(framework).Environment as { Variables: Record<string, unknown> }).Variables.USER_ON_EVENT_FUNCTION_ARN).toEqual({
      'Fn::GetAtt': [handler, 'Arn'],
    });
    expect(fn(handler)).toMatchObject({ Timeout: 300, Handler: 'index.handler', Runtime: 'nodejs22.x' });
    expect(fn(framework).Timeout).toBe(900);
  });

  it('has one private hosted zone, named from context, associated with the lab VPC and deleted with the stack', () => {
    const vpcId = resourcesOfType(lab.json, 'AWS::EC2::VPC')[0]![0];
    lab.template.resourceCountIs('AWS::Route53::HostedZone', 1);
    lab.template.hasResource('AWS::Route53::HostedZone', {
      Properties: Match.objectLike({ Name: `${DEFAULT_ZONE_NAME}.`, VPCs: [{ VPCId: ref(vpcId), VPCRegion: 'us-east-1' }] }),
      DeletionPolicy: 'Delete',
    });
  });

  it('takes the zone name from context zoneName', async () => {
    const custom = synthesizeLab({ scenarios: await allScenarios(), context: { zoneName: 'race.example' } });
    custom.template.hasResourceProperties('AWS::Route53::HostedZone', { Name: 'race.example.' });
  });

  it("keys the tables as lambdas/adapters/tables.ts says, on demand, with TTL on run events and the cascade's items, deleted with the stack", () => {
    lab.template.resourceCountIs('AWS::DynamoDB::Table', 3);
    const keySchema = keySchemaOf;
    lab.template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({ ...keySchema(PLANS_TABLE_KEYS), BillingMode: 'PAY_PER_REQUEST', TimeToLiveSpecification: Match.absent() }),
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
    lab.template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        ...keySchema(EVENTS_TABLE_KEYS),
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: EVENTS_TTL_ATTRIBUTE, Enabled: true },
      }),
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
    lab.template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        ...keySchema(CASCADE_TABLE_KEYS),
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: EVENTS_TTL_ATTRIBUTE, Enabled: true },
      }),
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
  });

  it('keeps logs one day: a log group per function and per state machine, each deleted with the stack', () => {
    const groups = resourcesOfType(lab.json, 'AWS::Logs::LogGroup');
    // The ten functions, the SOA custom resource's provider, the zone clean-up and its framework, each state machine.
    expect(groups).toHaveLength(10 + 1 + 2 + lab.stack.stateMachines.size);
    for (const [, group] of groups) {
      expect(group.Properties?.RetentionInDays).toBe(1);
      expect(group.DeletionPolicy).toBe('Delete');
    }
    for (const [, fn] of resourcesOfType(lab.json, 'AWS::Lambda::Function')) {
      // CDK's custom resource framework adds its own log format and level.
      expect(fn.Properties?.LoggingConfig).toMatchObject({ LogGroup: { Ref: expect.stringMatching(/Logs[0-9A-F]{8}$/) } });
    }
  });

  it('leaves nothing behind: no resource is retained on delete', () => {
    for (const [id, resource] of Object.entries(lab.json.Resources)) {
      expect.soft(resource.DeletionPolicy ?? 'Delete', id).toBe('Delete');
      expect.soft(resource.UpdateReplacePolicy ?? 'Delete', id).toBe('Delete');
    }
  });

  it('tags every taggable resource project=dns-race-lab and purpose=sandbox-lab', () => {
    const tagged = Object.entries(lab.json.Resources).filter(
      ([, resource]) => resource.Properties && ('Tags' in resource.Properties || 'HostedZoneTags' in resource.Properties),
    );
    expect(tagged.length).toBeGreaterThan(10);
    for (const [id, resource] of tagged) {
      const tags = (resource.Properties!.Tags ?? resource.Properties!.HostedZoneTags) as { Key: string; Value: string }[];
      for (const [key, value] of Object.entries(LAB_TAGS)) expect.soft(tags, id).toContainEqual({ Key: key, Value: value });
    }
    expect(lab.stack.tags.tagValues()).toMatchObject(LAB_TAGS);
  });

  it("has a dashboard with addresses per endpoint, applied generation and each Enactor's Lambda errors", () => {
    lab.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    lab.template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: DEFAULT_STACK_NAME });
    const [, dashboard] = resourcesOfType(lab.json, 'AWS::CloudWatch::Dashboard')[0]!;
    const body = JSON.parse(templateText(dashboard.Properties!.DashboardBody)) as { widgets: { properties: { metrics: unknown[][] } }[] };
    const [addresses, generations, errors] = body.widgets.map((widget) => JSON.stringify(widget.properties.metrics));
    expect(addresses).toContain(`SEARCH('{${METRICS_NAMESPACE},${METRIC_DIMENSION}} MetricName=\\"${METRIC_NAMES.addresses}\\"', 'Minimum', 1)`);
    expect(generations).toContain(`SEARCH('{${METRICS_NAMESPACE},${METRIC_DIMENSION}} MetricName=\\"${METRIC_NAMES.appliedGeneration}\\"', 'Maximum', 1)`);
    const enactorFunctions = resourcesOfType(lab.json, 'AWS::Lambda::Function')
      .map(([id]) => id)
      .filter((id) => id.startsWith('FunctionsEnactor'));
    for (const id of enactorFunctions) expect(errors).toContain(`["AWS/Lambda","Errors","FunctionName","<${id}>"`);
  });

  it('exports exactly the outputs the CLI reads, StateMachines as a JSON object', () => {
    expect(Object.keys(lab.json.Outputs).sort()).toEqual(Object.values(STACK_OUTPUTS).sort());
    expect(lab.json.Outputs[STACK_OUTPUTS.zoneName]!.Value).toBe(DEFAULT_ZONE_NAME);
    expect(lab.json.Outputs[STACK_OUTPUTS.vpcId]!.Value).toEqual(ref(resourcesOfType(lab.json, 'AWS::EC2::VPC')[0]![0]));
  });
});

// Least privilege, proved on the synthesized template: no policy anywhere
// grants a "*" action; each function's role holds exactly the permissions its
// code paths need (lambdas/adapters/*: see infra/lab-access.ts) on exactly the
// lab's tables, zone and own log group; the deploy-time SOA update and the
// delete-time zone clean-up may only list and change the lab zone's record
// sets, and the clean-up's framework only call the clean-up; the state machines may invoke only
// the lab functions; and "*" resources appear only where AWS offers no scope.
import { beforeAll, describe, expect, it } from 'vitest';
import { scenarioDefinition } from '../../infra/scenario-state-machine.ts';
import { FUNCTION_IDS } from '../../infra/lab-functions.ts';
import { parseScenario, type Scenario } from '../../scenario/schema.ts';
import { allScenarios, resourcesOfType, synthesizeLab, templateText, type CfnTemplate, type SynthesizedLab } from './lab-app-fixture.ts';

let lab: SynthesizedLab;
let scenarios: Scenario[];

beforeAll(async () => {
  scenarios = await allScenarios();
  lab = synthesizeLab({ scenarios });
});

interface Statement {
  Effect: string;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Principal?: unknown;
}

/** Every policy statement in the template, wherever it sits (role, policy, endpoint, ...). */
function allStatements(value: unknown, where = ''): { where: string; statement: Statement }[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => allStatements(item, `${where}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  const object = value as Record<string, unknown>;
  const own = Array.isArray(object.Statement) ? (object.Statement as Statement[]).map((statement) => ({ where, statement })) : [];
  return [...own, ...Object.entries(object).flatMap(([key, child]) => (key === 'Statement' ? [] : allStatements(child, `${where}/${key}`)))];
}

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Logical ids → readable names, so expectations read like the design. */
function readable(resource: string): string {
  return resource
    .replace(/^<TablesPlans[0-9A-F]{8}\.Arn>$/, 'plans table')
    .replace(/^<TablesEvents[0-9A-F]{8}\.Arn>$/, 'events table')
    .replace(/^<TablesCascade[0-9A-F]{8}\.Arn>$/, 'cascade table')
    .replace(/^arn:(<AWS::Partition>|aws):route53:::hostedzone\/<Zone[0-9A-F]{8}>$/, 'lab zone')
    .replace(/^<Functions(\w+?)Logs[0-9A-F]{8}\.Arn>$/, 'log group of $1')
    .replace(/^<Functions(\w+?)Function[0-9A-F]{8}\.Arn>$/, 'function $1')
    .replace(/^<ZoneSoaLogs[0-9A-F]{8}\.Arn>$/, 'log group of the SOA update')
    .replace(/^<ZoneCleanupHandlerLogs[0-9A-F]{8}\.Arn>$/, 'log group of the zone clean-up')
    .replace(/^<ZoneCleanupProviderLogs[0-9A-F]{8}\.Arn>$/, "log group of the clean-up's framework")
    .replace(/^<ZoneCleanupHandlerFunction[0-9A-F]{8}\.Arn>(:\*)?$/, 'the zone clean-up$1');
}

/** A role's grants as "action on resource" lines, from its policies in the template. */
function grantsOf(json: CfnTemplate, roleId: string): string[] {
  return resourcesOfType(json, 'AWS::IAM::Policy')
    .filter(([, policy]) => JSON.stringify(policy.Properties!.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap(([, policy]) => (policy.Properties!.PolicyDocument as { Statement: Statement[] }).Statement)
    .flatMap((statement) => {
      expect(statement.Effect).toBe('Allow');
      return list(statement.Action).flatMap((action) => list(statement.Resource).map((resource) => `${action} on ${readable(templateText(resource))}`));
    })
    .sort();
}

function roleOfFunction(json: CfnTemplate, prefix: string, construct = 'Functions'): string {
  const [, fn] = resourcesOfType(json, 'AWS::Lambda::Function').find(([id]) =>
    id.startsWith(`${construct}${prefix}${construct === 'Functions' ? 'Function' : ''}`),
  )!;
  return (fn.Properties!.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
}

/** The role of the AwsCustomResource provider function (the one Lambda outside the lab functions and the zone clean-up). */
function roleOfProvider(json: CfnTemplate): string {
  const others = resourcesOfType(json, 'AWS::Lambda::Function').filter(([id]) => !id.startsWith('Functions') && !id.startsWith('ZoneCleanup'));
  expect(others).toHaveLength(1);
  const [, fn] = others[0]!;
  return (fn.Properties!.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
}

const ownLogs = (fn: string) => [`logs:CreateLogStream on log group of ${fn}`, `logs:PutLogEvents on log group of ${fn}`];
const EVENT_WRITES = ['dynamodb:PutItem on events table'];

describe('IAM in the dns-race-lab stack', () => {
  it('grants no "*" action anywhere, and uses no NotAction or NotResource', () => {
    const statements = allStatements(lab.json.Resources);
    expect(statements.length).toBeGreaterThan(10);
    for (const { where, statement } of statements) {
      for (const action of list(statement.Action)) expect.soft(action, where).not.toContain('*');
      expect.soft(statement.NotAction, where).toBeUndefined();
      expect.soft(statement.NotResource, where).toBeUndefined();
    }
  });

  it('lets the Planner only write plans (generation counter and new plans), read the kill switch and append run events', () => {
    expect(grantsOf(lab.json, roleOfFunction(lab.json, 'Planner'))).toEqual(
      [
        ...ownLogs('Planner'),
        'dynamodb:PutItem on plans table',
        'dynamodb:UpdateItem on plans table',
        // The kill switch's item, read before each plan.
        'dynamodb:Query on plans table',
        ...EVENT_WRITES,
      ].sort(),
    );
  });

  it.each(['EnactorAzA', 'EnactorAzB', 'EnactorAzC'])(
    'lets %s read, fence and delete plans, change records only in the lab zone, and append and read run events',
    (enactor) => {
      expect(grantsOf(lab.json, roleOfFunction(lab.json, enactor))).toEqual(
        [
          ...ownLogs(enactor),
          'dynamodb:Query on plans table',
          'dynamodb:UpdateItem on plans table',
          'dynamodb:DeleteItem on plans table',
          ...EVENT_WRITES,
          // A fault that holds the Enactor until another actor's event reads the run's events.
          'dynamodb:Query on events table',
          'route53:ChangeResourceRecordSets on lab zone',
          'route53:ListResourceRecordSets on lab zone',
        ].sort(),
      );
    },
  );

  it('lets the Probe only append run events and list the lab zone (plus the ENI calls Lambda needs to place it in the VPC)', () => {
    const eni = [
      'CreateNetworkInterface',
      'DescribeNetworkInterfaces',
      'DescribeSubnets',
      'DeleteNetworkInterface',
      'AssignPrivateIpAddresses',
      'UnassignPrivateIpAddresses',
    ];
    expect(grantsOf(lab.json, roleOfFunction(lab.json, 'Probe'))).toEqual(
      // The zone read is its second witness (Route53DnsZone.recordsUnder); it never changes the zone.
      [...ownLogs('Probe'), ...EVENT_WRITES, 'route53:ListResourceRecordSets on lab zone', ...eni.map((action) => `ec2:${action} on *`)].sort(),
    );
  });

  it("lets the operator repair (read plans, change the lab zone), throw the kill switch, set the cascade's switches and append run events", () => {
    expect(grantsOf(lab.json, roleOfFunction(lab.json, 'Operator'))).toEqual(
      [
        ...ownLogs('Operator'),
        'dynamodb:Query on plans table',
        'dynamodb:GetItem on plans table',
        // freeze and unfreeze: the kill switch's item.
        'dynamodb:PutItem on plans table',
        'dynamodb:UpdateItem on cascade table',
        ...EVENT_WRITES,
        'route53:ChangeResourceRecordSets on lab zone',
        'route53:ListResourceRecordSets on lab zone',
      ].sort(),
    );
  });

  it("lets the deploy-time SOA update only read and change the lab zone's record sets, and write its own log group", () => {
    const soaRole = resourcesOfType(lab.json, 'AWS::IAM::Role').find(([id]) => id.startsWith('ZoneSoaRole'))?.[0];
    expect(roleOfProvider(lab.json)).toBe(soaRole);
    expect(grantsOf(lab.json, soaRole!)).toEqual(
      [
        'logs:CreateLogStream on log group of the SOA update',
        'logs:PutLogEvents on log group of the SOA update',
        'route53:ChangeResourceRecordSets on lab zone',
        'route53:ListResourceRecordSets on lab zone',
      ].sort(),
    );
  });

  it("lets the delete-time zone clean-up only list and change the lab zone's record sets, and write its own log group", () => {
    expect(grantsOf(lab.json, roleOfFunction(lab.json, 'Handler', 'ZoneCleanup'))).toEqual(
      [
        'logs:CreateLogStream on log group of the zone clean-up',
        'logs:PutLogEvents on log group of the zone clean-up',
        'route53:ChangeResourceRecordSets on lab zone',
        'route53:ListResourceRecordSets on lab zone',
      ].sort(),
    );
  });

  it("lets the clean-up's framework (CDK's Provider) only call the clean-up, and write its own log group", () => {
    expect(grantsOf(lab.json, roleOfFunction(lab.json, 'Providerframeworkon', 'ZoneCleanup'))).toEqual(
      [
        "logs:CreateLogStream on log group of the clean-up's framework",
        "logs:PutLogEvents on log group of the clean-up's framework",
        // The framework's own grants: it waits for the function to be Active if an invoke fails, and may call a version.
        'lambda:GetFunction on the zone clean-up',
        'lambda:InvokeFunction on the zone clean-up',
        'lambda:InvokeFunction on the zone clean-up:*',
      ].sort(),
    );
  });

  it('lets each state machine invoke only the lab functions its scenario calls, by unqualified ARN', () => {
    for (const [name, machine] of lab.stack.stateMachines) {
      const invokes = grantsOf(lab.json, lab.stack.getLogicalId(machine.stateMachine.role.node.defaultChild as never)).filter((grant) =>
        grant.startsWith('lambda:'),
      );
      const called = scenarioDefinition(scenarios.find((scenario) => scenario.name === name)!).functions;
      expect(called.length).toBeGreaterThan(0);
      expect(invokes).toEqual(called.map((key) => `lambda:InvokeFunction on function ${FUNCTION_IDS[key]}`).sort());
    }
  });

  it('lets a state machine whose scenario has gates Query the run-events table, and nothing else of DynamoDB', () => {
    for (const [name, machine] of lab.stack.stateMachines) {
      const reads = grantsOf(lab.json, lab.stack.getLogicalId(machine.stateMachine.role.node.defaultChild as never)).filter((grant) =>
        grant.startsWith('dynamodb:'),
      );
      const gated = scenarioDefinition(scenarios.find((scenario) => scenario.name === name)!).gated;
      expect(reads).toEqual(gated ? ['dynamodb:Query on events table'] : []);
    }
  });

  it('leaves out the functions a scenario never calls', () => {
    const withoutAzC = parseScenario(
      { ...JSON.parse(JSON.stringify(scenarios[0]!)), name: 'without-az-c', timeline: { ...scenarios[0]!.timeline, 'az-c': [] } },
      'test',
    );
    const small = synthesizeLab({ scenarios: [withoutAzC] });
    const machine = small.stack.stateMachines.get('without-az-c')!.stateMachine;
    const invokes = grantsOf(small.json, small.stack.getLogicalId(machine.role.node.defaultChild as never)).filter((grant) => grant.startsWith('lambda:'));
    expect(invokes).not.toContain('lambda:InvokeFunction on function EnactorAzC');
    expect(invokes).toContain('lambda:InvokeFunction on function EnactorAzA');
  });

  it('uses "*" resources only for calls AWS cannot scope: Lambda ENIs, log delivery and X-Ray', () => {
    const unscoped = new Set(
      resourcesOfType(lab.json, 'AWS::IAM::Policy').flatMap(([, policy]) =>
        (policy.Properties!.PolicyDocument as { Statement: Statement[] }).Statement.filter((statement) => list(statement.Resource).includes('*')).flatMap(
          (statement) => list(statement.Action),
        ),
      ),
    );
    const allowed =
      /^(ec2:(Create|Describe|Delete)NetworkInterfaces?|ec2:DescribeSubnets|ec2:(Assign|Unassign)PrivateIpAddresses|logs:\w*(LogDelivery|LogDeliveries|ResourcePolic(y|ies)|DescribeLogGroups)|xray:\w+)$/;
    for (const action of unscoped) expect.soft(action).toMatch(allowed);
  });

  it('lets only Lambda assume the function roles and only Step Functions the state machine roles', () => {
    const principals = resourcesOfType(lab.json, 'AWS::IAM::Role').map(([id, role]) => {
      const [statement, ...more] = (role.Properties!.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement;
      expect(more).toEqual([]);
      const kind = id.startsWith('Functions') ? 'function' : id.startsWith('ZoneSoa') || id.startsWith('ZoneCleanup') ? 'custom resource' : 'state machine';
      return `${kind} role: ${JSON.stringify(statement!.Principal)}`;
    });
    expect(new Set(principals)).toEqual(
      new Set([
        'function role: {"Service":"lambda.amazonaws.com"}',
        'custom resource role: {"Service":"lambda.amazonaws.com"}',
        'state machine role: {"Service":"states.amazonaws.com"}',
      ]),
    );
    expect(resourcesOfType(lab.json, 'AWS::IAM::Role').filter(([, role]) => role.Properties!.ManagedPolicyArns)).toEqual([]);
  });
});

// A deploy rehearsal: the synthesized stack "deployed" onto the embedded
// endpoints and one scenario run on it, in real time, as `racelab run --target
// aws` runs it. The tables and the zone are created from the template's own
// properties; each function runs its bundled asset in its own processes with
// the template's environment (Refs resolved to those tables and that zone);
// the scenario's state machine is the template's DefinitionString with its
// DefinitionSubstitutions, run by aws-local-stepfunctions. Every API call goes
// through a recording proxy, so the IAM check sees who called what on which ARN.
//
// What stands in for AWS: the SDK's endpoints (AWS_ENDPOINT_URL_*), DNS_SERVER
// (the VPC resolver), the Step Functions service (its Task invocations are
// recorded as lambda:InvokeFunction by the state machine's role), and CDK's
// custom resource framework (its invocations of the zone clean-up, recorded
// the same way by the framework's role). After the run, the stack is
// destroyed as far as the zone goes: the clean-up's Delete, then the zone's.
import * as route53Commands from '@aws-sdk/client-route-53';
import { CreateHostedZoneCommand, DeleteHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { DynamoDBClient, QueryCommand, UpdateTimeToLiveCommand, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { StateMachine } from 'aws-local-stepfunctions';
import { scheduleStart } from '../../targets/remote-run.ts';
import { RUNNER, type RunEvent } from '../../lambdas/core/events.ts';
import type { Safeguard } from '../../lambdas/core/safeguards/index.ts';
import { CONFIG_VARIABLES } from '../../lambdas/config.ts';
import { isWarmUp } from '../../lambdas/task-input.ts';
import { DynamoDbEventLog } from '../../lambdas/adapters/dynamodb-event-log.ts';
import { documentClient } from '../../lambdas/adapters/dynamodb-clients.ts';
import { EMBEDDED_CREDENTIALS, startEmbeddedLab } from '../../local/embedded-lab.ts';
import { createActiveTable } from '../../local/create-table.ts';
import { loadScenario } from '../../scenario/files.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { reportOf, type RunReport } from '../../scenario/run-report.ts';
import { executionInput } from '../../scenario/schedule.ts';
import { startRecordingProxy, type RecordedCall } from './call-recorder.ts';
import { RehearsedFunction } from './lambda-process.ts';
import { ARN_CONTEXT, physicalResources, resolveValue, resourcesOf, type Physical, type SynthesizedStack } from './synthesized-stack.ts';
import { ZONE_CLEANUP_RESOURCE_TYPE } from '../../infra/lab-zone-cleanup.ts';

/** Scenario second 0 this long after the start: the warm-up branch starts every function's first process before it. */
const START_LEAD_MS = 5_000;
const GATE_RESOURCE = 'arn:aws:states:::aws-sdk:dynamodb:query';
/** Resources a run on the embedded endpoints does not depend on: the network, roles (judged by the IAM check), logs, the dashboard. */
const WITHOUT_EFFECT_ON_A_RUN = [/^AWS::EC2::/, /^AWS::IAM::/, /^AWS::Logs::/, /^AWS::CloudWatch::/];
const DEPLOYED_HERE = [
  'AWS::DynamoDB::Table',
  'AWS::Route53::HostedZone',
  'AWS::Lambda::Function',
  'AWS::StepFunctions::StateMachine',
  'Custom::AWS',
  ZONE_CLEANUP_RESOURCE_TYPE,
];

/** Refuses a template with a resource the rehearsal neither deploys nor knows to be irrelevant, so a new one cannot slip past it. */
function checkResourceTypes(stack: SynthesizedStack): void {
  const unknown = Object.entries(stack.template.Resources).filter(
    ([, resource]) => !DEPLOYED_HERE.includes(resource.Type) && !WITHOUT_EFFECT_ON_A_RUN.some((pattern) => pattern.test(resource.Type)),
  );
  if (unknown.length)
    throw new Error(
      `the rehearsal does not deploy ${unknown.map(([id, resource]) => `${id} (${resource.Type})`).join(', ')}: teach test/rehearsal/rehearsal.ts`,
    );
}

/** Table properties that change nothing a run can observe on the embedded DynamoDB. */
const TABLE_PROPERTIES_WITHOUT_EFFECT = new Set(['Tags', 'PointInTimeRecoverySpecification', 'SSESpecification', 'TableClass', 'DeletionProtectionEnabled']);

export interface Principal {
  /** The IAM role's logical id. */
  role: string;
  /** The function's or state machine's logical id. */
  of: string;
  kind: 'function' | 'state machine';
}

export interface Rehearsal {
  report: RunReport;
  events: RunEvent[];
  calls: RecordedCall[];
  /** By access key id: whose calls they are. */
  principals: Record<string, Principal>;
  /** The physical resources the template's logical ids resolved to. */
  physical: Record<string, Physical>;
  failure?: { error: string; cause: string };
  /** What the functions' processes printed, for a failing test to show. */
  output: string;
  /** Each function's answer to the warm-up branch's invocation, by logical id. */
  warmUps: Record<string, unknown>;
  /** After the run, `cdk destroy` as far as the zone goes: the clean-up's answer to Delete, then whether the zone's own deletion failed. */
  destroy: { cleanup?: unknown; error?: string };
}

type StateMap = Record<
  string,
  { Type: string; Resource?: string; Branches?: { States: StateMap }[]; Iterator?: { States: StateMap }; ItemProcessor?: { States: StateMap } }
>;

/** Every Task state of a definition, Parallel branches and Map iterators included: name → Resource. */
function taskResources(states: StateMap, into: Record<string, string> = {}): Record<string, string> {
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task') into[name] = state.Resource!;
    for (const nested of [...(state.Branches ?? []), state.Iterator, state.ItemProcessor]) if (nested) taskResources(nested.States, into);
  }
  return into;
}

/** The CreateTable properties a run depends on; TimeToLiveSpecification is applied after, by UpdateTimeToLive. */
const TABLE_PROPERTIES_CREATED = [
  'KeySchema',
  'AttributeDefinitions',
  'BillingMode',
  'GlobalSecondaryIndexes',
  'LocalSecondaryIndexes',
  'ProvisionedThroughput',
  'TimeToLiveSpecification',
];

function tableInput(name: string, properties: Record<string, unknown>): CreateTableCommandInput {
  const unknown = Object.keys(properties).filter((key) => !TABLE_PROPERTIES_CREATED.includes(key) && !TABLE_PROPERTIES_WITHOUT_EFFECT.has(key));
  if (unknown.length) throw new Error(`the rehearsal does not create tables with ${unknown.join(', ')}: teach test/rehearsal/rehearsal.ts`);
  const created = Object.entries(properties).filter(([key]) => TABLE_PROPERTIES_CREATED.includes(key) && key !== 'TimeToLiveSpecification');
  return { TableName: name, ...Object.fromEntries(created) } as CreateTableCommandInput;
}

/** A response as the AwsCustomResource provider exposes it: every leaf under its dotted path. */
function flatten(value: unknown, prefix = '', into: Record<string, string> = {}): Record<string, string> {
  if (value === null || typeof value !== 'object') into[prefix] = String(value);
  else for (const [key, item] of Object.entries(value)) flatten(item, prefix ? `${prefix}.${key}` : key, into);
  return into;
}

/**
 * The lab's AwsCustomResources (Custom::AWS), played as their provider plays
 * them on Create: the SDK call, signed with the provider function's role (so
 * the IAM check judges it too), its outputPaths kept as the resource's
 * attributes for later Fn::GetAtt. In dependency order; Route 53 calls only.
 */
async function deployCustomResources(
  stack: SynthesizedStack,
  physical: Record<string, Physical>,
  principals: Record<string, Principal>,
  route53Endpoint: string,
) {
  const pending = resourcesOf(stack, 'Custom::AWS');
  while (pending.length) {
    const index = pending.findIndex(([, resource]) => {
      try {
        resolveValue(resource.Properties.Create, physical, stack.template.Conditions);
        return true;
      } catch {
        return false;
      }
    });
    if (index < 0)
      throw new Error(`custom resources that depend on each other in a loop, or on what the rehearsal lacks: ${pending.map(([id]) => id).join(', ')}`);
    const [id, resource] = pending.splice(index, 1)[0]!;
    const call = JSON.parse(resolveValue(resource.Properties.Create, physical, stack.template.Conditions) as string) as {
      service: string;
      action: string;
      parameters: Record<string, unknown>;
      physicalResourceId?: { id?: string };
      outputPaths?: string[];
    };
    if (call.service !== 'Route53') throw new Error(`${id}: the rehearsal plays Route 53 custom resources only, not ${call.service}`);
    const provider = (resource.Properties.ServiceToken as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
    const key = Object.entries(principals).find(([, principal]) => principal.of === provider)![0];
    const client = new Route53Client({
      region: ARN_CONTEXT.region,
      credentials: { accessKeyId: key, secretAccessKey: 'rehearsal' },
      endpoint: route53Endpoint,
    });
    try {
      const commands = route53Commands as unknown as Record<string, new (input: unknown) => Parameters<Route53Client['send']>[0]>;
      const Command = commands[`${call.action[0]!.toUpperCase()}${call.action.slice(1)}Command`];
      if (!Command) throw new Error(`${id}: no Route 53 action ${call.action}`);
      const { $metadata: _metadata, ...output } = (await client.send(new Command(call.parameters))) as { $metadata: unknown };
      const outputs = flatten(output);
      const kept = call.outputPaths ? Object.fromEntries(call.outputPaths.map((path) => [path, outputs[path]!])) : outputs;
      physical[id] = { ref: call.physicalResourceId?.id ?? id, attributes: kept };
    } finally {
      client.destroy();
    }
  }
}

/**
 * The zone clean-up (a Custom::LabZoneCleanup behind CDK's Provider framework), played as the framework plays
 * it: the request CloudFormation sends, invoked on the handler function the framework's environment names,
 * recorded as the framework's role's lambda:InvokeFunction. Returns a function that sends one request type.
 */
function zoneCleanups(
  stack: SynthesizedStack,
  physical: Record<string, Physical>,
  principals: Record<string, Principal>,
  byArn: Map<string, RehearsedFunction>,
  calls: RecordedCall[],
): (requestType: 'Create' | 'Delete', physicalId?: string) => Promise<unknown[]> {
  const cleanups = resourcesOf(stack, ZONE_CLEANUP_RESOURCE_TYPE).map(([id, resource]) => {
    const framework = (resource.Properties.ServiceToken as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
    const variables = (stack.template.Resources[framework]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    const handlerArn = resolveValue(variables.USER_ON_EVENT_FUNCTION_ARN, physical, stack.template.Conditions) as string;
    const key = Object.entries(principals).find(([, principal]) => principal.of === framework)![0];
    const properties = resolveValue(resource.Properties, physical, stack.template.Conditions) as Record<string, unknown>;
    return { id, key, handlerArn, handler: byArn.get(handlerArn)!, properties };
  });
  return (requestType, physicalId) =>
    Promise.all(
      cleanups.map(({ id, key, handlerArn, handler, properties }) => {
        calls.push({ principal: key, action: 'lambda:InvokeFunction', resource: handlerArn, status: 200 });
        const request = { RequestType: requestType, StackId: `arn:aws:cloudformation:${ARN_CONTEXT.region}:${ARN_CONTEXT.account}:stack/${stack.stackName}/1` };
        return handler.invoke({
          ...request,
          RequestId: `${requestType}-${id}`,
          LogicalResourceId: id,
          ResourceType: ZONE_CLEANUP_RESOURCE_TYPE,
          ResponseURL: '...',
          ...(physicalId ? { PhysicalResourceId: physicalId } : {}),
          ResourceProperties: properties,
        });
      }),
    );
}

/** Runs a scenario of scenarios/ by name, or one given (synthesized into the stack as an extra). */
export async function rehearse(stack: SynthesizedStack, scenarioOrName: string | Scenario, safeguards: Safeguard[]): Promise<Rehearsal> {
  checkResourceTypes(stack);
  const scenario = typeof scenarioOrName === 'string' ? await loadScenario(scenarioOrName) : scenarioOrName;
  // The bootstrap zone only gives the lab its servers; the template's zone is created below, as CloudFormation would.
  const lab = await startEmbeddedLab({ zone: 'bootstrap.rehearsal.invalid' });
  const calls: RecordedCall[] = [];
  const closers: (() => Promise<void> | void)[] = [() => lab.close()];
  const functions: RehearsedFunction[] = [];
  try {
    const proxies = {
      dynamodb: await startRecordingProxy('dynamodb', lab.endpoints.dynamodb, ARN_CONTEXT, calls),
      route53: await startRecordingProxy('route53', lab.endpoints.route53, ARN_CONTEXT, calls),
    };
    closers.push(
      () => proxies.dynamodb.close(),
      () => proxies.route53.close(),
    );
    // CloudFormation's own calls: straight to the endpoints, not recorded.
    const admin = { region: ARN_CONTEXT.region, credentials: EMBEDDED_CREDENTIALS };
    const dynamodb = new DynamoDBClient({ ...admin, endpoint: lab.endpoints.dynamodb });
    const route53 = new Route53Client({ ...admin, endpoint: lab.endpoints.route53 });
    closers.push(
      () => dynamodb.destroy(),
      () => route53.destroy(),
    );

    const given: Record<string, Physical> = {};
    for (const [id] of resourcesOf(stack, 'AWS::EC2::VPC')) given[id] = { ref: `vpc-0${id.length.toString(16).padStart(16, '0')}`, attributes: {} };
    for (const [id, table] of resourcesOf(stack, 'AWS::DynamoDB::Table')) {
      const name = `${stack.stackName}-${id}`;
      await createActiveTable(dynamodb, tableInput(name, table.Properties));
      const ttl = table.Properties.TimeToLiveSpecification as { AttributeName: string; Enabled: boolean } | undefined;
      // dynalite does not implement TTL; expiry after a week does not matter to a run.
      if (ttl) await dynamodb.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: ttl })).catch(() => undefined);
      given[id] = {
        ref: name,
        attributes: { Arn: `arn:${ARN_CONTEXT.partition}:dynamodb:${ARN_CONTEXT.region}:${ARN_CONTEXT.account}:table/${name}` },
      };
    }
    const physicalSoFar = physicalResources(stack, given);
    for (const [id, zone] of resourcesOf(stack, 'AWS::Route53::HostedZone')) {
      const vpc = resolveValue((zone.Properties.VPCs as unknown[])[0], physicalSoFar, stack.template.Conditions) as { VPCId: string; VPCRegion: never };
      const created = await route53.send(new CreateHostedZoneCommand({ Name: zone.Properties.Name as string, CallerReference: id, VPC: vpc }));
      const zoneId = created.HostedZone!.Id!.replace('/hostedzone/', '');
      given[id] = { ref: zoneId, attributes: { Id: zoneId } };
    }
    const physical = physicalResources(stack, given);

    const principals: Record<string, Principal> = {};
    const byArn = new Map<string, RehearsedFunction>();
    for (const [id, resource] of resourcesOf(stack, 'AWS::Lambda::Function')) {
      const key = `REHEARSAL${Object.keys(principals).length}`;
      principals[key] = { role: (resource.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!, of: id, kind: 'function' };
      const variables = resolveValue(
        (resource.Properties.Environment as { Variables?: unknown } | undefined)?.Variables ?? {},
        physical,
        stack.template.Conditions,
      ) as Record<string, string>;
      const env = {
        ...variables,
        // What the Lambda service sets in every execution environment.
        AWS_REGION: ARN_CONTEXT.region,
        AWS_DEFAULT_REGION: ARN_CONTEXT.region,
        AWS_ACCESS_KEY_ID: key,
        AWS_SECRET_ACCESS_KEY: 'rehearsal',
        AWS_LAMBDA_FUNCTION_NAME: physical[id]!.ref,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(resource.Properties.MemorySize ?? 128),
        AWS_EXECUTION_ENV: `AWS_Lambda_${String(resource.Properties.Runtime)}`,
        LAMBDA_TASK_ROOT: stack.assetDir(id),
        // What stands in for AWS: the endpoints, and the VPC resolver.
        AWS_ENDPOINT_URL_DYNAMODB: proxies.dynamodb.endpoint,
        AWS_ENDPOINT_URL_ROUTE_53: proxies.route53.endpoint,
        [CONFIG_VARIABLES.dnsServer]: lab.config.dnsServer!,
      };
      const rehearsed = new RehearsedFunction(id, stack.assetDir(id), resource.Properties.Handler as string, env);
      functions.push(rehearsed);
      byArn.set(physical[id]!.attributes.Arn!, rehearsed);
    }
    closers.push(() => functions.forEach((fn) => fn.close()));
    await deployCustomResources(stack, physical, principals, proxies.route53.endpoint);
    const cleanup = zoneCleanups(stack, physical, principals, byArn, calls);
    const [created] = (await cleanup('Create')) as { PhysicalResourceId: string }[];

    const machines = resourcesOf(stack, 'AWS::StepFunctions::StateMachine').filter(([, machine]) =>
      String(machine.Properties.DefinitionString).startsWith(`{"Comment":"dns-race-lab scenario ${scenario.name}:`),
    );
    if (machines.length !== 1) throw new Error(`expected one state machine for ${scenario.name}, found ${machines.length}`);
    const [machineId, machine] = machines[0]!;
    const substitutions = resolveValue(machine.Properties.DefinitionSubstitutions ?? {}, physical, stack.template.Conditions) as Record<string, string>;
    const definitionText = (machine.Properties.DefinitionString as string).replace(
      /\$\{([A-Za-z0-9_]+)\}/g,
      (whole, name: string) => substitutions[name] ?? whole,
    );
    const definition = JSON.parse(definitionText) as { States: StateMap };
    const machineKey = 'REHEARSALSTATES';
    principals[machineKey] = { role: (machine.Properties.RoleArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!, of: machineId, kind: 'state machine' };
    // Step Functions' aws-sdk integration, signed with the state machine's role.
    const gateClient = new DynamoDBClient({
      region: ARN_CONTEXT.region,
      credentials: { accessKeyId: machineKey, secretAccessKey: 'rehearsal' },
      endpoint: proxies.dynamodb.endpoint,
    });
    closers.push(() => gateClient.destroy());
    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    const warmUps: Record<string, unknown> = {};
    for (const [state, resource] of Object.entries(taskResources(definition.States))) {
      const fn = byArn.get(resource);
      if (fn) {
        handlers[state] = async (input) => {
          calls.push({ principal: machineKey, action: 'lambda:InvokeFunction', resource, status: 200 });
          const output = await fn.invoke(input);
          if (isWarmUp(input)) warmUps[fn.name] = output;
          return output;
        };
      } else if (resource === GATE_RESOURCE) {
        handlers[state] = async (input) => {
          const { $metadata: _metadata, ...output } = await gateClient.send(new QueryCommand(input as never));
          return output;
        };
      } else throw new Error(`state ${state}: the rehearsal does not run Task resource ${resource}`);
    }

    const runId = `rehearsal-${scenario.name}-${safeguards.join('-') || 'baseline'}`;
    // The run's events, read back from the table the template gives the state machine, as the CLI reads them on AWS.
    const events = new DynamoDbEventLog(substitutions.EventsTableName!, documentClient(dynamodb));
    const startAt = scheduleStart(Date.now(), START_LEAD_MS);
    await events.append({ runId, at: startAt.getTime(), actor: RUNNER, step: 'start', outcome: 'scheduled', detail: `${scenario.name} in a deploy rehearsal` });
    const input = executionInput(scenario, { runId, safeguards, startAt });
    let failure: Rehearsal['failure'];
    try {
      await new StateMachine(definition as never).run(input as never, { overrides: { taskResourceLocalHandlers: handlers as never } }).result;
    } catch (error) {
      let inner = error as Error;
      while (inner.cause instanceof Error) inner = inner.cause;
      failure = { error: inner.name, cause: inner.message };
    }
    const logged = await events.list(runId);
    const report = reportOf({ scenario, safeguards, seed: scenario.seed, latency: {} }, { target: 'rehearsal', runId }, logged);
    // `cdk destroy`: the clean-up is deleted before the zone it names, then CloudFormation deletes the zone.
    const destroy: Rehearsal['destroy'] = {};
    try {
      [destroy.cleanup] = await cleanup('Delete', created?.PhysicalResourceId);
      for (const [id] of resourcesOf(stack, 'AWS::Route53::HostedZone')) await route53.send(new DeleteHostedZoneCommand({ Id: physical[id]!.ref }));
    } catch (error) {
      destroy.error = `${(error as Error).name}: ${(error as Error).message}`;
    }
    return { report, events: logged, calls, principals, physical, failure, output: functions.flatMap((fn) => fn.output).join(''), warmUps, destroy };
  } finally {
    for (const close of closers.reverse()) await close();
  }
}

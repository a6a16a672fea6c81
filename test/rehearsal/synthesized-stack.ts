// The lab's stack as `cdk deploy` would ship it: synthesized with asset
// bundling (the Lambda code is the esbuild output that gets zipped), and the
// template's values resolved to the physical resources of one rehearsal, the
// way CloudFormation resolves Ref and Fn::GetAtt at deploy time.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT } from '../../infra/lab-function.ts';
import { LAMBDA_SDK_PACKAGES } from '../../lambdas/bundled-sdk.ts';
import { allScenarios, buildTestLabApp, SANDBOX_ACCOUNT, type CfnResource } from '../infra/lab-app-fixture.ts';
import type { Scenario } from '../../scenario/schema.ts';

export interface StackTemplate {
  Conditions?: Record<string, unknown>;
  Resources: Record<string, CfnResource & { Properties: Record<string, unknown> }>;
}

export interface SynthesizedStack {
  stackName: string;
  template: StackTemplate;
  /** The cloud assembly's directory: delete it when done. */
  outdir: string;
  /** The directory of a function's bundled code, from its Code.S3Key (the asset hash). */
  assetDir(functionId: string): string;
}

/**
 * A fresh directory outside the project with no node_modules anywhere above it, so that a bundle
 * run from there can import only what it carries, as from Lambda's /var/task.
 */
export function isolatedDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (let at = dir; dirname(at) !== at; at = dirname(at)) {
    if (!existsSync(join(dirname(at), 'node_modules'))) continue;
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `${join(dirname(at), 'node_modules')} is on the import path of ${dir}: a bundle there could load packages it lacks; point TMPDIR elsewhere`,
    );
  }
  return dir;
}

/** The version of each SDK package the Lambda code imports, as npm installed it here: what every bundle must carry. */
export function installedSdkVersions(): Record<string, string> {
  const versionOf = (name: string) =>
    (JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  return Object.fromEntries(LAMBDA_SDK_PACKAGES.map((name) => [name, versionOf(name)]));
}

/**
 * Synthesizes with bundling into an isolated directory: each function's asset then runs with nothing but itself and Node.
 * `extra` scenarios get state machines beside those of scenarios/, as a copy of a file into scenarios/ would.
 */
export async function synthesizeForDeploy(extra: Scenario[] = []): Promise<SynthesizedStack> {
  const outdir = isolatedDir('racelab-rehearsal-');
  const lab = buildTestLabApp({ scenarios: [...(await allScenarios()), ...extra], context: { 'aws:cdk:bundling-stacks': ['**'] }, outdir });
  const artifact = lab.app.synth().getStackArtifact(lab.stack.artifactId);
  const template = JSON.parse(readFileSync(artifact.templateFullPath, 'utf8')) as StackTemplate;
  return {
    stackName: artifact.stackName,
    template,
    outdir,
    assetDir(functionId) {
      const code = template.Resources[functionId]?.Properties.Code as { S3Key?: string } | undefined;
      if (!code?.S3Key) throw new Error(`${functionId} has no bundled asset (Code.S3Key)`);
      return join(outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
    },
  };
}

export const ARN_CONTEXT = { partition: 'aws', region: 'us-east-1', account: SANDBOX_ACCOUNT } as const;

export interface Physical {
  ref: string;
  attributes: Record<string, string>;
}

/** The physical resource CloudFormation would create for each logical id, named after the stack as CloudFormation names them. */
export function physicalResources(stack: SynthesizedStack, given: Record<string, Physical>): Record<string, Physical> {
  const { partition, region, account } = ARN_CONTEXT;
  const out: Record<string, Physical> = {};
  for (const [id, resource] of Object.entries(stack.template.Resources)) {
    const name = `${stack.stackName}-${id}`;
    const arnOf = (service: string, rest: string) => `arn:${partition}:${service}:${region}:${account}:${rest}`;
    switch (resource.Type) {
      case 'AWS::Lambda::Function':
        out[id] = { ref: name, attributes: { Arn: arnOf('lambda', `function:${name}`) } };
        break;
      case 'AWS::IAM::Role':
        out[id] = { ref: name, attributes: { Arn: `arn:${partition}:iam::${account}:role/${name}` } };
        break;
      case 'AWS::Logs::LogGroup':
        out[id] = { ref: name, attributes: { Arn: arnOf('logs', `log-group:${name}:*`) } };
        break;
      case 'AWS::StepFunctions::StateMachine':
        out[id] = { ref: arnOf('states', `stateMachine:${name}`), attributes: { Name: name } };
        break;
      default:
        out[id] = { ref: `${id.toLowerCase()}-rehearsal`, attributes: {} };
    }
  }
  return { ...out, ...given };
}

const PSEUDO: Record<string, string> = {
  'AWS::Partition': ARN_CONTEXT.partition,
  'AWS::Region': ARN_CONTEXT.region,
  'AWS::AccountId': ARN_CONTEXT.account,
  'AWS::URLSuffix': 'amazonaws.com',
};

/** A template value with Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Split, Fn::Select and conditions (Fn::If, Fn::Equals…) resolved; anything else is refused, naming it. */
export function resolveValue(value: unknown, physical: Record<string, Physical>, conditions: Record<string, unknown> = {}): unknown {
  const resolve = (item: unknown) => resolveValue(item, physical, conditions);
  if (Array.isArray(value)) return value.map(resolve);
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  const resolveCondition = (name: string): boolean => {
    if (!(name in conditions)) throw new Error(`no condition ${name} in the template`);
    return resolve(conditions[name]) === true;
  };
  const lookup = (id: string, attribute?: string): string => {
    if (attribute === undefined && id in PSEUDO) return PSEUDO[id]!;
    const resource = physical[id];
    const found = attribute === undefined ? resource?.ref : resource?.attributes[attribute];
    if (found === undefined) throw new Error(`the rehearsal cannot resolve ${attribute ? `${id}.${attribute}` : id}`);
    return found;
  };
  if ('Ref' in object) return lookup(String(object.Ref));
  if ('Fn::GetAtt' in object) {
    const [id, attribute] = object['Fn::GetAtt'] as [string, string];
    return lookup(id, attribute);
  }
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => resolve(part)).join(separator);
  }
  if ('Fn::Sub' in object) {
    const text = object['Fn::Sub'] as string;
    return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
      const [id, attribute] = name.split('.');
      return lookup(id!, attribute);
    });
  }
  if ('Fn::Split' in object) {
    const [separator, text] = object['Fn::Split'] as [string, unknown];
    return String(resolve(text)).split(separator);
  }
  if ('Fn::Select' in object) {
    const [index, items] = object['Fn::Select'] as [number | string, unknown];
    const picked = (resolve(items) as unknown[])[Number(index)];
    if (picked === undefined) throw new Error(`Fn::Select: no item ${index}`);
    return picked;
  }
  if ('Fn::Equals' in object) {
    const [left, right] = object['Fn::Equals'] as [unknown, unknown];
    return JSON.stringify(resolve(left)) === JSON.stringify(resolve(right));
  }
  if ('Fn::Not' in object) return !resolve((object['Fn::Not'] as unknown[])[0]);
  if ('Fn::And' in object) return (object['Fn::And'] as unknown[]).every((item) => resolve(item) === true);
  if ('Fn::Or' in object) return (object['Fn::Or'] as unknown[]).some((item) => resolve(item) === true);
  if ('Condition' in object && Object.keys(object).length === 1) return resolveCondition(String(object.Condition));
  if ('Fn::If' in object) {
    const [name, then, otherwise] = object['Fn::If'] as [string, unknown, unknown];
    return resolve(resolveCondition(name) ? then : otherwise);
  }
  const intrinsic = Object.keys(object).find((key) => key.startsWith('Fn::'));
  if (intrinsic) throw new Error(`the rehearsal does not resolve ${intrinsic}`);
  return Object.fromEntries(Object.entries(object).map(([key, item]) => [key, resolve(item)]));
}

/** The resources of a type that a deploy creates: those whose Condition (if any) holds here. */
export function resourcesOf(stack: SynthesizedStack, type: string): [string, StackTemplate['Resources'][string]][] {
  const created = (resource: { Condition?: string }) =>
    resource.Condition === undefined || resolveValue({ Condition: resource.Condition }, {}, stack.template.Conditions) === true;
  return Object.entries(stack.template.Resources).filter(([, resource]) => resource.Type === type && created(resource as { Condition?: string }));
}

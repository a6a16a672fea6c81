// Builds the CDK app for the infra tests exactly as bin/app.ts does
// (infra/lab-app.ts, the scenario files, cdk.json's context), with two
// differences that keep the tests fast: asset bundling is skipped and CDK's
// built-in CloudFormation validation only runs where a test asks for it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { loadScenario, scenarioNames } from '../../scenario/files.ts';
import { buildLabApp, type LabApp } from '../../infra/lab-app.ts';
import { PROJECT_ROOT } from '../../infra/lab-function.ts';
import type { Scenario } from '../../scenario/schema.ts';

export const SANDBOX_ACCOUNT = '111122223333';

export async function allScenarios(): Promise<Scenario[]> {
  return Promise.all((await scenarioNames()).map((name) => loadScenario(name)));
}

const CDK_JSON_CONTEXT = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> }).context ?? {};

export interface LabAppOptions {
  scenarios: Scenario[];
  /** Context on top of cdk.json's and the sandbox allowlist. */
  context?: Record<string, unknown>;
  /** The process environment the guard sees; by default none of the caller's. */
  env?: Record<string, string | undefined>;
  validateTemplates?: boolean;
  outdir?: string;
}

export function buildTestLabApp(options: LabAppOptions): LabApp {
  const app = new App({
    context: { ...CDK_JSON_CONTEXT, sandboxAccounts: SANDBOX_ACCOUNT, 'aws:cdk:bundling-stacks': [], ...options.context },
    builtinCloudFormationValidation: options.validateTemplates ?? false,
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  return buildLabApp(app, options.scenarios, options.env ?? {});
}

export interface SynthesizedLab extends LabApp {
  template: Template;
  /** The template as plain JSON, for scans the assertion helpers do not offer. */
  json: CfnTemplate;
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  DependsOn?: string[];
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs: Record<string, { Value: unknown }>;
}

export function synthesizeLab(options: LabAppOptions): SynthesizedLab {
  const lab = buildTestLabApp(options);
  const template = Template.fromStack(lab.stack);
  return { ...lab, template, json: template.toJSON() as CfnTemplate };
}

export function resourcesOfType(json: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(json.Resources).filter(([, resource]) => resource.Type === type);
}

/**
 * A template string value as text: Fn::Join is joined, and Ref / Fn::GetAtt
 * become `<LogicalId>` / `<LogicalId.Attr>`, so JSON built from tokens can be parsed.
 */
export function templateText(value: unknown): string {
  if (typeof value === 'string') return value;
  const intrinsic = value as Record<string, unknown>;
  if ('Ref' in intrinsic) return `<${String(intrinsic.Ref)}>`;
  if ('Fn::GetAtt' in intrinsic) return `<${(intrinsic['Fn::GetAtt'] as string[]).join('.')}>`;
  if ('Fn::Join' in intrinsic) {
    const [separator, parts] = intrinsic['Fn::Join'] as [string, unknown[]];
    return parts.map(templateText).join(separator);
  }
  throw new Error(`cannot render ${JSON.stringify(value)} as text`);
}

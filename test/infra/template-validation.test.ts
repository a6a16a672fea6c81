// CDK's built-in CloudFormation template validation (schema and best-practice
// rules) finds nothing unacknowledged in the stack, and does find a broken
// property (so a clean report means it ran): with cdk.json's
// @aws-cdk/core:validateAgainstDefaultRules a finding fails the synthesis. bin/app.ts switches it off to
// keep `cdk synth` fast. Its engine takes 5-10 s to start, longer than all the
// other infra tests together, so this file runs when asked:
// RACELAB_CFN_VALIDATE=1 npx vitest run test/infra/template-validation.test.ts
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import type { LabApp } from '../../infra/lab-app.ts';
import { allScenarios, buildTestLabApp } from './lab-app-fixture.ts';

const requested = process.env.RACELAB_CFN_VALIDATE === '1';
const outdirs: string[] = [];
afterAll(() => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

interface ValidationReport {
  pluginReports: { pluginName: string; violations: { ruleName: string; description: string }[] }[];
}

function violations(lab: LabApp): string[] {
  const report = JSON.parse(readFileSync(join(lab.app.synth().directory, 'validation-report.json'), 'utf8')) as ValidationReport;
  return report.pluginReports.flatMap((plugin) => plugin.violations.map((v) => `${plugin.pluginName} ${v.ruleName}: ${v.description}`));
}

async function labApp(context: Record<string, unknown> = {}): Promise<LabApp> {
  const outdir = mkdtempSync(join(tmpdir(), 'racelab-cdk-validate-'));
  outdirs.push(outdir);
  return buildTestLabApp({ scenarios: await allScenarios(), validateTemplates: true, outdir, context });
}

describe.runIf(requested)('CloudFormation template validation', () => {
  it('fails the synthesis on a property CloudFormation would reject (so a clean report means it ran)', async () => {
    const lab = await labApp();
    (lab.stack.functions.byKey.planner.function.node.defaultChild as CfnFunction).addPropertyOverride('MemorySize', 1);
    expect(() => violations(lab)).toThrow(/MemorySize: 1 is less than the minimum of 128 \(CloudFormation Validate\)/);
  });

  it('reports no violations in the synthesized template', async () => {
    expect(violations(await labApp())).toEqual([]);
  });

  it('reports none either with AZs named by context availabilityZones', async () => {
    expect(violations(await labApp({ availabilityZones: 'us-east-1a,us-east-1c' }))).toEqual([]);
  });
});

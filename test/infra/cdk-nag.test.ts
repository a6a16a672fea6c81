// cdk-nag's AwsSolutions pack finds nothing unacknowledged in the stack: no
// error and no warning. Every acknowledgement names one rule (one finding,
// for IAM5), gives a reason, and is listed in docs/deploy.md. cdk-nag 3 runs
// as a policy-validation plugin, so findings are read from its report, not
// from Annotations; CDK's own annotations must be clean too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/lab-function.ts';
import { allScenarios, synthesizeLab, type SynthesizedLab } from './lab-app-fixture.ts';

let lab: SynthesizedLab;

beforeAll(async () => {
  lab = synthesizeLab({ scenarios: await allScenarios() });
});

interface Acknowledgement {
  path: string;
  id: string;
  reason: string;
}

function acknowledgements(root: IConstruct): Acknowledgement[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions checks', () => {
  it('report no unacknowledged error or warning', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(lab.app);
    const findings = report.violations.map(
      (v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => (r as { constructPath?: string }).constructPath).join(', ')}: ${v.description}`,
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('leave no AwsSolutions (or any other) error or warning annotation on the stack', () => {
    const annotations = Annotations.fromStack(lab.stack);
    expect(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    expect(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
  });

  it('are acknowledged one rule at a time, each with a reason, each listed in docs/deploy.md', () => {
    const nag = acknowledgements(lab.app).filter((ack) => ack.id.startsWith('AwsSolutions-'));
    expect(nag.length).toBeGreaterThan(0);
    const docs = readFileSync(join(PROJECT_ROOT, 'docs', 'deploy.md'), 'utf8');
    for (const ack of nag) {
      expect(ack.id, ack.path).toMatch(/^AwsSolutions-[A-Z]+\d+(\[[^\]]+\])?$/);
      // A blanket IAM5 would hide every wildcard on the role; name the finding.
      if (ack.id.startsWith('AwsSolutions-IAM5')) expect(ack.id, ack.path).toMatch(/\[.+\]$/);
      expect(ack.reason.length, `${ack.path} ${ack.id}`).toBeGreaterThan(60);
      expect(docs, `docs/deploy.md lists ${ack.id}`).toContain(ack.id);
    }
    // Acknowledged on the resource that needs it, never on the stack or the app.
    for (const ack of nag) expect(ack.path.split('/').length, ack.path).toBeGreaterThan(2);
  });

  it('fail synthesis when a finding is not acknowledged', async () => {
    const unacknowledged = synthesizeLabWithout('AwsSolutions-DDB3');
    await expect(unacknowledged).rejects.toThrow(/AwsSolutions-DDB3/);
  });
});

/** The same app with one acknowledgement removed from its metadata, synthesized. */
async function synthesizeLabWithout(ruleId: string): Promise<void> {
  const { buildTestLabApp } = await import('./lab-app-fixture.ts');
  const fresh = buildTestLabApp({ scenarios: await allScenarios() });
  for (const construct of fresh.app.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
        for (const key of Object.keys(entry.data as object))
          if (key.replace(/^annotation::/i, '') === ruleId) delete (entry.data as Record<string, string>)[key];
      }
    }
  }
  fresh.app.synth();
}

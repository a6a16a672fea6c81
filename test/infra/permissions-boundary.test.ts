// Sandbox guardrails: an organisation's service control policies often refuse
// to create a role without a permissions boundary. `-c permissionsBoundary=ARN`
// (or RACELAB_PERMISSIONS_BOUNDARY; context wins, as for the allowlist) puts
// that managed policy on every role of the stack, the ones CDK makes for its
// custom resource providers included; without it no role has one; a value that
// is not a managed policy ARN of the account (or AWS's) is refused in one
// sentence naming where it came from.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CustomResourceProvider, CustomResourceProviderRuntime, PERMISSIONS_BOUNDARY_CONTEXT_KEY, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContextError } from '../../infra/context-error.ts';
import { ENVIRONMENT_VARIABLES } from '../../infra/environment.ts';
import { applyPermissionsBoundary, PERMISSIONS_BOUNDARY_CONTEXT } from '../../infra/lab-app.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { allScenarios, buildTestLabApp, resourcesOfType, SANDBOX_ACCOUNT, synthesizeLab, type CfnTemplate } from './lab-app-fixture.ts';

const BOUNDARY = `arn:aws:iam::${SANDBOX_ACCOUNT}:policy/sandbox/LabBoundary`;
let scenarios: Scenario[];
beforeAll(async () => {
  scenarios = await allScenarios();
});

const boundaries = (json: CfnTemplate): [string, unknown][] =>
  resourcesOfType(json, 'AWS::IAM::Role').map(([id, role]) => [id, role.Properties?.PermissionsBoundary]);

function refusal(context: Record<string, unknown>, env: Record<string, string> = {}): string {
  try {
    buildTestLabApp({ scenarios: [], context, env });
  } catch (error) {
    expect(error).toBeInstanceOf(ContextError);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe(`context ${PERMISSIONS_BOUNDARY_CONTEXT}`, () => {
  it('puts the boundary on every role of the stack: the functions, the state machines and both custom resource providers', () => {
    const { json } = synthesizeLab({ scenarios, context: { [PERMISSIONS_BOUNDARY_CONTEXT]: BOUNDARY } });
    const roles = boundaries(json);
    // 10 lab functions, a state machine per scenario, the SOA update, the zone clean-up and its framework.
    expect(roles.length).toBe(10 + scenarios.length + 3);
    expect(roles.map(([id]) => id)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ZoneSoaRole/),
        expect.stringMatching(/^ZoneCleanupProviderRole/),
        expect.stringMatching(/^ZoneCleanupHandler/),
      ]),
    );
    for (const [id, boundary] of roles) expect.soft(boundary, id).toBe(BOUNDARY);
  });

  it('puts none on any role without it', () => {
    const roles = boundaries(synthesizeLab({ scenarios }).json);
    expect(roles.length).toBeGreaterThan(10);
    for (const [id, boundary] of roles) expect.soft(boundary, id).toBeUndefined();
  });

  it(`is read from ${ENVIRONMENT_VARIABLES.permissionsBoundary} when the context is unset, and the context wins over it`, () => {
    const other = `arn:aws:iam::${SANDBOX_ACCOUNT}:policy/EnvBoundary`;
    const fromEnv = synthesizeLab({ scenarios: scenarios.slice(0, 1), env: { [ENVIRONMENT_VARIABLES.permissionsBoundary]: other } });
    expect(new Set(boundaries(fromEnv.json).map(([, boundary]) => boundary))).toEqual(new Set([other]));
    const both = synthesizeLab({
      scenarios: scenarios.slice(0, 1),
      context: { [PERMISSIONS_BOUNDARY_CONTEXT]: BOUNDARY },
      env: { [ENVIRONMENT_VARIABLES.permissionsBoundary]: other },
    });
    expect(new Set(boundaries(both.json).map(([, boundary]) => boundary))).toEqual(new Set([BOUNDARY]));
  });

  it('takes an AWS managed policy and any partition', () => {
    for (const arn of ['arn:aws:iam::aws:policy/PowerUserAccess', `arn:aws-us-gov:iam::${SANDBOX_ACCOUNT}:policy/a/b/Boundary_1+=,.@-`]) {
      expect(() => buildTestLabApp({ scenarios: [], context: { [PERMISSIONS_BOUNDARY_CONTEXT]: arn } }), arn).not.toThrow();
    }
  });

  it('refuses a value that is not an IAM managed policy ARN, naming the context key or the variable, with an example', () => {
    for (const bad of ['LabBoundary', `arn:aws:iam::${SANDBOX_ACCOUNT}:role/LabBoundary`, 'arn:aws:iam::1234:policy/LabBoundary', 'arn:aws:s3:::bucket']) {
      expect(refusal({ [PERMISSIONS_BOUNDARY_CONTEXT]: bad })).toBe(
        `Refusing to synthesize the dns-race-lab stack: context permissionsBoundary "${bad}" is not an IAM managed policy ARN ` +
          '(arn:<partition>:iam::<account>:policy/<name>, e.g. `npx cdk deploy -c permissionsBoundary=arn:aws:iam::111122223333:policy/SandboxBoundary`).',
      );
    }
    expect(refusal({}, { [ENVIRONMENT_VARIABLES.permissionsBoundary]: 'LabBoundary' })).toMatch(
      /^Refusing to synthesize the dns-race-lab stack: env RACELAB_PERMISSIONS_BOUNDARY "LabBoundary" is not an IAM managed policy ARN .*`\)\.$/,
    );
  });

  it("refuses a policy of another account, which IAM cannot attach as the boundary of this account's roles", () => {
    expect(refusal({ [PERMISSIONS_BOUNDARY_CONTEXT]: 'arn:aws:iam::444455556666:policy/LabBoundary' })).toBe(
      'Refusing to synthesize the dns-race-lab stack: context permissionsBoundary names a policy of account 444455556666, but the lab deploys to ' +
        "account 111122223333; a role's boundary is a managed policy of its own account or an AWS managed one " +
        '(e.g. `-c permissionsBoundary=arn:aws:iam::111122223333:policy/LabBoundary`).',
    );
  });

  it(`refuses it beside CDK's own ${PERMISSIONS_BOUNDARY_CONTEXT_KEY}, which would apply a second boundary`, () => {
    expect(refusal({ [PERMISSIONS_BOUNDARY_CONTEXT]: BOUNDARY, [PERMISSIONS_BOUNDARY_CONTEXT_KEY]: { name: 'Other' } })).toMatch(
      /both context permissionsBoundary and CDK's context @aws-cdk\/core:permissionsBoundary name a permissions boundary; keep one/,
    );
  });
});

describe('applyPermissionsBoundary', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it("reaches a role that is a plain CfnResource, as CDK's CustomResourceProvider makes it", () => {
    const code = mkdtempSync(join(tmpdir(), 'racelab-provider-'));
    dirs.push(code);
    writeFileSync(join(code, 'index.js'), 'exports.handler = async () => ({});\n');
    const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Bare');
    CustomResourceProvider.getOrCreateProvider(stack, 'Custom::Bare', { codeDirectory: code, runtime: CustomResourceProviderRuntime.NODEJS_22_X });
    applyPermissionsBoundary(stack, BOUNDARY);
    const roles = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role'));
    expect(roles).toHaveLength(1);
    expect(roles[0]!.Properties.PermissionsBoundary).toBe(BOUNDARY);
  });
});

// The synthesized IAM, judged by the rehearsal's own calls: each (principal,
// action, resource ARN) the code made is evaluated against that principal's
// role policies from the template, by @cloud-copilot/iam-simulate (an IAM
// policy evaluator); and each granted (action, resource) must be one some
// code path used, so a grant nobody needs shows up.
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { VPC_ENI_ACTIONS } from '../../infra/lab-access.ts';
import type { RecordedCall } from './call-recorder.ts';
import type { Principal } from './rehearsal.ts';
import { ARN_CONTEXT, resolveValue, resourcesOf, type Physical, type SynthesizedStack } from './synthesized-stack.ts';

interface Statement {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  Resource?: string | string[];
}
interface PolicyDocument {
  Version: string;
  Statement: Statement[];
}

/**
 * Granted for the platform, not for the code: Lambda writes the function's
 * logs and manages a VPC function's network interfaces with its role; Step
 * Functions delivers logs and X-Ray traces with the state machine's. The
 * rehearsal cannot see those calls, so they are not asked to be used.
 */
const PLATFORM_ACTIONS = new Set<string>(['logs:CreateLogStream', 'logs:PutLogEvents', ...VPC_ENI_ACTIONS]);
const PLATFORM_SERVICES = [/^logs:/, /^xray:/];
const isPlatform = (action: string) => PLATFORM_ACTIONS.has(action) || PLATFORM_SERVICES.some((pattern) => pattern.test(action));

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** A role's policies as deployed: its inline policies and every AWS::IAM::Policy attached to it, with values resolved. */
export function rolePolicies(stack: SynthesizedStack, physical: Record<string, Physical>, roleId: string): { name: string; policy: PolicyDocument }[] {
  const role = stack.template.Resources[roleId];
  if (!role) throw new Error(`no role ${roleId} in the template`);
  if (list(role.Properties.ManagedPolicyArns as unknown[]).length)
    throw new Error(`${roleId} has managed policies, which the check cannot read; the lab grants inline only`);
  const inline = list(role.Properties.Policies as { PolicyName: string; PolicyDocument: unknown }[]).map((policy) => ({
    name: policy.PolicyName,
    policy: resolveValue(policy.PolicyDocument, physical, stack.template.Conditions) as PolicyDocument,
  }));
  const attached = resourcesOf(stack, 'AWS::IAM::Policy')
    .filter(([, policy]) => list(policy.Properties.Roles as { Ref?: string }[]).some((ref) => ref.Ref === roleId))
    .map(([id, policy]) => ({ name: id, policy: resolveValue(policy.Properties.PolicyDocument, physical, stack.template.Conditions) as PolicyDocument }));
  return [...inline, ...attached];
}

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

export async function decide(roleArn: string, policies: { name: string; policy: PolicyDocument }[], action: string, resource: string): Promise<Decision> {
  const simulation: Simulation = {
    identityPolicies: policies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    request: { principal: roleArn, action, resource: { resource, accountId: ARN_CONTEXT.account }, contextVariables: {} },
  } as unknown as Simulation;
  const response = await runSimulation(simulation, {});
  if (response.resultType === 'error') throw new Error(`iam-simulate refused ${action} on ${resource}: ${JSON.stringify(response.errors)}`);
  return response.overallResult as Decision;
}

export interface CheckedCall {
  who: string;
  action: string;
  resource: string;
  decision: Decision;
}

/** Every distinct call of the rehearsals, decided against its principal's role. */
export async function checkCalls(
  stack: SynthesizedStack,
  physical: Record<string, Physical>,
  principals: Record<string, Principal>,
  calls: RecordedCall[],
): Promise<CheckedCall[]> {
  const distinct = new Map<string, { principal: Principal; action: string; resource: string }>();
  for (const call of calls) {
    const principal = principals[call.principal];
    if (!principal) throw new Error(`a call signed by ${call.principal}, which is no principal of the rehearsal`);
    distinct.set(`${principal.of} ${call.action} ${call.resource}`, { principal, action: call.action, resource: call.resource });
  }
  const checked: CheckedCall[] = [];
  for (const { principal, action, resource } of distinct.values()) {
    const decision = await decide(physical[principal.role]!.attributes.Arn!, rolePolicies(stack, physical, principal.role), action, resource);
    checked.push({ who: principal.of, action, resource, decision });
  }
  return checked;
}

/**
 * Granted (action, resource) pairs no rehearsed call used, per role. The three
 * Enactors run one code, so their calls count together: a grant is needed if
 * the code uses it, whichever Enactor happened to.
 */
export function unusedGrants(
  stack: SynthesizedStack,
  physical: Record<string, Physical>,
  principals: Record<string, Principal>,
  calls: RecordedCall[],
): string[] {
  const codeOf = (principal: Principal) =>
    principal.kind === 'function' ? String((stack.template.Resources[principal.of]!.Properties.Code as { S3Key: string }).S3Key) : principal.of;
  const used = new Set(calls.map((call) => `${codeOf(principals[call.principal]!)} ${call.action} ${call.resource}`));
  const unused: string[] = [];
  for (const principal of Object.values(principals)) {
    for (const { policy } of rolePolicies(stack, physical, principal.role)) {
      for (const statement of policy.Statement.filter((item) => item.Effect === 'Allow')) {
        for (const action of list(statement.Action).filter((item) => !isPlatform(item))) {
          for (const resource of list(statement.Resource)) {
            const touched = used.has(`${codeOf(principal)} ${action} ${resource}`);
            if (!touched) unused.push(`${principal.of}: ${action} on ${resource}`);
          }
        }
      }
    }
  }
  return unused;
}

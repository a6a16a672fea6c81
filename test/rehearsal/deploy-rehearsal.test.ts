// The deploy, rehearsed without an account: the stack synthesized with its
// bundled Lambda code, "deployed" onto the embedded endpoints, and oct-2025
// (and cascade-drill, for the cascade's functions, and oct-2025-freeze, for the
// operator's kill switch) run on it in real time through the template's own state machine definition
// (rehearsal.ts). It must tell the same story as `racelab run`, and every call
// the code made must be allowed by the synthesized IAM, with no grant unused.
// A counterexample explore writes, every step at second 0, keeps its order by its gates.
// Then the stack is destroyed as far as the zone goes: the zone clean-up's
// Delete, after which the zone's own deletion must succeed.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../lambdas/core/events.ts';
import type { Safeguard } from '../../lambdas/core/safeguards/index.ts';
import { MemoryLab } from '../../local/memory-lab.ts';
import { runScenarioEmbedded } from '../../local/run-embedded.ts';
import { loadScenario } from '../../scenario/files.ts';
import { reportOf } from '../../scenario/run-report.ts';
import { ZONE_CLEANUP_PHYSICAL_ID } from '../../lambdas/zone-cleanup/handler.ts';
import { checkCalls, decide, rolePolicies, unusedGrants } from './iam-check.ts';
import { rehearse, type Rehearsal } from './rehearsal.ts';
import { ARN_CONTEXT, installedSdkVersions, resourcesOf, synthesizeForDeploy, type SynthesizedStack } from './synthesized-stack.ts';
import { baselineCounterexample, replayedOrder, scriptedOrder, withoutSeconds } from '../support/counterexample-order.ts';
import type { Scenario } from '../../scenario/schema.ts';

let stack: SynthesizedStack;
let baseline: Rehearsal;
let fenced: Rehearsal;
let cascade: Rehearsal;
let freeze: Rehearsal;
let explored: Scenario;
let counterexample: Rehearsal;

beforeAll(async () => {
  explored = (await baselineCounterexample()).scenario;
  // Every step at second 0: in real time the seconds give no order, only the gates can keep it.
  const unpaced = withoutSeconds(explored);
  stack = await synthesizeForDeploy([unpaced]);
  [baseline, fenced, cascade, freeze, counterexample] = await Promise.all([
    rehearse(stack, 'oct-2025', []),
    rehearse(stack, 'oct-2025', ['write-time-check']),
    rehearse(stack, 'cascade-drill', []),
    rehearse(stack, 'oct-2025-freeze', []),
    rehearse(stack, unpaced, []),
  ]);
});
afterAll(() => stack && rmSync(stack.outdir, { recursive: true, force: true }));

/**
 * The events that make the story, each actor's in its own order: which plan it wrote where, what its clean-up
 * deleted, whether it got stuck or stopped. Across actors, real time orders only what the gates pin (the story,
 * checked above): under load, az-a may find the fence ahead of it before az-b's write lands, or after.
 */
function keyEvents(events: readonly RunEvent[]): Record<string, string[]> {
  const byActor: Record<string, string[]> = {};
  for (const event of events.filter((item) => ['applied', 'deleted', 'stuck', 'stale', 'self-heal'].includes(item.outcome)))
    (byActor[event.actor] ??= []).push(`${event.step} ${event.outcome} g${event.generation ?? '-'} ${event.endpoint ?? ''}`.trim());
  return byActor;
}

async function embeddedRun(name: string, safeguards: Safeguard[]) {
  const scenario = await loadScenario(name);
  const run = await runScenarioEmbedded(new MemoryLab(), scenario, { runId: 'compare', safeguards });
  return {
    events: run.events,
    report: reportOf({ scenario, safeguards, seed: scenario.seed, latency: {} }, { target: 'local', runId: 'compare' }, run.events),
  };
}

describe('the deploy rehearsal', () => {
  it.each([
    ['oct-2025', 'no safeguard', () => baseline, [] as Safeguard[]],
    ['oct-2025', 'write-time-check', () => fenced, ['write-time-check'] as Safeguard[]],
    ['cascade-drill', 'no safeguard', () => cascade, [] as Safeguard[]],
    ['oct-2025-freeze', 'no safeguard', () => freeze, [] as Safeguard[]],
  ])('%s with %s tells the story racelab run tells, each actor with the same key events', async (name, _, rehearsal, safeguards) => {
    const { report, failure, output, events } = rehearsal();
    expect(failure, output).toBeUndefined();
    expect(report.asExpected, JSON.stringify(report.story, null, 1)).toBe(true);
    const embedded = await embeddedRun(name, safeguards);
    expect(report.cascade?.metastable).toBe(embedded.report.cascade?.metastable);
    expect(report.outcome).toBe(embedded.report.outcome);
    expect(report.story?.events.map((line) => [line.says, line.seen])).toEqual(embedded.report.story?.events.map((line) => [line.says, line.seen]));
    expect(keyEvents(events)).toEqual(keyEvents(embedded.events));
  });

  it('every lab function answers the warm-up with the SDK versions in its bundle, those npm installed here', () => {
    const installed = installedSdkVersions();
    const answers = { ...baseline.warmUps, ...fenced.warmUps, ...cascade.warmUps, ...freeze.warmUps };
    const labFunctions = resourcesOf(stack, 'AWS::Lambda::Function').filter(([id]) => id.startsWith('Functions'));
    expect(Object.keys(answers).sort()).toEqual(labFunctions.map(([id]) => id).sort());
    for (const answer of Object.values(answers)) expect(answer).toEqual({ warm: true, sdk: installed });
  });

  it("replays explore's counterexample, every step at second 0, in the counterexample's order: its gates keep it", () => {
    const { report, failure, output, events } = counterexample;
    expect(failure, output).toBeUndefined();
    expect(replayedOrder(explored, events)).toEqual(scriptedOrder(explored));
    expect(report.outcome).toBe('outage');
  });

  it.each([
    ['oct-2025', () => baseline],
    ['oct-2025 with write-time-check', () => fenced],
    ['cascade-drill', () => cascade],
    ['oct-2025-freeze', () => freeze],
  ])('after %s, a plain cdk destroy empties the zone the run left and then deletes it', (_, rehearsal) => {
    const { destroy, output } = rehearsal();
    expect(destroy.error, output).toBeUndefined();
    expect(destroy.cleanup).toEqual({ PhysicalResourceId: ZONE_CLEANUP_PHYSICAL_ID, Data: { RecordSetsDeleted: expect.stringMatching(/^[1-9]\d*$/) } });
  });

  it('every call the code made is allowed by its role in the synthesized template', async () => {
    const checked = await checkCalls(stack, baseline.physical, baseline.principals, baseline.calls);
    checked.push(...(await checkCalls(stack, fenced.physical, fenced.principals, fenced.calls)));
    checked.push(...(await checkCalls(stack, cascade.physical, cascade.principals, cascade.calls)));
    checked.push(...(await checkCalls(stack, freeze.physical, freeze.principals, freeze.calls)));
    expect(checked.filter((call) => call.decision !== 'Allowed')).toEqual([]);
    // Every principal called: the ten lab functions, the state machines, the zone's SOA custom resource, and the zone
    // clean-up with its framework.
    const principals = new Set(
      [...Object.values(baseline.principals), ...Object.values(cascade.principals), ...Object.values(freeze.principals)].map((principal) => principal.of),
    );
    expect(new Set(checked.map((call) => call.who))).toEqual(principals);
    // The check bites: take route53:ListResourceRecordSets out of the Enactors' policies and their reads are denied.
    const narrowed: SynthesizedStack = structuredClone({ ...stack, assetDir: undefined }) as unknown as SynthesizedStack;
    for (const [id, policy] of Object.entries(narrowed.template.Resources)) {
      if (!id.startsWith('FunctionsEnactor') || policy.Type !== 'AWS::IAM::Policy') continue;
      const document = policy.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] };
      for (const statement of document.Statement) statement.Action = [statement.Action].flat().filter((action) => action !== 'route53:ListResourceRecordSets');
    }
    const denied = (await checkCalls(narrowed, baseline.physical, baseline.principals, baseline.calls)).filter((call) => call.decision !== 'Allowed');
    expect(new Set(denied.map((call) => `${call.who.replace(/Az[ABC]Function\w+$/, '')} ${call.action} ${call.decision}`))).toEqual(
      new Set(['FunctionsEnactor route53:ListResourceRecordSets ImplicitlyDenied']),
    );
    expect(new Set(denied.map((call) => call.who)).size).toBe(3);
  });

  it('denies what the lab must not do: other zones, tables and functions, and actions its code never makes', async () => {
    const { physical, principals } = baseline;
    const roleOf = (prefix: string) => Object.values(principals).find((principal) => principal.of.startsWith(prefix))!.role;
    const table = (name: string) => physical[name]!.attributes.Arn!;
    const plans = table(Object.keys(physical).find((id) => id.startsWith('TablesPlans'))!);
    const zone = `arn:aws:route53:::hostedzone/${physical[Object.keys(physical).find((id) => id.startsWith('Zone'))!]!.ref}`;
    const controls: [string, string, string][] = [
      ['FunctionsEnactorAzA', 'route53:ChangeResourceRecordSets', 'arn:aws:route53:::hostedzone/ZSOMEONEELSE0'],
      ['FunctionsEnactorAzA', 'dynamodb:Scan', plans],
      ['FunctionsEnactorAzA', 'dynamodb:PutItem', plans],
      ['FunctionsEnactorAzA', 'route53:DeleteHostedZone', zone],
      ['FunctionsPlanner', 'dynamodb:DeleteItem', plans],
      ['FunctionsPlanner', 'dynamodb:PutItem', plans.replace(ARN_CONTEXT.account, '444455556666')],
      ['FunctionsPlanner', 'route53:ChangeResourceRecordSets', zone],
      ['FunctionsProbe', 'dynamodb:PutItem', plans],
      ['FunctionsProbe', 'route53:ChangeResourceRecordSets', zone],
      ['Scenariooct2025', 'lambda:InvokeFunction', `arn:aws:lambda:${ARN_CONTEXT.region}:${ARN_CONTEXT.account}:function:not-the-lab`],
      ['Scenariooct2025', 'dynamodb:Query', plans],
      ['ZoneCleanupHandlerFunction', 'route53:DeleteHostedZone', zone],
      ['ZoneCleanupHandlerFunction', 'route53:ChangeResourceRecordSets', 'arn:aws:route53:::hostedzone/ZSOMEONEELSE0'],
      [
        'ZoneCleanupProviderframeworkonEvent',
        'lambda:InvokeFunction',
        physical[Object.keys(physical).find((id) => id.startsWith('FunctionsPlannerFunction'))!]!.attributes.Arn!,
      ],
    ];
    for (const [who, action, resource] of controls) {
      const role = roleOf(who);
      expect([who, action, resource, await decide(physical[role]!.attributes.Arn!, rolePolicies(stack, physical, role), action, resource)]).toEqual([
        who,
        action,
        resource,
        'ImplicitlyDenied',
      ]);
    }
  });

  it('grants nothing that no code path used', () => {
    // The rehearsals deployed the same physical names and functions, so their calls can be judged together; the
    // cascade's state machine is another than oct-2025's, which is the one judged here: its calls are left out.
    expect(fenced.physical).toEqual(baseline.physical);
    expect(fenced.principals).toEqual(baseline.principals);
    expect(cascade.physical).toEqual(baseline.physical);
    expect(freeze.physical).toEqual(baseline.physical);
    const cascadeCalls = cascade.calls.filter((call) => cascade.principals[call.principal]?.kind === 'function');
    const freezeCalls = freeze.calls.filter((call) => freeze.principals[call.principal]?.kind === 'function');
    const calls = [...baseline.calls, ...fenced.calls, ...cascadeCalls, ...freezeCalls];
    // CDK's Provider framework grants itself more than the one invoke it makes: lambda:GetFunction (it waits for the
    // function to be Active only after an invoke fails) and invoke on the function's versions and aliases (`:*`).
    const frameworksOwn = (grant: string) => /^ZoneCleanupProviderframeworkonEvent\w+: lambda:(GetFunction on \S+|InvokeFunction on \S+:\*)$/.test(grant);
    const unused = unusedGrants(stack, baseline.physical, baseline.principals, calls);
    expect(unused.filter((grant) => !frameworksOwn(grant))).toEqual([]);
    expect(unused.filter(frameworksOwn)).toHaveLength(2);
    // And without the freeze's run, the operator's PutItem (the kill switch) goes unused.
    expect(unusedGrants(stack, baseline.physical, baseline.principals, [...baseline.calls, ...fenced.calls, ...cascadeCalls])).toEqual(
      expect.arrayContaining([expect.stringMatching(/^FunctionsOperator.*: dynamodb:PutItem on /)]),
    );
    // The check bites: without the write-time-check run, the Enactor's fence writes (UpdateItem) go unused;
    // without the cascade's run, DWFM's lease reads.
    expect(unusedGrants(stack, baseline.physical, baseline.principals, [...baseline.calls, ...cascadeCalls])).toEqual(
      expect.arrayContaining([expect.stringMatching(/^FunctionsEnactorAz.*: dynamodb:UpdateItem on /)]),
    );
    expect(unusedGrants(stack, baseline.physical, baseline.principals, [...baseline.calls, ...fenced.calls])).toEqual(
      expect.arrayContaining([expect.stringMatching(/^FunctionsDwfm.*: dynamodb:BatchGetItem on /)]),
    );
  });
});

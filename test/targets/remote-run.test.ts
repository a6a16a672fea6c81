// Proves `racelab run --target aws|localstack` end to end on the client side:
// it starts the scenario's state machine with the shared execution input
// (named by the run id, scheduled in whole real seconds), follows the
// execution, reads the run-events table through its own DynamoDB client and
// judges the run exactly as the embedded target does; it stops the execution
// on Ctrl-C, reports a failed execution's error and cause, and refuses to run
// over another execution. Step Functions is mocked; DynamoDB and Route 53 are
// the embedded lab's, so the CLI's reads are real.
import { DescribeExecutionCommand, DescribeStateMachineCommand, ListExecutionsCommand, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { executionInputSchema } from '../../lambdas/task-input.ts';
import { buildScenarioDefinition, FUNCTION_KEYS, FUNCTION_PLACEHOLDERS, substitutePlaceholders } from '../../infra/scenario-definition.ts';
import { loadScenario } from '../../scenario/files.ts';
import { openReadyRemoteLab, type ReadyRemoteLab } from '../../targets/remote-lab.ts';
import { runOnRemoteLab, scheduleStart, type RemoteRunOptions } from '../../targets/remote-run.ts';
import { describeExecutionEnd, runRemoteCommand } from '../../cli/remote-run-command.ts';
import { matchesDefinition } from '../../targets/deployed-definition.ts';
import { buildRunReport } from '../../scenario/run-report.ts';
import type { Pacing } from '../../targets/pacing.ts';
import { runScenarioEmbedded } from '../../local/run-embedded.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { deployedLab, stateMachineArn, type DeployedLabFixture } from './deployed-lab-fixture.ts';

const EXECUTION_ARN = 'arn:aws:states:us-east-1:111122223333:execution:DnsRaceLab-oct-2025:r-test';
/** Real time, but no waiting between polls. */
const quickPacing: Pacing = { now: () => Date.now(), sleep: async () => undefined };

describe('a run on a deployed target', () => {
  let fixture: DeployedLabFixture;
  let remote: ReadyRemoteLab;
  let scenario: Scenario;
  const run = (runId: string, options: Partial<RemoteRunOptions> = {}) =>
    runOnRemoteLab(remote, { scenario, safeguards: [], seed: scenario.seed, latency: {} }, { runId, startLeadMs: 0, pacing: quickPacing, ...options });

  beforeEach(async () => {
    fixture = await deployedLab();
    scenario = await loadScenario('oct-2025');
    remote = await openReadyRemoteLab(fixture.target('aws'));
  });

  afterEach(async () => {
    remote?.close();
    await fixture?.close();
  });

  /**
   * Step Functions that "runs" the execution by running the scenario on the
   * embedded lab with the same run id, to the end, before answering (the
   * embedded run's virtual clock is process-wide, so it must not overlap the polling).
   */
  function stepFunctionsRunningTheScenario(): { input: () => unknown } {
    let received: unknown;
    fixture.stepFunctions.on(StartExecutionCommand).callsFake(async (command: { input: string }) => {
      received = JSON.parse(command.input);
      const { runId, safeguards, settings } = executionInputSchema.parse(received);
      await runScenarioEmbedded(fixture.lab, scenario, { runId, safeguards, seed: settings.seed });
      return { executionArn: EXECUTION_ARN, startDate: new Date() };
    });
    fixture.stepFunctions.on(DescribeExecutionCommand).resolvesOnce({ status: 'RUNNING' }).resolves({ status: 'SUCCEEDED' });
    return { input: () => received };
  }

  it('starts the scenario state machine with the shared execution input, named by the run id', async () => {
    const sfn = stepFunctionsRunningTheScenario();
    const before = Date.now();
    await run('r-20251020T064800-abc123', { startLeadMs: 5000 });
    const [call] = fixture.stepFunctions.commandCalls(StartExecutionCommand);
    expect(call?.args[0].input).toMatchObject({ stateMachineArn: stateMachineArn('oct-2025'), name: 'r-20251020T064800-abc123' });
    const input = executionInputSchema.parse(sfn.input());
    expect(input).toMatchObject({ runId: 'r-20251020T064800-abc123', safeguards: [], settings: { seed: scenario.seed, endpoints: scenario.endpoints } });
    // Real time: scenario second t lies t seconds after second 0, which is a whole second at least the lead ahead.
    const zero = Date.parse(input.schedule!.t0!);
    expect(zero % 1000).toBe(0);
    expect(zero).toBeGreaterThanOrEqual(before + 5000);
    expect(Date.parse(input.schedule!.t19!) - zero).toBe(19_000);
  });

  it('follows the execution and judges the run from the run-events table as the embedded target does', async () => {
    stepFunctionsRunningTheScenario();
    const { report, execution } = await run('r-follow');
    expect(execution).toMatchObject({ arn: EXECUTION_ARN, status: 'SUCCEEDED' });
    expect(report).toMatchObject({ scenario: 'oct-2025', target: 'aws', runId: 'r-follow', seed: scenario.seed, safeguards: [], expected: 'outage' });
    // Every event the handlers wrote, read through the CLI's own client, judged by the same verdict.
    // (Whether this stand-in race ends in the outage is the e2e suite's concern, not this one's.)
    const written = await fixture.lab.deps().events.list('r-follow');
    expect(report.events).toHaveLength(written.length);
    expect(report.events.filter((event) => event.actor === 'probe').length).toBeGreaterThan(10);
    const { scenario: name, target, runId, seed, safeguards, expected } = report;
    const { outcome, asExpected, endpoints, automation } = buildRunReport(
      { scenario: name, target, runId, seed, safeguards, expected, story: scenario.expect.story },
      written,
    );
    expect(report).toMatchObject({ outcome, asExpected, endpoints, automation });
    expect(report.events.some((event) => event.actor === 'racelab' && event.step === 'start' && event.detail?.includes('on aws'))).toBe(true);
    expect(fixture.stepFunctions.commandCalls(DescribeExecutionCommand).length).toBeGreaterThan(1);
  });

  it('shows the events as they reach the table while the execution runs', async () => {
    fixture.stepFunctions.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: new Date() });
    let polls = 0;
    fixture.stepFunctions.on(DescribeExecutionCommand).callsFake(async () => {
      polls += 1;
      await fixture.lab.deps().events.append({ runId: 'r-progress', at: Date.now(), actor: 'planner', step: 'plan', outcome: 'written', generation: polls });
      return { status: polls < 4 ? 'RUNNING' : 'SUCCEEDED' };
    });
    const seen: number[] = [];
    let finished = false;
    await run('r-progress', { progress: () => ({ update: (_elapsed, events) => void seen.push(events.length), finish: () => (finished = true) }) });
    // The start event, then one more per poll.
    expect(seen).toEqual([2, 3, 4]);
    expect(finished).toBe(true);
  });

  it('stops the execution on Ctrl-C and reports what the events table holds so far', async () => {
    const interrupt = new AbortController();
    fixture.stepFunctions.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: new Date() });
    fixture.stepFunctions.on(DescribeExecutionCommand).callsFake(async () => {
      interrupt.abort();
      return { status: 'RUNNING' };
    });
    fixture.stepFunctions.on(StopExecutionCommand).resolves({ stopDate: new Date() });
    const { report, execution } = await run('r-interrupted', { signal: interrupt.signal });
    expect(execution.status).toBe('INTERRUPTED');
    expect(fixture.stepFunctions.commandCalls(StopExecutionCommand)[0]?.args[0].input).toMatchObject({ executionArn: EXECUTION_ARN });
    expect(report.events.map((event) => `${event.actor} ${event.step}`)).toEqual(['racelab start']);
  });

  it("reports a failed execution's error and cause", async () => {
    fixture.stepFunctions.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: new Date() });
    fixture.stepFunctions
      .on(DescribeExecutionCommand)
      .resolves({ status: 'FAILED', error: 'States.Runtime', cause: "The JSONPath '$$.Execution.Input.schedule.t3' could not be found" });
    const { execution } = await run('r-failed');
    expect(describeExecutionEnd(execution)).toBe(
      "execution r-test ended FAILED: States.Runtime: The JSONPath '$$.Execution.Input.schedule.t3' could not be found",
    );
  });

  it('refuses to start while another execution runs on the same lab, naming it and how to stop it', async () => {
    fixture.stepFunctions.on(ListExecutionsCommand).resolves({
      executions: [{ executionArn: EXECUTION_ARN, name: 'r-other', stateMachineArn: stateMachineArn('oct-2025'), status: 'RUNNING', startDate: new Date() }],
    });
    await expect(run('r-second')).rejects.toThrow(
      /execution r-other of scenario oct-2025 is still running .* stepfunctions stop-execution --execution-arn arn:aws:states/,
    );
    expect(fixture.stepFunctions.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('says which scenarios are deployed when the requested one is not, before starting anything', async () => {
    scenario = { ...scenario, name: 'not-deployed' };
    await expect(run('r-missing')).rejects.toThrow(
      'scenario not-deployed is not deployed in stack DnsRaceLab; deployed: oct-2025; redeploy with npx cdk deploy',
    );
    expect(fixture.stepFunctions.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('warns when the lab still holds plans from an earlier run, and when the deployed state machine differs from the scenario file', async () => {
    await fixture.lab.deps().store.nextGeneration();
    const changed = { ...scenario, probe: { ...scenario.probe, untilSeconds: 5 } };
    const arns = Object.fromEntries(FUNCTION_KEYS.map((key) => [key, `arn:aws:lambda:us-east-1:111122223333:function:${key}`])) as Record<
      (typeof FUNCTION_KEYS)[number],
      string
    >;
    fixture.stepFunctions.on(DescribeStateMachineCommand).resolves({
      definition: JSON.stringify(substitutePlaceholders(buildScenarioDefinition(changed).definition, { functionArns: arns, eventsTable: 'DnsRaceLab-Events' })),
    });
    fixture.stepFunctions.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: new Date() });
    fixture.stepFunctions.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED' });
    const warnings: string[] = [];
    await run('r-dirty', { warn: (line) => warnings.push(line) });
    expect(warnings).toEqual([expect.stringContaining('racelab reset --target aws'), expect.stringContaining('differs from the scenario file')]);
  });

  it("warns when an earlier run's operator left the kill switch thrown: the run would be frozen from its first step", async () => {
    await fixture.lab.deps().killSwitch.set({ thrown: true, by: 'operator' });
    fixture.stepFunctions.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: new Date() });
    fixture.stepFunctions.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED' });
    const warnings: string[] = [];
    await run('r-frozen', { warn: (line) => warnings.push(line) });
    expect(warnings).toEqual([
      "warning: the automation's kill switch is thrown (an earlier run's operator froze it), so the Planner and every Enactor will stop " +
        'before their first change; release it first: racelab reset --target aws',
    ]);
  });
});

describe('racelab run --target localstack (the command)', () => {
  let fixture: DeployedLabFixture;
  const output = { stdout: [] as string[], stderr: [] as string[] };

  beforeEach(async () => {
    fixture = await deployedLab();
    // LocalStack serves every API on one endpoint; a run needs only DynamoDB for real (the rest is mocked).
    vi.stubEnv('AWS_ENDPOINT_URL', fixture.lab.endpoints.dynamodb);
    output.stdout = [];
    output.stderr = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((text) => (output.stdout.push(String(text)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((text) => (output.stderr.push(String(text)), true));
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    await fixture?.close();
  });

  it('prints the JSON report with the execution, warns about Route 53 on LocalStack, and exits 1 when the execution failed', async () => {
    const scenario = await loadScenario('oct-2025');
    fixture.stepFunctions.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: new Date() });
    fixture.stepFunctions.on(DescribeExecutionCommand).resolves({ status: 'FAILED', error: 'States.TaskFailed', cause: 'Probe timed out' });
    const code = await runRemoteCommand('localstack', { scenario, safeguards: [], seed: scenario.seed, latency: {} }, { json: true }, 'r-command');
    expect(code).toBe(1);
    expect(JSON.parse(output.stdout.join(''))).toMatchObject({
      target: 'localstack',
      runId: 'r-command',
      execution: { arn: EXECUTION_ARN, status: 'FAILED', error: 'States.TaskFailed' },
    });
    const stderr = output.stderr.join('');
    expect(stderr).toContain("warning: LocalStack's Route 53 (built on moto)");
    expect(stderr).toContain('racelab: execution r-test ended FAILED: States.TaskFailed: Probe timed out');
  });
});

describe('the deployed definition check', () => {
  it('accepts the builder output with its function placeholders filled in, and rejects a changed timeline', async () => {
    const scenario = await loadScenario('oct-2025');
    const expected = buildScenarioDefinition(scenario).definition;
    const arns = Object.fromEntries(
      FUNCTION_KEYS.map((key) => [key, `arn:aws:lambda:us-east-1:111122223333:function:${FUNCTION_PLACEHOLDERS[key]}`]),
    ) as Record<(typeof FUNCTION_KEYS)[number], string>;
    expect(matchesDefinition(substitutePlaceholders(expected, { functionArns: arns, eventsTable: 'DnsRaceLab-Events' }), expected)).toBe(true);
    const moved = { ...scenario, timeline: { ...scenario.timeline, 'az-a': scenario.timeline['az-a'].map((step) => ({ ...step, at: step.at + 1 })) } };
    expect(matchesDefinition(substitutePlaceholders(buildScenarioDefinition(moved).definition, { functionArns: arns }), expected)).toBe(false);
  });
});

describe('the schedule start', () => {
  it('is a whole second, at least the lead ahead (Step Functions truncates Wait timestamps to the second)', () => {
    expect(scheduleStart(Date.parse('2025-10-20T06:48:00.200Z'), 5000).toISOString()).toBe('2025-10-20T06:48:06.000Z');
    expect(scheduleStart(Date.parse('2025-10-20T06:48:00.000Z'), 5000).toISOString()).toBe('2025-10-20T06:48:05.000Z');
  });
});

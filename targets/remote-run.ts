// One scenario run on a deployed lab (aws or localstack): start the scenario's
// Step Functions execution with the same execution input the embedded target
// builds (real time: 1000 ms per scenario second), follow it, and build the
// report from the run-events table, so every target is judged alike.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { RUNNER, type RunEvent } from '../lambdas/core/events.ts';
import { DynamoDbEventLog } from '../lambdas/adapters/dynamodb-event-log.ts';
import { DynamoDbKillSwitch } from '../lambdas/adapters/dynamodb-kill-switch.ts';
import { executionInput } from '../scenario/schedule.ts';
import { reportOf as reportOfRequest, type RunReport, type RunRequest } from '../scenario/run-report.ts';
import { compareDeployedDefinition } from './deployed-definition.ts';
import { stateMachineFor } from './deployed-stack.ts';
import { followExecution, type ExecutionEnd } from './follow-execution.ts';
import { realPacing, type Pacing } from './pacing.ts';
import { ensureNoRunningExecution, type ReadyRemoteLab } from './remote-lab.ts';
import { silentProgress, type RunProgress } from './run-progress.ts';

/**
 * Scenario second 0 this far after the start request: time for the state
 * machine's warm-up branch, which invokes every function once first, so that
 * cold starts (the Probe's, in a VPC, the longest) fall before the script. If
 * the warm-up overruns, the first steps start late; gates keep the order.
 */
export const START_LEAD_MS = 10_000;
/** Clock difference with the service above which the schedule's timing is suspect. */
const CLOCK_SKEW_WARNING_MS = 1500;

export interface RemoteRunOptions {
  /** Default: a new run id. It is also the execution's name (1-80 of [A-Za-z0-9-_]). */
  runId: string;
  startLeadMs?: number;
  pacing?: Pacing;
  pollIntervalMs?: number;
  /** Aborting it (Ctrl-C) stops the execution and reports what the events table holds. */
  signal?: AbortSignal;
  /** Gets scenario second 0 (ms) and returns where progress goes. */
  progress?: (originMs: number) => RunProgress;
  /** Warnings for the user (stderr). */
  warn?: (message: string) => void;
  /** Called once the execution has started (to show where to watch it). */
  onStarted?: (executionArn: string) => void;
}

export interface ExecutionSummary {
  arn?: string;
  status: ExecutionEnd['status'] | 'NOT_STARTED';
  error?: string;
  cause?: string;
}

export interface RemoteRunResult {
  report: RunReport;
  execution: ExecutionSummary;
}

/** Scenario second 0: a whole second (Step Functions truncates Wait timestamps to the second), `leadMs` or more ahead. */
export function scheduleStart(nowMs: number, leadMs: number): Date {
  return new Date(Math.ceil((nowMs + leadMs) / 1000) * 1000);
}

/** Whether the plans table holds anything: a previous run's plans, fences or counter. */
async function labHoldsPlans(lab: ReadyRemoteLab): Promise<boolean> {
  const page = await lab.clients.dynamodb.send(new ScanCommand({ TableName: lab.outputs.plansTable, Limit: 1 }));
  return (page.Items?.length ?? 0) > 0 || page.LastEvaluatedKey !== undefined;
}

export async function runOnRemoteLab(lab: ReadyRemoteLab, request: RunRequest, options: RemoteRunOptions): Promise<RemoteRunResult> {
  const { scenario, safeguards, seed } = request;
  const { runId } = options;
  const reportOf = (list: readonly RunEvent[]) => reportOfRequest(request, { target: lab.target.name, runId }, list);
  const pacing = options.pacing ?? realPacing;
  const warn = options.warn ?? (() => undefined);
  const stateMachineArn = stateMachineFor(lab.outputs, scenario.name, lab.target);
  const events = new DynamoDbEventLog(lab.outputs.eventsTable, lab.clients.dynamodb);

  await ensureNoRunningExecution(lab, `start ${scenario.name}`);
  if ((await new DynamoDbKillSwitch(lab.outputs.plansTable, lab.clients.dynamodb).read()).thrown) {
    warn(
      `warning: the automation's kill switch is thrown (an earlier run's operator froze it), so the Planner and every Enactor will ` +
        `stop before their first change; release it first: racelab reset --target ${lab.target.name}`,
    );
  } else if (await labHoldsPlans(lab)) {
    warn(
      `warning: the lab still holds plans from an earlier run, so this run does not start from steady state; for a clean run, first: ` +
        `racelab reset --target ${lab.target.name}`,
    );
  }
  if ((await compareDeployedDefinition(lab.clients.stepFunctions, stateMachineArn, scenario)) === 'differs') {
    warn(
      `warning: the state machine deployed for ${scenario.name} differs from the scenario file (its timeline, gates or probes changed since ` +
        `the deploy); redeploy first: ${lab.target.commands.deploy}`,
    );
  }
  if (options.signal?.aborted) return { report: reportOf([]), execution: { status: 'NOT_STARTED' } };

  const startAt = scheduleStart(pacing.now(), options.startLeadMs ?? START_LEAD_MS);
  const input = executionInput(scenario, { runId, safeguards, seed, startAt });
  // Anchors the timeline at scenario second 0, as the embedded runner does.
  await events.append({
    runId,
    at: startAt.getTime(),
    actor: RUNNER,
    step: 'start',
    outcome: 'scheduled',
    detail: `${scenario.name} on ${lab.target.name}, in real time`,
  });
  const started = await lab.clients.stepFunctions.send(new StartExecutionCommand({ stateMachineArn, name: runId, input: JSON.stringify(input) }));
  const executionArn = started.executionArn!;
  options.onStarted?.(executionArn);
  const skewMs = started.startDate ? started.startDate.getTime() - pacing.now() : 0;
  if (Math.abs(skewMs) > CLOCK_SKEW_WARNING_MS) {
    warn(
      `warning: this computer's clock differs from ${lab.target.name}'s by about ${Math.round(skewMs / 1000)} s, so the scenario's steps ` +
        `may not start when scheduled; synchronise the clock (NTP) and run again`,
    );
  }

  const progress = (options.progress ?? (() => silentProgress))(startAt.getTime());
  let end: ExecutionEnd;
  try {
    end = await followExecution(lab.clients.stepFunctions, executionArn, {
      pacing,
      intervalMs: options.pollIntervalMs,
      signal: options.signal,
      onRunning: async (elapsedMs) => progress.update(elapsedMs, await events.list(runId)),
    });
  } finally {
    progress.finish();
  }
  if (end.status === 'INTERRUPTED') {
    await lab.clients.stepFunctions.send(
      new StopExecutionCommand({ executionArn, error: 'racelab.Interrupted', cause: 'interrupted from the racelab CLI (Ctrl-C)' }),
    );
  }
  const summary: ExecutionSummary = { arn: executionArn, ...end };
  return { report: reportOf(await events.list(runId)), execution: summary };
}

/** The AWS console page of an execution (aws target only). */
export function executionConsoleUrl(region: string, executionArn: string): string {
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

// Follows a Step Functions execution until it ends (DescribeExecution at a
// fixed, modest interval: a scenario lasts seconds to minutes, and
// DescribeExecution is throttled per account), or until the user interrupts.
import { DescribeExecutionCommand, type ExecutionStatus, type SFNClient } from '@aws-sdk/client-sfn';
import { realPacing, type Pacing } from './pacing.ts';

export type ExecutionEnd = { status: Exclude<ExecutionStatus, 'RUNNING'>; error?: string; cause?: string } | { status: 'INTERRUPTED' };

export interface FollowOptions {
  pacing?: Pacing;
  /** Between two DescribeExecution calls; default 1 s. */
  intervalMs?: number;
  /** Aborting it (Ctrl-C) ends the follow with status INTERRUPTED; the caller stops the execution. */
  signal?: AbortSignal;
  /** Called after each poll that found the execution still running. */
  onRunning?: (elapsedMs: number) => Promise<void>;
}

export const DEFAULT_POLL_INTERVAL_MS = 1000;

export async function followExecution(stepFunctions: SFNClient, executionArn: string, options: FollowOptions = {}): Promise<ExecutionEnd> {
  const pacing = options.pacing ?? realPacing;
  const interval = options.intervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const startedAt = pacing.now();
  for (;;) {
    if (options.signal?.aborted) return { status: 'INTERRUPTED' };
    const execution = await stepFunctions.send(new DescribeExecutionCommand({ executionArn }));
    const status = execution.status ?? 'RUNNING';
    if (status !== 'RUNNING') return { status, error: execution.error, cause: execution.cause };
    await options.onRunning?.(pacing.now() - startedAt);
    await pacing.sleep(interval, options.signal);
  }
}

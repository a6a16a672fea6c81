// Proves how a deployed run is followed and shown: DescribeExecution at the
// configured interval until the execution ends (its error and cause kept),
// an interrupt ends the follow at once; the terminal progress prints each new
// event once (probes only when the answer changes) under a status line with
// the elapsed seconds.
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../lambdas/core/events.ts';
import { followExecution } from '../../targets/follow-execution.ts';
import { TerminalProgress } from '../../targets/run-progress.ts';

const stepFunctions = mockClient(SFNClient);
afterEach(() => stepFunctions.reset());
// Test files share a worker's modules (vitest isolate: false): leave the real client behind.
afterAll(() => stepFunctions.restore());

function fakePacing() {
  let now = 0;
  const slept: number[] = [];
  return { slept, now: () => now, sleep: async (ms: number) => void (slept.push(ms), (now += ms)) };
}

describe('following an execution', () => {
  it('polls at the interval while it runs and returns how it ended', async () => {
    stepFunctions
      .on(DescribeExecutionCommand)
      .resolvesOnce({ status: 'RUNNING' })
      .resolvesOnce({ status: 'RUNNING' })
      .resolves({ status: 'TIMED_OUT', error: 'States.Timeout', cause: 'the state machine ran longer than 900 s' });
    const pacing = fakePacing();
    const elapsed: number[] = [];
    const end = await followExecution(new SFNClient({ region: 'us-east-1' }), 'arn:x', {
      pacing,
      intervalMs: 1000,
      onRunning: async (ms) => void elapsed.push(ms),
    });
    expect(end).toEqual({ status: 'TIMED_OUT', error: 'States.Timeout', cause: 'the state machine ran longer than 900 s' });
    expect(pacing.slept).toEqual([1000, 1000]);
    expect(elapsed).toEqual([0, 1000]);
  });

  it('ends as INTERRUPTED as soon as the signal aborts', async () => {
    const interrupt = new AbortController();
    stepFunctions.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    const end = await followExecution(new SFNClient({ region: 'us-east-1' }), 'arn:x', {
      pacing: fakePacing(),
      signal: interrupt.signal,
      onRunning: async () => interrupt.abort(),
    });
    expect(end).toEqual({ status: 'INTERRUPTED' });
    expect(stepFunctions.commandCalls(DescribeExecutionCommand)).toHaveLength(1);
  });
});

describe('terminal progress', () => {
  const origin = 1_000_000;
  const event = (seconds: number, fields: Partial<RunEvent>): RunEvent => ({
    runId: 'r',
    at: origin + seconds * 1000,
    actor: 'planner',
    step: 'plan',
    outcome: 'written',
    ...fields,
  });

  it('prints each new event once, probes only when the answer changes, and rewrites the status line', () => {
    const written: string[] = [];
    const progress = new TerminalProgress({ write: (text: string) => written.push(text) }, origin);
    const first = [event(0, { actor: 'probe', step: 'probe', outcome: 'empty', addresses: { 'dynamodb.us-east-1': [] } }), event(0.4, { generation: 1 })];
    progress.update(1200, first);
    progress.update(2300, [
      ...first,
      event(1, { actor: 'probe', step: 'probe', outcome: 'empty', addresses: { 'dynamodb.us-east-1': [] } }),
      event(1.5, { actor: 'az-c', step: 'apply', outcome: 'applied', generation: 1, endpoint: 'dynamodb.us-east-1' }),
    ]);
    progress.finish();
    const screen = written.join('');
    expect(screen.match(/planner\s+plan\s+g1/g)).toHaveLength(1);
    expect(screen.match(/probe\s+probe/g)).toHaveLength(1);
    expect(screen).toContain('  +1.5s  az-c     apply    g1   dynamodb.us-east-1       applied');
    expect(written[0]).toMatch(/… running 1s, 2 events \(Ctrl-C stops the execution\)$/);
    expect(written[1]!.startsWith('\r\x1b[K')).toBe(true);
    expect(written[1]).toMatch(/… running 2s, 4 events/);
    expect(written.at(-1)).toBe('\r\x1b[K');
  });
});

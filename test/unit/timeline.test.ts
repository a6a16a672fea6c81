// The terminal timeline: one row per event (a probe only when what DNS answers
// changes), then the verdict with the story line by line; and --pace, which
// prints the same text as a replay, rows in time order.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '../../lambdas/core/events.ts';
import { printReport } from '../../cli/local-run.ts';
import { renderTimeline } from '../../report/render-timeline.ts';
import { buildRunReport } from '../../scenario/run-report.ts';

const event = (at: number, fields: Omit<RunEvent, 'runId' | 'at'>): RunEvent => ({ runId: 'r', at, ...fields });
const empty = { 'dynamodb.us-east-1': [] };
const events: RunEvent[] = [
  event(0, { actor: 'racelab', step: 'start', outcome: 'scheduled' }),
  event(0, { actor: 'probe', step: 'probe', outcome: 'empty', addresses: empty }),
  event(1000, { actor: 'az-c', step: 'apply', outcome: 'applied', generation: 1, endpoint: 'dynamodb.us-east-1', detail: 'empty endpoint' }),
  event(2000, { actor: 'probe', step: 'probe', outcome: 'answering', addresses: { 'dynamodb.us-east-1': ['10.10.0.11'] } }),
  event(3000, { actor: 'probe', step: 'probe', outcome: 'answering', addresses: { 'dynamodb.us-east-1': ['10.10.0.11'] } }),
  event(4000, { actor: 'az-b', step: 'cleanup', outcome: 'deleted', generation: 1 }),
  event(5000, { actor: 'probe', step: 'probe', outcome: 'empty', addresses: empty }),
];
const story = [
  { says: 'az-c applies g1', event: { actor: 'az-c', outcome: 'applied' as const } },
  { says: 'az-b gets stuck', event: { actor: 'az-b', outcome: 'stuck' as const } },
];
const report = buildRunReport({ scenario: 'test', target: 'local', runId: 'r', seed: 1, safeguards: [], expected: 'outage', story }, events);

afterEach(() => vi.restoreAllMocks());

describe('the timeline', () => {
  it('prints each event once, a probe only when the answer changes, then the verdict with each story line seen or not', () => {
    const text = renderTimeline(report);
    expect(text.match(/^ +\+\d+\.\ds {2}probe /gm)).toHaveLength(3);
    expect(text).toContain('  +1.0s  az-c     apply    g1   dynamodb.us-east-1       applied    empty endpoint');
    expect(text).toContain('verdict: OUTAGE, as expected (outage); the story did NOT play out');
    expect(text).toContain('    ✓   +1.0s  az-c applies g1');
    expect(text).toContain('    ✗     —    az-b gets stuck (not seen)');
    expect(report.asExpected).toBe(false);
  });

  it('--pace replays the same text, row by row in time order', async () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    await printReport(report, false, 1);
    expect(written.join('')).toBe(`${renderTimeline(report)}\n`);
    expect(written.length).toBeGreaterThan(3);
  });
});

// The verdict is computed from run events only: when endpoints went empty,
// whether they came back, and whether the automation ended stuck.
import { describe, expect, it } from 'vitest';
import type { EventOutcome, RunEvent } from '../../lambdas/core/events.ts';
import { computeVerdict } from '../../lambdas/core/verdict.ts';

const probe = (at: number, counts: Record<string, number>): RunEvent => ({
  runId: 'r',
  at,
  actor: 'probe',
  step: 'probe',
  outcome: 'answering',
  addresses: Object.fromEntries(Object.entries(counts).map(([endpoint, n]) => [endpoint, Array.from({ length: n }, (_, i) => `10.0.0.${i}`)])),
});
const apply = (at: number, outcome: EventOutcome): RunEvent => ({ runId: 'r', at, actor: 'az-c', step: 'apply', outcome, endpoint: 'a' });
const start: RunEvent = { runId: 'r', at: 0, actor: 'racelab', step: 'start', outcome: 'scheduled' };

describe('verdict', () => {
  it('does not count an endpoint as empty before any plan was applied', () => {
    const verdict = computeVerdict([start, probe(0, { a: 0 }), probe(1000, { a: 3 })]);
    expect(verdict.outcome).toBe('healthy');
    expect(verdict.endpoints[0]).toMatchObject({ firstEmptyAtMs: null, repaired: false });
  });

  it('reports an outage, when it began, and a stuck automation', () => {
    const verdict = computeVerdict([start, probe(1000, { a: 3, b: 3 }), probe(2000, { a: 0, b: 3 }), apply(2500, 'stuck'), probe(3000, { a: 0, b: 3 })]);
    expect(verdict.outcome).toBe('outage');
    expect(verdict.endpoints.find((e) => e.endpoint === 'a')).toMatchObject({ firstEmptyAtMs: 2000, repaired: false, addresses: [] });
    expect(verdict.automationStuck).toBe(true);
    expect(verdict.stuck).toEqual([{ actor: 'az-c', atMs: 2500, endpoint: 'a', detail: undefined }]);
  });

  it('reports a repair when an emptied endpoint answers again', () => {
    const verdict = computeVerdict([start, probe(1000, { a: 3 }), probe(2000, { a: 0 }), apply(2500, 'applied'), probe(3000, { a: 2 })]);
    expect(verdict).toMatchObject({ outcome: 'healthy', automationStuck: false });
    expect(verdict.endpoints[0]).toMatchObject({ firstEmptyAtMs: 2000, repaired: true });
  });

  it('is not stuck when a later apply succeeded', () => {
    expect(computeVerdict([start, apply(1, 'stuck'), apply(2, 'applied')]).automationStuck).toBe(false);
  });
});

// A gate's Query (the aws-sdk:dynamodb:query integration's request, built
// from the event pattern, or a list of them joined by OR) counts exactly the
// events the pattern matches (any pattern of the list), in
// DynamoDB's own filter semantics (dynalite), for any pattern and event log:
// the deployed gates and the in-memory lab's gates open at the same moment.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchesAny, type EventPatterns } from '../../lambdas/core/event-pattern.ts';
import type { EventOutcome, RunEvent } from '../../lambdas/core/events.ts';
import { EVENTS_TABLE_PLACEHOLDER, gateQuery } from '../../infra/scenario-definition.ts';
import { startEmbeddedLab, type EmbeddedLab } from '../../local/embedded-lab.ts';

let lab: EmbeddedLab;
beforeAll(async () => {
  lab = await startEmbeddedLab();
});
afterAll(() => lab.close());

const actors = ['planner', 'az-a', 'az-b', 'probe'] as const;
const steps = ['plan', 'apply', 'cleanup', 'probe'] as const;
const outcomes: EventOutcome[] = ['written', 'applied', 'stale', 'cleaned', 'deleted', 'empty'];
const endpoints = ['dynamodb.us-east-1', 'dynamodb.us-east-1.api'];

const eventArb = fc.record(
  {
    actor: fc.constantFrom(...actors),
    step: fc.constantFrom(...steps),
    outcome: fc.constantFrom(...outcomes),
    generation: fc.integer({ min: 1, max: 3 }),
    over: fc.integer({ min: 1, max: 3 }),
    endpoint: fc.constantFrom(...endpoints),
    detail: fc.constantFrom('over g2', "after az-b's clean-up"),
  },
  { requiredKeys: ['actor', 'step', 'outcome'] },
);
const patternArb = fc.record(
  {
    actor: fc.constantFrom(...actors),
    step: fc.constantFrom(...steps),
    outcome: fc.oneof(fc.constantFrom(...outcomes), fc.uniqueArray(fc.constantFrom(...outcomes), { minLength: 1, maxLength: 3 })),
    generation: fc.integer({ min: 1, max: 3 }),
    over: fc.integer({ min: 1, max: 3 }),
    endpoint: fc.constantFrom(...endpoints),
    detail: fc.constantFrom('over g2', "after az-b's clean-up"),
  },
  { requiredKeys: ['actor'] },
);

/** A gate: one pattern, or a list of up to three. */
const gateArb = fc.oneof(patternArb, fc.array(patternArb, { minLength: 1, maxLength: 3 }));

/** What Step Functions sends: the builder's parameters with the table named and the run id's path resolved. */
function request(pattern: EventPatterns, runId: string): unknown {
  const json = JSON.stringify(gateQuery(pattern)).split(`\${${EVENTS_TABLE_PLACEHOLDER}}`).join(lab.tables.events);
  const parameters = JSON.parse(json) as { ExpressionAttributeValues: Record<string, unknown> };
  parameters.ExpressionAttributeValues[':runId'] = { S: runId };
  return parameters;
}

describe('the gate query', () => {
  it('counts, in DynamoDB, exactly the events of this run that the pattern matches', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(eventArb, { maxLength: 12 }), fc.array(gateArb, { minLength: 1, maxLength: 4 }), async (fields, patterns) => {
        const runId = `gate-${run++}`;
        const events: RunEvent[] = fields.map((f, i) => ({ runId, at: 1000 + i, ...f }));
        for (const event of events) await lab.deps().events.append(event);
        // Another run's events share the table, never the partition.
        await lab.deps().events.append({ runId: `${runId}-other`, at: 1, actor: 'az-a', step: 'apply', outcome: 'applied' });
        for (const pattern of patterns) {
          const { Count } = await lab.gateQuery(request(pattern, runId), pattern);
          expect(Count).toBe(events.filter((event) => matchesAny(event, pattern)).length);
        }
      }),
      { numRuns: 60, seed: 8 },
    );
  });
});

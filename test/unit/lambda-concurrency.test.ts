// Every scenario fits a new account's Lambda concurrency quota: at no moment
// does its state machine have more lab functions running than the quota, so a
// first run in a fresh sandbox is not throttled by its own steps.
import { describe, expect, it } from 'vitest';
import { loadScenario, scenarioNames } from '../../scenario/files.ts';
import { buildScenarioDefinition, type AslDefinition } from '../../infra/scenario-definition.ts';
import { NEW_ACCOUNT_LAMBDA_CONCURRENCY, peakLambdaInvocations } from '../../infra/lambda-concurrency.ts';

const task = (n: number) => ({ Type: 'Task', Resource: '${PlannerFunctionArn}', Next: `t${n + 1}` });

describe('peak Lambda invocations of a state machine', () => {
  it('counts a Parallel state as the sum of its branches, a branch as its busiest state, and only Tasks that invoke a lab function', () => {
    const definition = {
      Comment: '',
      StartAt: 'p',
      TimeoutSeconds: 1,
      States: {
        p: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 't1', States: { t1: task(1), t2: task(2) } },
            { StartAt: 'g', States: { g: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:dynamodb:query' } } },
            {
              StartAt: 'q',
              States: {
                q: {
                  Type: 'Parallel',
                  Branches: [
                    { StartAt: 'x', States: { x: task(0) } },
                    { StartAt: 'y', States: { y: task(0) } },
                  ],
                },
              },
            },
          ],
          Next: 'after',
        },
        after: task(9),
      },
    } as AslDefinition;
    expect(peakLambdaInvocations(definition)).toBe(3);
  });

  it("fits every scenario in a new account's quota of 10 (the cascade's warm-up invokes all ten functions at once: exactly 10)", async () => {
    const peaks = Object.fromEntries(
      await Promise.all(
        (await scenarioNames()).map(async (name) => [name, peakLambdaInvocations(buildScenarioDefinition(await loadScenario(name)).definition)]),
      ),
    ) as Record<string, number>;
    expect(peaks['oct-2025']).toBe(6);
    expect(peaks['oct-2025-cascade']).toBe(NEW_ACCOUNT_LAMBDA_CONCURRENCY);
    for (const [name, peak] of Object.entries(peaks)) expect.soft(peak, name).toBeLessThanOrEqual(NEW_ACCOUNT_LAMBDA_CONCURRENCY);
  });
});

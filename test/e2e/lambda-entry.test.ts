// The Lambda entry points as deployed: configuration from environment
// variables only, and the SDK clients lambdaEntry builds (bounded by
// LAMBDA_SDK_BOUNDS), which find their endpoints through the SDK's standard
// AWS_ENDPOINT_URL_* variables. This is the path LocalStack and
// `racelab up` users rely on; here it runs against the embedded endpoints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedLab, type EmbeddedLab } from '../../local/embedded-lab.ts';
import { loadBalancerPool } from '../../lambdas/core/planner.ts';
import { labSettings } from '../../scenario/schedule.ts';
import { loadScenario } from '../../scenario/files.ts';

let lab: EmbeddedLab;
const saved = { ...process.env };

beforeAll(async () => {
  lab = await startEmbeddedLab();
  Object.assign(process.env, lab.environment);
});
afterAll(async () => {
  process.env = saved;
  await lab.close();
});

describe('Lambda entry points configured by environment variables', () => {
  it('plan, enact and probe through default SDK clients and the DNS_SERVER resolver', async () => {
    // Imported after the environment is set, as a Lambda runtime would load them.
    const { handler: planner } = await import('../../lambdas/planner/handler.ts');
    const { handler: enactor } = await import('../../lambdas/enactor/handler.ts');
    const { handler: probe } = await import('../../lambdas/probe/handler.ts');
    const settings = { ...labSettings(await loadScenario('oct-2025')), pool: loadBalancerPool(2), faults: [] };
    const base = { runId: 'entry', safeguards: [], settings };

    expect(await planner({ ...base, count: 1 })).toMatchObject({ status: 'written', generations: [1] });
    expect(await enactor({ ...base, enactor: 'az-b', step: 'run' })).toMatchObject({ status: 'cleaned' });
    const probed = (await probe({ ...base, label: 'check' })) as { addresses: Record<string, string[]> };
    expect(probed.addresses['dynamodb.us-east-1']).toEqual(['10.10.0.11', '10.10.0.12']);

    const events = await lab.deps().events.list('entry');
    expect(events.map((e) => `${e.actor}:${e.step}:${e.outcome}`)).toContain('az-b:apply:applied');
  });

  it('rejects a malformed event with one sentence naming the fields, and records the failure in the run', async () => {
    const { handler: enactor } = await import('../../lambdas/enactor/handler.ts');
    await expect(enactor({ runId: 'bad-input', enactor: 'az-z', step: 'apply' })).rejects.toThrow(/enactor input is invalid: .*enactor/);
    const events = await lab.deps().events.list('bad-input');
    expect(events).toEqual([
      expect.objectContaining({ actor: 'az-z', step: 'apply', outcome: 'failed', detail: expect.stringContaining('enactor input is invalid') }),
    ]);
  });
});

// The empty-plan scenario: a Planner fault writes a plan with every load
// balancer at weight 0. never-empty's apply-side check refuses it; without it,
// Route 53 itself rejects the alias to an empty tree. DNS keeps answering.
import { afterAll, describe, expect, it } from 'vitest';
import type { Safeguard } from '../../lambdas/core/safeguards/index.ts';
import { reportOf } from '../../scenario/run-report.ts';
import { startEmbeddedLab, type EmbeddedLab } from '../../local/embedded-lab.ts';
import { runScenarioEmbedded } from '../../local/run-embedded.ts';
import { loadScenario } from '../../scenario/files.ts';

let lab: EmbeddedLab | undefined;
afterAll(() => lab?.close());

describe('empty-plan on the embedded target', () => {
  it.each<[Safeguard[], string]>([
    [[], 'gave-up'],
    [['never-empty'], 'refused'],
  ])('with %j, az-a ends %s on g2 and the story plays out', async (safeguards, ending) => {
    await lab?.close();
    lab = await startEmbeddedLab();
    const scenario = await loadScenario('empty-plan');
    const run = await runScenarioEmbedded(lab, scenario, { runId: `empty-plan-${ending}`, safeguards });
    const report = reportOf({ scenario, safeguards, seed: scenario.seed, latency: {} }, { target: 'local', runId: `empty-plan-${ending}` }, run.events);
    expect(run.failure).toBeUndefined();
    expect(report).toMatchObject({ outcome: 'healthy', asExpected: true, story: { played: true } });
    const azA = run.events.filter((event) => event.actor === 'az-a' && event.step === 'apply');
    expect(azA.at(-1)).toMatchObject({ outcome: ending, generation: 2 });
    expect(run.events.some((event) => event.outcome === 'applied' && event.generation === 2)).toBe(false);
  });
});

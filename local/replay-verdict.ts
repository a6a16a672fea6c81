// A scenario played once on a fresh embedded lab, for its verdict alone: how
// `racelab explore` shows that the counterexample it wrote replays as found.
import type { Safeguard } from '../lambdas/core/safeguards/index.ts';
import { computeVerdict } from '../lambdas/core/verdict.ts';
import type { Scenario } from '../scenario/schema.ts';
import { startEmbeddedLab } from './embedded-lab.ts';
import { runScenarioEmbedded } from './run-embedded.ts';

export async function replayVerdict(scenario: Scenario, safeguards: Safeguard[]): Promise<{ outcome: string; expected: string }> {
  const lab = await startEmbeddedLab();
  try {
    const { events } = await runScenarioEmbedded(lab, scenario, { runId: 'explore-replay', safeguards });
    return { outcome: computeVerdict(events).outcome, expected: scenario.expect.outcome };
  } finally {
    await lab.close();
  }
}

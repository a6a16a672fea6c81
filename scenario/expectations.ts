// What a scenario expects of a run with a given set of safeguards: the
// outcome, and the story (the key events, in order) when the file tells one.
import type { Safeguard } from '../lambdas/core/safeguards/index.ts';
import type { Outcome } from '../lambdas/core/verdict.ts';
import type { Scenario, StoryLine } from './schema.ts';

/** Healthy if any safeguard on is expected to make the scenario healthy; the baseline outcome otherwise. */
export function expectedOutcome(scenario: Scenario, safeguards: readonly Safeguard[]): Outcome {
  return safeguards.some((name) => scenario.expect.safeguards[name]?.outcome === 'healthy') ? 'healthy' : scenario.expect.outcome;
}

/** The safeguards any one of which turns the outcome healthy. */
export function healthyWith(scenario: Scenario): Safeguard[] {
  return (Object.keys(scenario.expect.safeguards) as Safeguard[]).filter((name) => scenario.expect.safeguards[name]?.outcome === 'healthy');
}

/**
 * The story a run with these safeguards should tell: the baseline's with none,
 * that safeguard's with one. A combination, or a case the file tells no story
 * for, is judged on its outcome alone (undefined).
 */
export function expectedStory(scenario: Scenario, safeguards: readonly Safeguard[]): StoryLine[] | undefined {
  const lines = safeguards.length === 0 ? scenario.expect.story : safeguards.length === 1 ? scenario.expect.safeguards[safeguards[0]!]?.story : undefined;
  return lines?.length ? lines : undefined;
}

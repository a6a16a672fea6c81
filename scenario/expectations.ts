// What a scenario expects of a run with a given set of safeguards: the
// outcome, and the story (the key events, in order) when the file tells one.
import type { Safeguard } from '../lambdas/core/safeguards/index.ts';
import type { CascadeLever } from '../lambdas/core/cascade/settings.ts';
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
export function expectedStory(scenario: Scenario, safeguards: readonly Safeguard[], levers: readonly CascadeLever[] = []): StoryLine[] | undefined {
  const lines =
    levers.length > 0
      ? safeguards.length === 0 && levers.length === 1
        ? scenario.expect.levers[levers[0]!]?.story
        : undefined
      : safeguards.length === 0
        ? scenario.expect.story
        : safeguards.length === 1
          ? scenario.expect.safeguards[safeguards[0]!]?.story
          : undefined;
  return lines?.length ? lines : undefined;
}

/**
 * What the cascade should do in a run: the scenario's expectation with no
 * lever, or that lever's alone, when no safeguard is on (a safeguard that
 * keeps the race from emptying the endpoint leaves the cascade nothing to do).
 */
export function expectedCascade(
  scenario: Scenario,
  safeguards: readonly Safeguard[],
  levers: readonly CascadeLever[],
): { metastable: boolean; recovered: boolean } | undefined {
  if (!scenario.cascade || safeguards.length) return undefined;
  if (levers.length === 0) return scenario.expect.cascade;
  const entry = levers.length === 1 ? scenario.expect.levers[levers[0]!] : undefined;
  return entry ? { metastable: entry.metastable, recovered: entry.recovered } : undefined;
}

// The order of a counterexample's replay: the order its scenario scripts (each
// step's second), and the order a run's events show. A run keeps the
// counterexample's order when the two are the same. Also the scenario with its
// seconds taken away, and with its gates taken away, to show which of the two
// holds the order.
import { DEFAULT_BOUNDS, type ExplorerConfig } from '../../explorer/config.ts';
import { counterexampleReport, counterexampleScenario, endsStep, readableCounterexample } from '../../explorer/counterexample.ts';
import { exhaustive } from '../../explorer/search.ts';
import type { RunEvent } from '../../lambdas/core/events.ts';
import { ACTORS, type Scenario, type Step } from '../../scenario/schema.ts';

/** The baseline's shortest `answers` counterexample at explore's default bounds, as the scenario explore writes. */
export async function baselineCounterexample(): Promise<{ config: ExplorerConfig; scenario: Scenario }> {
  const config: ExplorerConfig = { ...DEFAULT_BOUNDS, safeguards: [] };
  const result = await exhaustive(config, { stopOn: ['answers'] });
  const counterexample = await readableCounterexample(config, result.violations.answers!);
  const { report, execution } = await counterexampleReport(config, counterexample);
  return { config, scenario: await counterexampleScenario(config, counterexample, execution, report.outcome) };
}

const label = (actor: string, step: string, endpoint?: string) => [actor, step, endpoint].filter(Boolean).join(' ');

/** The steady state's steps: the Planner's g1 and the one Enactor that runs a whole cycle (`run`). */
function steadyActor(scenario: Scenario): string {
  return ACTORS.find((actor) => (scenario.timeline[actor] as Step[]).some((step) => step.do === 'run'))!;
}

/** The race's steps in the counterexample's order (their seconds), one line each; a burst of n plans is n lines. */
export function scriptedOrder(scenario: Scenario): string[] {
  const steps = ACTORS.flatMap((actor) =>
    (scenario.timeline[actor] as Step[]).flatMap((step) => {
      if (step.do === 'run' || (actor === 'planner' && step.at === 0)) return [];
      const times = step.do === 'plan' ? step.count : 1;
      return Array.from({ length: times }, () => ({ at: step.at, line: label(actor, step.do, 'endpoint' in step ? step.endpoint : undefined) }));
    }),
  );
  return steps.sort((a, b) => a.at - b.at).map((step) => step.line);
}

/**
 * The race's steps in the order a run's events show them: each step's last event (a plan written; what ended an
 * Enactor's step), by time. Events of the same millisecond go in the scripted order: a tie is not a reversal.
 */
export function replayedOrder(scenario: Scenario, events: readonly RunEvent[]): string[] {
  const steady = steadyActor(scenario);
  const steadyEnd = events.findIndex((event) => event.actor === steady && event.step === 'cleanup' && event.outcome === 'cleaned');
  const ends = events.filter(
    (event, i) =>
      (event.actor === 'planner' ? event.outcome === 'written' && event.generation !== 1 : endsStep(event)) && !(event.actor === steady && i <= steadyEnd),
  );
  const scripted = scriptedOrder(scenario);
  const seen = new Map<string, number>();
  const placed = ends.map((event) => {
    const line = label(event.actor, event.step, event.endpoint);
    const nth = seen.get(line) ?? 0;
    seen.set(line, nth + 1);
    const index = scripted.findIndex((scriptedLine, i) => scriptedLine === line && scripted.slice(0, i).filter((l) => l === line).length === nth);
    return { at: event.at, index: index < 0 ? Infinity : index, line };
  });
  return placed.sort((a, b) => a.at - b.at || a.index - b.index).map((step) => step.line);
}

/** Every step at second 0: the seconds give the order no help, so only gates can keep it. */
export function withoutSeconds(scenario: Scenario): Scenario {
  const copy = structuredClone(scenario);
  for (const actor of ACTORS) for (const step of copy.timeline[actor] as Step[]) step.at = 0;
  return copy;
}

/** The control: no gates, so nothing but the seconds keeps the order. */
export function withoutGates(scenario: Scenario): Scenario {
  const copy = structuredClone(scenario);
  for (const actor of ACTORS) for (const step of copy.timeline[actor] as Step[]) delete step.after;
  return copy;
}

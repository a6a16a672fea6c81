// What the cascade's tick handlers share: their settings from the Task's
// input, and the one event each records per tick (its phase and figures).
import type { CascadeSettings } from './core/cascade/settings.ts';
import { makeRecorder, type CascadeActor, type EventOutcome } from './core/events.ts';
import type { LabDeps } from './deps.ts';
import type { ExecutionInput } from './task-input.ts';

export function cascadeOf(input: ExecutionInput, task: string): CascadeSettings {
  const { cascade } = input.settings;
  if (!cascade) throw new Error(`${task} input has no settings.cascade: the scenario has no cascade section`);
  return cascade;
}

/** A tick's event: its phase as the outcome, its note (an alarm, a recovery) as the detail, which operator steps' gates match. */
export function recordTick(
  deps: LabDeps,
  input: ExecutionInput,
  actor: CascadeActor,
  result: { phase: EventOutcome; note?: string },
  metrics: Record<string, number>,
) {
  return makeRecorder(
    deps.events,
    deps.clock,
    input.runId,
    actor,
  )({ step: 'tick', outcome: result.phase, ...(result.note ? { detail: result.note } : {}), metrics });
}

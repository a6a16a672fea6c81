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

export function recordTick(deps: LabDeps, input: ExecutionInput, actor: CascadeActor, outcome: EventOutcome, metrics: Record<string, number>) {
  return makeRecorder(deps.events, deps.clock, input.runId, actor)({ step: 'tick', outcome, metrics });
}

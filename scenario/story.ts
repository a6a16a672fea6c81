// Whether a run told its scenario's story: each line's event must appear, in
// the story's order (each after the one before), and after the race began. An
// outcome can match by accident; the story says the race itself played out as
// written.
import { matchesPattern } from '../lambdas/core/event-pattern.ts';
import { byTime, type RunEvent } from '../lambdas/core/events.ts';
import type { StoryLine } from './schema.ts';

export interface StoryLineResult {
  says: string;
  seen: boolean;
  /** When the matching event happened, ms after the first event of the run. */
  atMs?: number;
}

export interface StoryResult {
  played: boolean;
  lines: StoryLineResult[];
}

/**
 * Every scenario begins from an empty zone and an Enactor's first apply (the
 * steady state); before that an endpoint answers nothing because nothing was
 * ever applied, which no story means. So the race begins with the first
 * event that wrote an endpoint: no story line is looked for before it.
 */
export function raceBeginsAt(ordered: readonly RunEvent[]): number {
  const first = ordered.findIndex((event) => event.step === 'apply' && (event.outcome === 'applied' || event.outcome === 'self-heal'));
  return first < 0 ? ordered.length : first;
}

export function checkStory(events: readonly RunEvent[], story: readonly StoryLine[]): StoryResult {
  const ordered = [...events].sort(byTime);
  const startedAt = ordered[0]?.at ?? 0;
  let from = raceBeginsAt(ordered);
  const lines = story.map((line): StoryLineResult => {
    const index = ordered.findIndex((event, i) => i >= from && matchesPattern(event, line.event));
    // A missing line does not move the cursor: later lines are still looked for after the last one seen.
    if (index < 0) return { says: line.says, seen: false };
    from = index + 1;
    return { says: line.says, seen: true, atMs: ordered[index]!.at - startedAt };
  });
  return { played: lines.every((line) => line.seen), lines };
}

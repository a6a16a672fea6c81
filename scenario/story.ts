// Whether a run told its scenario's story: each line's event must appear, in
// the story's order (each after the one before). An outcome can match by
// accident; the story says the race itself played out as written.
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

export function checkStory(events: readonly RunEvent[], story: readonly StoryLine[]): StoryResult {
  const ordered = [...events].sort(byTime);
  const startedAt = ordered[0]?.at ?? 0;
  let from = 0;
  const lines = story.map((line): StoryLineResult => {
    const index = ordered.findIndex((event, i) => i >= from && matchesPattern(event, line.event));
    // A missing line does not move the cursor: later lines are still looked for after the last one seen.
    if (index < 0) return { says: line.says, seen: false };
    from = index + 1;
    return { says: line.says, seen: true, atMs: ordered[index]!.at - startedAt };
  });
  return { played: lines.every((line) => line.seen), lines };
}

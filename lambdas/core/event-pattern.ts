// A pattern over run events. One idea serves three purposes: what a gated
// step waits for, what ends a fault, and each line of a scenario's story.
// Every field given must match; `outcome` may list several (any of them).
// A gate may list several patterns: any one opens it.
import type { EventOutcome, RunEvent } from './events.ts';

export interface EventPattern {
  actor: string;
  step?: string;
  outcome?: EventOutcome | EventOutcome[];
  generation?: number;
  endpoint?: string;
  /** An `applied` event's previous generation on that endpoint. */
  over?: number;
  /** Exact detail text, e.g. a scripted probe's label. */
  detail?: string;
}

/** The fields a pattern compares one to one with an event's (outcome aside, which may list several). */
export const EXACT_PATTERN_FIELDS = ['actor', 'step', 'generation', 'endpoint', 'over', 'detail'] as const;

export function outcomesOf(pattern: EventPattern): EventOutcome[] | undefined {
  if (pattern.outcome === undefined) return undefined;
  return Array.isArray(pattern.outcome) ? pattern.outcome : [pattern.outcome];
}

export function matchesPattern(event: RunEvent, pattern: EventPattern): boolean {
  for (const field of EXACT_PATTERN_FIELDS) {
    if (pattern[field] !== undefined && event[field] !== pattern[field]) return false;
  }
  const outcomes = outcomesOf(pattern);
  return outcomes === undefined || outcomes.includes(event.outcome);
}

/** A gate's events: one pattern, or a list of which any one matching opens the gate. */
export type EventPatterns = EventPattern | readonly EventPattern[];

export function patternList(patterns: EventPatterns): readonly EventPattern[] {
  return Array.isArray(patterns) ? patterns : [patterns as EventPattern];
}

export function matchesAny(event: RunEvent, patterns: EventPatterns): boolean {
  return patternList(patterns).some((pattern) => matchesPattern(event, pattern));
}

export function hasHappened(events: readonly RunEvent[], pattern: EventPattern): boolean {
  return events.some((event) => matchesPattern(event, pattern));
}

/** One line for people: "az-b apply applied g6 on dynamodb.us-east-1.api". */
export function describePattern(pattern: EventPattern): string {
  const outcomes = outcomesOf(pattern);
  const parts = [
    pattern.actor,
    pattern.step,
    outcomes && outcomes.join('|'),
    pattern.generation !== undefined && `g${pattern.generation}`,
    pattern.over !== undefined && `over g${pattern.over}`,
    pattern.endpoint !== undefined && `on ${pattern.endpoint}`,
    pattern.detail !== undefined && `"${pattern.detail}"`,
  ];
  return parts.filter(Boolean).join(' ');
}

/** A gate's patterns for people: "az-b apply applied g6 on dynamodb.us-east-1.api or az-b apply stale". */
export function describePatterns(patterns: EventPatterns): string {
  return patternList(patterns).map(describePattern).join(' or ');
}

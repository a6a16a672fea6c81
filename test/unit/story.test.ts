// Event patterns (what gates wait for, what ends a fault, each line of a
// story), the story check of the verdict, and the digest of an event log.
import { describe, expect, it } from 'vitest';
import { describePattern, matchesPattern } from '../../lambdas/core/event-pattern.ts';
import type { RunEvent } from '../../lambdas/core/events.ts';
import { eventsDigest } from '../../scenario/run-report.ts';
import { checkStory } from '../../scenario/story.ts';

const event = (at: number, fields: Omit<RunEvent, 'runId' | 'at'>): RunEvent => ({ runId: 'r', at, ...fields });
const start = event(1000, { actor: 'racelab', step: 'start', outcome: 'scheduled' });
const steady = event(2000, { actor: 'az-c', step: 'apply', outcome: 'applied', generation: 1, endpoint: 'dynamodb.us-east-1' });
const stale = event(13_000, { actor: 'az-a', step: 'apply', outcome: 'applied', generation: 2, over: 6, endpoint: 'dynamodb.us-east-1', detail: 'over g6' });
const deleted = event(18_000, { actor: 'az-b', step: 'cleanup', outcome: 'deleted', generation: 2 });
const empty = event(19_000, { actor: 'probe', step: 'probe', outcome: 'empty', detail: 't+18s', addresses: { 'dynamodb.us-east-1': [] } });
const earlyEmpty = event(1000, { actor: 'probe', step: 'probe', outcome: 'empty', detail: 't+0s', addresses: { 'dynamodb.us-east-1': [] } });

describe('event patterns', () => {
  it('match when every field given matches, and any of several outcomes', () => {
    expect(matchesPattern(stale, { actor: 'az-a' })).toBe(true);
    expect(matchesPattern(stale, { actor: 'az-a', step: 'apply', outcome: 'applied', generation: 2, over: 6, endpoint: 'dynamodb.us-east-1' })).toBe(true);
    expect(matchesPattern(stale, { actor: 'az-a', over: 5 })).toBe(false);
    expect(matchesPattern(stale, { actor: 'az-b' })).toBe(false);
    expect(matchesPattern(stale, { actor: 'az-a', outcome: ['stale', 'applied'] })).toBe(true);
    expect(matchesPattern(stale, { actor: 'az-a', outcome: ['stale', 'cleaned'] })).toBe(false);
    expect(matchesPattern(empty, { actor: 'probe', detail: 't+18s' })).toBe(true);
  });

  it('read as one line', () => {
    expect(describePattern({ actor: 'az-b', step: 'apply', outcome: 'applied', generation: 6, endpoint: 'dynamodb.us-east-1.api' })).toBe(
      'az-b apply applied g6 on dynamodb.us-east-1.api',
    );
    expect(describePattern({ actor: 'az-a', outcome: ['cleaned', 'stale'] })).toBe('az-a cleaned|stale');
  });
});

describe('the story check', () => {
  const story = [
    { says: 'the stale plan lands', event: { actor: 'az-a', outcome: 'applied' as const, generation: 2 } },
    { says: 'clean-up deletes it', event: { actor: 'az-b', outcome: 'deleted' as const, generation: 2 } },
    { says: 'the answers go empty', event: { actor: 'probe', outcome: 'empty' as const } },
  ];

  it('sees each line in order, with its time after the first event', () => {
    expect(checkStory([start, earlyEmpty, steady, stale, deleted, empty], story)).toEqual({
      played: true,
      lines: [
        { says: 'the stale plan lands', seen: true, atMs: 12_000 },
        { says: 'clean-up deletes it', seen: true, atMs: 17_000 },
        { says: 'the answers go empty', seen: true, atMs: 18_000 },
      ],
    });
  });

  it('does not count an event that came before the line before it: the story is about order', () => {
    // The only empty answer is the one before anything was applied.
    const result = checkStory([start, earlyEmpty, steady, stale, deleted], story);
    expect(result.played).toBe(false);
    expect(result.lines.map((line) => line.seen)).toEqual([true, true, false]);
    // Clean-up before the stale write: the story did not play, though both events happened.
    const reversed = checkStory([start, steady, { ...deleted, at: 5000 }, stale, empty], story);
    expect(reversed.lines.map((line) => line.seen)).toEqual([true, false, true]);
  });

  it('looks for no line before the race began: the first apply that wrote an endpoint', () => {
    // A self-heal story whose first lines never happened: the empty answer from before
    // anything was applied must not count as "the endpoints go empty".
    const selfHeal = [
      { says: 'the stale plan lands', event: { actor: 'az-a', outcome: 'applied' as const, generation: 2 } },
      { says: 'the answers go empty', event: { actor: 'probe', outcome: 'empty' as const } },
      { says: 'every endpoint answers again', event: { actor: 'probe', outcome: 'answering' as const } },
    ];
    const answering = event(3000, { actor: 'probe', step: 'probe', outcome: 'answering', detail: 't+2s', addresses: { 'dynamodb.us-east-1': ['10.0.0.1'] } });
    const result = checkStory([start, earlyEmpty, steady, answering], selfHeal);
    expect(result.lines.map((line) => line.seen)).toEqual([false, false, true]);
    expect(result.lines[2]!.atMs).toBe(2000);
    // Nothing applied at all: no line is seen, however well the events match.
    expect(checkStory([start, earlyEmpty], selfHeal).lines.map((line) => line.seen)).toEqual([false, false, false]);
  });
});

describe('the events digest', () => {
  const log = [start, stale, deleted, empty];

  it('depends on what happened and when, relative to the start, not on the run id or the wall clock', () => {
    const elsewhere = log.map((e) => ({ ...e, runId: 'other', at: e.at + 3_600_000 }));
    expect(eventsDigest(elsewhere)).toBe(eventsDigest(log));
    expect(eventsDigest([...log].reverse())).toBe(eventsDigest(log));
  });

  it('changes with any time, actor, outcome, generation or detail', () => {
    const digest = eventsDigest(log);
    expect(eventsDigest([start, { ...stale, at: stale.at + 1 }, deleted, empty])).not.toBe(digest);
    expect(eventsDigest([start, { ...stale, generation: 3 }, deleted, empty])).not.toBe(digest);
    expect(eventsDigest([start, stale, { ...deleted, outcome: 'kept' }, empty])).not.toBe(digest);
    expect(eventsDigest([start, stale, deleted, { ...empty, detail: 't+19s' }])).not.toBe(digest);
  });
});

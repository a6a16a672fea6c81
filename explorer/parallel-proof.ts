// The exhaustive search on every core: one depth-first search per thread, all
// sharing one table of seen states in shared memory. The first thread starts at
// the root; a thread with nothing to do says so, and a busy one gives it the
// branch nearest the root of its own stack, which it replays and explores. A
// state is claimed once, and its claimer explores it, so together the threads
// cover what one thread covers, and `states` is the same number. Which thread
// meets a violation first depends on timing, so a search that breaks an
// invariant the caller keeps (`kept`) is made again in one thread, for the same
// counterexample on every run.
import type { Worker } from 'node:worker_threads';
import type { ExplorerConfig } from './config.ts';
import type { InvariantName } from './invariant-names.ts';
import type { ProofMessage, ProofRequest, WorkMessage } from './proof-worker.ts';
import { exhaustive, mergeViolations, type PendingWork, type SearchOptions, type SearchResult, type SearchStats } from './search.ts';
import { COUNTER, SharedTable, sharedTableMemory } from './visited-table.ts';
import { workerThread } from './worker-thread.ts';

/**
 * 2^23 slots (192 MB, touched only as it fills): 6.3 million states before the table is too full (the search
 * then says INCOMPLETE). protect-active at 3 × 3 × 4 takes 2.5 million.
 */
const CAPACITY_LOG2 = 23;

/** Limits a parallel search cannot honour: hooks that run in this thread, and a state budget per search. */
export function parallelizable(limits: SearchOptions): boolean {
  return (limits.threads ?? 1) > 1 && !limits.visitedStates && !limits.onNewState && limits.statesMax === undefined && limits.partialOrderReduction !== false;
}

export async function exhaustiveInParallel(config: ExplorerConfig, limits: SearchOptions): Promise<SearchResult> {
  if (!parallelizable(limits)) return exhaustive(config, limits);
  const started = performance.now();
  const memory = sharedTableMemory(CAPACITY_LOG2);
  const table = new SharedTable(memory);
  const threads = Math.max(2, limits.threads ?? 2);
  const workers = Array.from({ length: threads }, () => workerThread(import.meta.url, 'proof-worker'));
  const progressEveryMs = limits.progressEveryMs ?? 1000;
  let reported = started;
  const watch = setInterval(
    () => {
      if (limits.shouldStop?.()) Atomics.store(table.counters, COUNTER.stop, 1);
      if (performance.now() - reported < progressEveryMs) return;
      reported = performance.now();
      const states = Atomics.load(table.counters, COUNTER.states);
      const elapsedMs = reported - started;
      limits.onProgress?.({ phase: 'exhaustive', threads, depth: 0, schedules: 0, states, steps: 0, elapsedMs, complete: false });
    },
    Math.min(progressEveryMs, 200),
  );
  let results: SearchResult[];
  // Branches given and not yet taken, and the threads waiting for one.
  const queue: PendingWork[] = [];
  const waiting: Worker[] = [];
  let over = false;
  const setWaiting = () => Atomics.store(table.counters, COUNTER.idle, waiting.length);
  const end = () => {
    over = true;
    for (const worker of waiting.splice(0)) worker.postMessage({ work: undefined } satisfies WorkMessage);
    setWaiting();
  };
  try {
    results = await Promise.all(
      workers.map(
        (worker, index) =>
          new Promise<SearchResult>((resolve, reject) => {
            worker.on('message', (message: ProofMessage) => {
              if ('error' in message) return reject(new Error(`proof thread ${index + 1}: ${message.error}`));
              if ('result' in message) {
                // One stopping early (told to stop on a violation, a full table, Ctrl-C) ends the search for all.
                if (!message.result.stats.complete) end();
                return resolve(message.result);
              }
              if ('give' in message) {
                const taker = waiting.shift();
                if (taker) taker.postMessage({ work: message.give } satisfies WorkMessage);
                else queue.push(message.give);
                return setWaiting();
              }
              // Idle: the next branch given, or, once every thread is idle with nothing given, the end.
              const next = over ? undefined : queue.shift();
              if (next || over) worker.postMessage({ work: next } satisfies WorkMessage);
              else waiting.push(worker);
              if (!over && waiting.length === workers.length) end();
              setWaiting();
            });
            worker.once('error', reject);
            const request: ProofRequest = { config, memory, root: index === 0, symmetry: limits.symmetry !== false, stopOn: limits.stopOn?.slice() };
            worker.postMessage(request);
          }),
      ),
    );
  } finally {
    clearInterval(watch);
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  const merged = mergeViolations(results.map((result) => result.violations));
  const violations = Object.fromEntries(Object.entries(merged).filter(([name]) => limits.kept?.includes(name as InvariantName) ?? true));
  // Which thread met a violation first depends on timing: search again in one thread, for a counterexample that does not.
  if (Object.keys(violations).length > 0 && !limits.shouldStop?.()) {
    const again = await exhaustive(config, { ...limits, threads: 1 });
    return { ...again, stats: { ...again.stats, elapsedMs: performance.now() - started } };
  }
  const sum = (pick: (stats: SearchStats) => number) => results.reduce((total, result) => total + pick(result.stats), 0);
  const stats: SearchStats = {
    phase: 'exhaustive',
    threads,
    depth: 0,
    schedules: sum((s) => s.schedules),
    states: sum((s) => s.states),
    steps: sum((s) => s.steps),
    elapsedMs: performance.now() - started,
    complete: results.every((result) => result.stats.complete) && !table.full,
  };
  return { config, stats, violations };
}

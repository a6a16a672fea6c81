// One thread of a parallel exhaustive search (explorer/parallel-proof.ts): the
// same depth-first search as in one thread, over the shared table of seen
// states. It gives a branch to an idle thread when asked, and asks for one when
// its own are done.
import { parentPort } from 'node:worker_threads';
import type { ExplorerConfig } from './config.ts';
import type { InvariantName } from './invariant-names.ts';
import { exhaustive, type PendingWork } from './search.ts';
import { COUNTER, SharedTable, type SharedTableMemory } from './visited-table.ts';

export interface ProofRequest {
  config: ExplorerConfig;
  memory: SharedTableMemory;
  /** The thread that starts at the root; the others start idle. */
  root: boolean;
  symmetry: boolean;
  stopOn?: InvariantName[];
}

/** From a thread to the coordinator. */
export type ProofMessage = { give: PendingWork } | { idle: true } | { result: Awaited<ReturnType<typeof exhaustive>> } | { error: string };
/** From the coordinator to a thread: a branch to explore, or none (the search is over). */
export type WorkMessage = { work?: PendingWork };

const port = parentPort!;
const send = (message: ProofMessage) => port.postMessage(message);

port.once('message', (request: ProofRequest) => {
  const table = new SharedTable(request.memory);
  const counters = table.counters;
  const takeMore = () =>
    new Promise<PendingWork | undefined>((resolve) => {
      port.once('message', (message: WorkMessage) => resolve(message.work));
      send({ idle: true });
    });
  // Some thread is idle: give, at most every 20 ms (the coordinator updates the count when the branch arrives).
  let gaveAt = 0;
  const wanted = () => {
    if (Atomics.load(counters, COUNTER.idle) === 0 || performance.now() - gaveAt < 20) return false;
    gaveAt = performance.now();
    return true;
  };
  const work = { start: request.root ? [{ path: [], sleep: 0 }] : [], takeMore, wanted, give: (given: PendingWork) => send({ give: given }) };
  const stopped = () => Atomics.load(counters, COUNTER.stop) === 1;
  exhaustive(request.config, { table, work, symmetry: request.symmetry, stopOn: request.stopOn, shouldStop: stopped }).then(
    (result) => {
      // A thread that stops early (a violation it was told to stop on, a full table) stops the others.
      if (!result.stats.complete) Atomics.store(counters, COUNTER.stop, 1);
      send({ result });
    },
    (error: Error) => send({ error: error.stack ?? error.message }),
  );
});

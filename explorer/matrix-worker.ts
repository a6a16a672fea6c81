// A worker thread of the matrix (explorer/matrix-pool.ts): it runs the searches it is
// sent, one at a time, says how far each has got, and stops the one under way
// when told (Ctrl-C).
import { parentPort } from 'node:worker_threads';
import type { ExplorerConfig } from './config.ts';
import type { SearchOptions, SearchStats } from './search.ts';
import { runSearch, type SearchPlan } from './search-plan.ts';

/** The limits a search in a worker thread can be sent: plain data only. */
export type CellLimits = Pick<SearchOptions, 'symmetry' | 'literalTokens' | 'stopOn'>;

export type WorkerRequest =
  { search: { index: number; config: ExplorerConfig; plan: SearchPlan; limits: CellLimits; progressEveryMs: number } } | { stop: true };

let stopped = false;
parentPort!.on('message', (request: WorkerRequest) => {
  if ('stop' in request) {
    stopped = true;
    return;
  }
  const { index, config, plan, limits, progressEveryMs } = request.search;
  const onProgress = ({ phase, states }: SearchStats) => parentPort!.postMessage({ index, progress: { phase, states } });
  runSearch(config, plan, { ...limits, shouldStop: () => stopped, onProgress, progressEveryMs }).then(
    (found) => parentPort!.postMessage({ index, found }),
    (error: Error) => parentPort!.postMessage({ index, error: error.stack ?? error.message }),
  );
});

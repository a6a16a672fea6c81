// A worker thread of the matrix (cli/matrix-pool.ts): it runs the searches it is
// sent, one at a time, and stops the one under way when told (Ctrl-C).
import { parentPort } from 'node:worker_threads';
import type { ExplorerConfig } from '../explorer/config.ts';
import { runSearch, type SearchPlan } from './explorer-search.ts';

export type WorkerRequest = { search: { index: number; config: ExplorerConfig; plan: SearchPlan; symmetry: boolean } } | { stop: true };

let stopped = false;
parentPort!.on('message', (request: WorkerRequest) => {
  if ('stop' in request) {
    stopped = true;
    return;
  }
  const { index, config, plan, symmetry } = request.search;
  runSearch(config, plan, { symmetry, shouldStop: () => stopped }).then(
    (found) => parentPort!.postMessage({ index, found }),
    (error: Error) => parentPort!.postMessage({ index, error: error.stack ?? error.message }),
  );
});

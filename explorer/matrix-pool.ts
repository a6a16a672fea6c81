// The matrix's cells are independent searches: they run in worker threads, one
// per core, so the table takes the time of the cells divided by the cores. Each
// cell's result is the same as in one thread (the searches count work, not time).
import { availableParallelism } from 'node:os';
import type { ExplorerConfig } from './config.ts';
import { workerThread } from './worker-thread.ts';
import type { SearchStats } from './search.ts';
import type { Found, SearchPlan } from './search-plan.ts';
import type { CellLimits, WorkerRequest } from './matrix-worker.ts';

/** How often the matrix says how far the cells under way have got: a cell at 3 × 3 can search for minutes. */
export const MATRIX_PROGRESS_EVERY_MS = 10_000;

export type CellProgress = Pick<SearchStats, 'phase' | 'states'>;

export interface PoolOptions {
  plan: SearchPlan;
  limits: CellLimits;
  /** Called as each cell finishes (progress). */
  onDone?: (index: number, found: Found) => void;
  /** Called now and then while a cell searches (every `progressEveryMs`, default 10 s): its phase and the states it has visited so far. */
  onProgress?: (index: number, progress: CellProgress) => void;
  progressEveryMs?: number;
  /** Polled every 100 ms: true stops the searches under way, which then report what they covered. */
  shouldStop?: () => boolean;
  threads?: number;
}

/** Runs every config's search; the results come back in the configs' order. Cells not started when stopped are left out. */
export async function searchAll(configs: readonly ExplorerConfig[], options: PoolOptions): Promise<Found[]> {
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), configs.length));
  const results: (Found | undefined)[] = [];
  let next = 0;
  let stopping = false;
  const workers = Array.from({ length: threads }, () => workerThread(import.meta.url, 'matrix-worker'));
  const watch = setInterval(() => {
    if (stopping || !options.shouldStop?.()) return;
    stopping = true;
    for (const worker of workers) worker.postMessage({ stop: true } satisfies WorkerRequest);
  }, 100);
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const send = () => {
              if (stopping || next >= configs.length) return resolve();
              const index = next++;
              const { plan, limits, progressEveryMs = MATRIX_PROGRESS_EVERY_MS } = options;
              worker.postMessage({ search: { index, config: configs[index]!, plan, limits, progressEveryMs } } satisfies WorkerRequest);
            };
            worker.on('message', (message: { index: number; found?: Found; progress?: CellProgress; error?: string }) => {
              if (message.error !== undefined) return reject(new Error(`matrix cell ${message.index + 1}: ${message.error}`));
              if (message.progress) return options.onProgress?.(message.index, message.progress);
              results[message.index] = message.found!;
              options.onDone?.(message.index, message.found!);
              send();
            });
            worker.on('error', reject);
            send();
          }),
      ),
    );
  } finally {
    clearInterval(watch);
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return results.filter((found): found is Found => found !== undefined);
}

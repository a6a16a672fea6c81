// The matrix's cells are independent searches: they run in worker threads, one
// per core, so the table takes the time of the cells divided by the cores. Each
// cell's result is the same as in one thread (the searches count work, not time).
import { availableParallelism } from 'node:os';
import type { ExplorerConfig } from '../explorer/config.ts';
import { workerThread } from '../explorer/worker-thread.ts';
import type { Found, SearchPlan } from './explorer-search.ts';
import type { WorkerRequest } from './matrix-worker.ts';

export interface PoolOptions {
  plan: SearchPlan;
  symmetry: boolean;
  /** Called as each cell finishes (progress). */
  onDone?: (index: number, found: Found) => void;
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
              worker.postMessage({ search: { index, config: configs[index]!, plan: options.plan, symmetry: options.symmetry } } satisfies WorkerRequest);
            };
            worker.on('message', (message: { index: number; found?: Found; error?: string }) => {
              if (message.error !== undefined) return reject(new Error(`matrix cell ${message.index + 1}: ${message.error}`));
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

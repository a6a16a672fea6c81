// Starting a worker thread on one of our modules, compiled or not: the compiled
// build (dist/) has the .js beside its caller; run from source (tests, the tsx
// fallback), the worker must load the TypeScript through tsx, which it does not
// inherit from its parent, so ts-worker.mjs registers tsx there first.
import { Worker } from 'node:worker_threads';

/** A worker running the module `name` that sits beside the caller (`from`: its import.meta.url). */
export function workerThread(from: string, name: string): Worker {
  if (!from.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, from));
  return new Worker(new URL('./ts-worker.mjs', import.meta.url), { workerData: { entry: new URL(`./${name}.ts`, from).href } });
}

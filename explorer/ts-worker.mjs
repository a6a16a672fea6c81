// A worker thread's entry when running from source (explorer/worker-thread.ts):
// a worker does not inherit its parent's loader, so it registers tsx, then loads
// the TypeScript module it was started for.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);

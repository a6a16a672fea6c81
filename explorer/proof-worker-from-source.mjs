// The proof worker run from source (tests, the tsx fallback): a worker does not
// inherit the parent's loader, so it registers tsx before loading the TypeScript.
import { register } from 'tsx/esm/api';

register();
await import(import.meta.resolve('./proof-worker.ts'));

// Time for the polling loops (execution, stack deletion), injectable so tests
// never really wait.
import { setTimeout as delay } from 'node:timers/promises';

export interface Pacing {
  now(): number;
  /** Resolves after `ms`, or early (without throwing) when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realPacing: Pacing = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    try {
      await delay(ms, undefined, { signal });
    } catch (error) {
      if ((error as Error).name !== 'AbortError') throw error;
    }
  },
};

import type { Clock } from '../core/ports.ts';

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Scenario time running faster than real time: one scenario second lasts
 * `msPerSecond` real milliseconds. The embedded target uses it so that the
 * state machine's Wait states and the Enactors' backoff shrink together.
 */
export class ScaledClock implements Clock {
  /** @param origin the real time (ms) at which scenario time and real time agree */
  constructor(
    private readonly msPerSecond: number,
    private readonly origin = Date.now(),
  ) {}

  now(): number {
    return this.origin + Math.round(((Date.now() - this.origin) * 1000) / this.msPerSecond);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, (ms * this.msPerSecond) / 1000));
  }
}

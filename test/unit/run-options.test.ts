// The options of `racelab run` and `up --scenario` that shape a simulated
// run: each bad value is refused with one sentence naming the option and what
// it takes (the CLI prints it and exits 2; test/e2e/cli.test.ts shows that).
import { describe, expect, it } from 'vitest';
import { parsePace, parseRunRequest } from '../../cli/local-run.ts';
import { UsageError } from '../../scenario/usage-error.ts';

const request = (options: Record<string, string>) => parseRunRequest('oct-2025', { safeguard: [], ...options });

describe('run options', () => {
  it('takes --latency as one number or MIN-MAX seconds, --cold-start and --latency-seed, as overrides of the scenario', async () => {
    expect((await request({})).latency).toEqual({});
    expect((await request({ latency: '0.5' })).latency).toEqual({ callSeconds: { min: 0.5, max: 0.5 } });
    expect((await request({ latency: '0-3', coldStart: '5', latencySeed: '7' })).latency).toEqual({
      callSeconds: { min: 0, max: 3 },
      coldStartSeconds: 5,
      seed: 7,
    });
  });

  it('refuses bad values, naming the option and what it takes', async () => {
    await expect(request({ latency: '3-1' })).rejects.toThrow(new UsageError('--latency: MIN must not be above MAX (got "3-1")'));
    await expect(request({ latency: 'fast' })).rejects.toThrow(
      '--latency must be seconds per call, one number or MIN-MAX, from 0 to 60, e.g. 0.05-0.3 (got "fast")',
    );
    await expect(request({ latency: '1-2-3' })).rejects.toThrow('--latency must be seconds per call');
    await expect(request({ coldStart: 'soon' })).rejects.toThrow('--cold-start must be a number of seconds from 0 to 60 (got "soon")');
    await expect(request({ latencySeed: '-1' })).rejects.toThrow('--latency-seed must be a whole number from 0 to 2147483647 (got "-1")');
    expect(() => parsePace({ pace: '0' })).toThrow('--pace must be a whole number from 1 to 10000 (got "0")');
    expect(() => parsePace({ pace: '100', json: true })).toThrow('--pace replays the timeline for people to watch; it has no effect with --json');
    expect(parsePace({ pace: '250' })).toBe(250);
  });
});

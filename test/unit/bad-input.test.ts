// Bad input, tried as a new user would: each gets one clear message naming the
// field or option and the fix (the CLI prints it and exits 2), never a run that
// fails later, a flood of follow-on errors, or silence.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { interruptedOutput, parseRunRequest } from '../../cli/local-run.ts';
import { parseSafeguards } from '../../cli/option-values.ts';
import { reportOf } from '../../scenario/run-report.ts';
import { loadScenario } from '../../scenario/files.ts';
import { parseScenario } from '../../scenario/schema.ts';

const octText = readFileSync('scenarios/oct-2025.json', 'utf8');
const oct = () => JSON.parse(octText) as Record<string, unknown> & { endpoints: string[]; timeline: Record<string, unknown[]> };
const problems = (data: unknown): string[] => {
  try {
    parseScenario(data, 'x.json');
  } catch (error) {
    return (error as Error).message.split('\n').slice(1);
  }
  return [];
};

describe('scenario files', () => {
  it('refuses an endpoint listed twice, at validation, in one line', () => {
    const scenario = oct();
    scenario.endpoints.push(scenario.endpoints[0]!);
    expect(problems(scenario)).toEqual(['  endpoints.3: "dynamodb.us-east-1" is listed twice; list each endpoint once']);
  });

  it('reports no endpoint, or a bad endpoint name, in one line, without follow-on errors for every step that names one', () => {
    expect(problems({ ...oct(), endpoints: [] })).toEqual(['  endpoints: Too small: expected array to have >=1 items']);
    const bad = oct();
    bad.endpoints[0] = 'Bad Name!';
    expect(problems(bad)).toEqual(['  endpoints.0: must be DNS labels: a-z, 0-9, "-" and "."']);
  });

  it('bounds every list: a 100,000-step timeline is refused at once', () => {
    const scenario = oct();
    scenario.timeline.planner = Array.from({ length: 100_000 }, (_, i) => ({ at: i % 3600, do: 'plan', count: 1 }));
    expect(problems(scenario)).toContain('  timeline.planner: Too big: expected array to have <=200 items');
  });

  it('shows the first 15 problems and says how many more there are', () => {
    const scenario = oct();
    scenario.timeline['az-c'] = Array.from({ length: 150 }, (_, i) => ({ at: 150 - i, do: 'run' }));
    const lines = problems(scenario);
    expect(lines).toHaveLength(16);
    expect(lines.at(-1)).toBe('  … and 134 more problems');
  });

  it('says why a file cannot be read, and hints at the name when a scenario of that name exists', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'racelab-'));
    await expect(loadScenario(dir)).rejects.toThrow(`cannot read scenario file ${dir}: it is a directory; give a .json file`);
    await expect(loadScenario(join(dir, 'nope.json'))).rejects.toThrow(`cannot read scenario file ${join(dir, 'nope.json')}: no such file`);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      await expect(loadScenario('oct-2025.json')).rejects.toThrow(
        'no such file here; to run the scenario of that name, give the name alone: racelab run oct-2025',
      );
    } finally {
      process.chdir(cwd);
    }
    const huge = join(dir, 'huge.json');
    writeFileSync(huge, ' '.repeat(2_000_000));
    await expect(loadScenario(huge)).rejects.toThrow('is 2.0 MB; a scenario file is a few kilobytes (at most 1 MB)');
    // A device or a pipe has no size to check first: it is read up to the bound, and no further.
    await expect(loadScenario('/dev/zero')).rejects.toThrow('/dev/zero is more than 1 MB long; a scenario file is a few kilobytes (at most 1 MB)');
  });
});

describe('options', () => {
  it('skips empty names between commas and names the unknown safeguard', () => {
    expect(() => parseSafeguards(['write-time-check,,bogus'])).toThrow('--safeguard "bogus" is not a safeguard');
    expect(parseSafeguards(['write-time-check,', ',self-heal'])).toEqual(['write-time-check', 'self-heal']);
  });

  it('refuses a scenario argument together with --from, even the default scenario named outright', async () => {
    await expect(parseRunRequest('oct-2025', { safeguard: [], from: 'counterexample.json' })).rejects.toThrow(
      'give the scenario either as an argument ("oct-2025") or with --from ("counterexample.json"), not both',
    );
  });
});

describe('an interrupted run', () => {
  it('prints no verdict when nothing was recorded yet, and JSON with --json', () => {
    expect(interruptedOutput(undefined, { runId: 'r-1' })).toBe('(interrupted before the run recorded any event: no timeline, and no verdict)\n');
    expect(JSON.parse(interruptedOutput(undefined, { runId: 'r-1', json: true }))).toEqual({ interrupted: true, runId: 'r-1', events: [] });
  });

  it('prints the part that ran, saying the verdict is of that part', async () => {
    const scenario = await loadScenario('oct-2025');
    const partial = reportOf({ scenario, safeguards: [], seed: 2025, latency: {} }, { target: 'local', runId: 'r-2' }, [
      { runId: 'r-2', at: 1000, actor: 'racelab', step: 'start', outcome: 'scheduled' },
      { runId: 'r-2', at: 1300, actor: 'planner', step: 'plan', outcome: 'written', generation: 1 },
    ]);
    expect(interruptedOutput(partial, { runId: 'r-2' })).toContain('(interrupted: the run did not finish, so the verdict above is of the part that ran)');
    expect(JSON.parse(interruptedOutput(partial, { runId: 'r-2', json: true }))).toMatchObject({
      interrupted: true,
      report: { runId: 'r-2', events: [{}, {}] },
    });
  });
});

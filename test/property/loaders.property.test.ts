// The two loaders of files users hand racelab, fed what fast-check makes:
// random JSON, random bytes, and a real saved run and scenarios/oct-2025.json
// with a few fields changed, deleted or swapped for other JSON. Every answer is
// a value or a UsageError / ScenarioError (the CLI's exit 2) with a message
// safe for a terminal; and a saved run that loads renders in every format
// (its schema leaves the renderers nothing to trip on).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderAfterAction, REPORT_FORMATS } from '../../report/after-action.ts';
import { renderTimeline } from '../../report/render-timeline.ts';
import { loadSavedRun } from '../../report/saved-run.ts';
import { UsageError } from '../../scenario/usage-error.ts';
import { loadScenario } from '../../scenario/files.ts';
import { ScenarioError } from '../../scenario/scenario-error.ts';
import { CONTROL_CHARACTERS } from '../support/control-characters.ts';
import { asSaved, outageReport, tempDir } from '../support/saved-runs.ts';

type Path = (string | number)[];

/** Every place in a JSON value, the value itself first. */
function placesIn(value: unknown, at: Path = [], into: Path[] = []): Path[] {
  into.push(at);
  if (Array.isArray(value)) value.forEach((item, i) => placesIn(item, [...at, i], into));
  else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) placesIn(item, [...at, key], into);
  return into;
}

type Change = { set: unknown } | { remove: true };

function changed(value: unknown, changes: { at: Path; change: Change }[]): unknown {
  let root = structuredClone(value);
  for (const { at, change } of changes) {
    if (at.length === 0) {
      root = 'set' in change ? structuredClone(change.set) : undefined;
      continue;
    }
    let parent = root as Record<string | number, unknown> | undefined;
    for (const key of at.slice(0, -1)) parent = typeof parent === 'object' && parent !== null ? (parent[key] as typeof parent) : undefined;
    if (typeof parent !== 'object' || parent === null) continue;
    const key = at.at(-1)!;
    // A copy: two changes may put the same value (fast-check's constants are shared) one inside the other.
    if ('set' in change) parent[key] = structuredClone(change.set);
    else if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  }
  return root;
}

/** Values a hand edit or a bad tool puts in: any JSON, and the edge cases of the bounds. */
const replacement: fc.Arbitrary<Change> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((set) => ({ set })),
  fc.constantFrom<Change>(
    { remove: true },
    { set: null },
    { set: 1e7 },
    { set: -1 },
    { set: 1e308 },
    { set: 0.5 },
    { set: '' },
    { set: 'x'.repeat(20_000) },
    { set: '\u001b[2J\u0007\u202e<script>\n%%{init}%%' },
    { set: [] },
    { set: {} },
  ),
);

const mutations = (original: unknown) =>
  fc
    .array(fc.record({ at: fc.constantFrom(...placesIn(original)), change: replacement }), { minLength: 1, maxLength: 3 })
    .map((changes) => changed(original, changes));

const dir = tempDir();
const file = join(dir, 'input.json');
const write = (content: string | Uint8Array | unknown) =>
  writeFileSync(file, typeof content === 'string' || content instanceof Uint8Array ? content : (JSON.stringify(content) ?? 'undefined'));

/** Loads the file: its value, or undefined when refused with a message fit for a terminal; any other error fails the property. */
async function answers(load: () => Promise<unknown>, refusal: new (...args: never[]) => Error): Promise<unknown> {
  try {
    return await load();
  } catch (error) {
    if (!(error instanceof refusal)) throw error;
    expect(error.message.length).toBeGreaterThan(0);
    expect(error.message).not.toMatch(CONTROL_CHARACTERS);
    return undefined;
  }
}

/** A saved run loads and renders in every format, or is refused with a UsageError. */
async function savedRunAnswers(content: unknown): Promise<void> {
  write(content);
  const report = (await answers(() => loadSavedRun(file), UsageError)) as Awaited<ReturnType<typeof loadSavedRun>> | undefined;
  if (!report) return;
  for (const format of REPORT_FORMATS) renderAfterAction(report, format);
  renderTimeline(report);
}

async function scenarioAnswers(content: unknown): Promise<void> {
  write(content);
  await answers(() => loadScenario(file), ScenarioError);
}

let savedRun: unknown;
const scenario: unknown = JSON.parse(readFileSync('scenarios/oct-2025.json', 'utf8'));
beforeAll(async () => {
  savedRun = asSaved(await outageReport());
});

const RUNS = { numRuns: 300 };

describe('the saved-run and scenario loaders, on any input', () => {
  it('random JSON text, JSON values and bytes: a value, or a refusal with a message', async () => {
    const inputs = fc.oneof(fc.json(), fc.jsonValue(), fc.uint8Array({ maxLength: 256 }), fc.string());
    await fc.assert(fc.asyncProperty(inputs, savedRunAnswers), { seed: 19, ...RUNS });
    await fc.assert(fc.asyncProperty(inputs, scenarioAnswers), { seed: 19, ...RUNS });
  });

  it('a real saved run with a few fields changed: it loads and renders, or is refused', async () => {
    await fc.assert(fc.asyncProperty(mutations(savedRun), savedRunAnswers), { seed: 2025, ...RUNS });
  });

  it('scenarios/oct-2025.json with a few fields changed: it loads, or is refused', async () => {
    await fc.assert(fc.asyncProperty(mutations(scenario), scenarioAnswers), { seed: 2025, ...RUNS });
  });

  it('a saved run inside a JSON value, and a scenario as a saved run: refused, not misread', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 2 }), async (wrapper) => {
        await savedRunAnswers({ wrapper, run: savedRun });
        await savedRunAnswers(scenario);
        await scenarioAnswers(savedRun);
      }),
      { seed: 7, numRuns: 20 },
    );
  });
});

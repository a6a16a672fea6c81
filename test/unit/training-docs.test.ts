// The room's material tells the runs as they are: the game master's timing
// tables are the story of oct-2025 and oct-2025-cascade as the lab plays them
// (virtual time: the same on every machine), and every "+N s" the guides
// quote is a moment of those runs. When a scenario changes, this names the
// rows to paste.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemoryLab } from '../../local/memory-lab.ts';
import { runScenarioEmbedded } from '../../local/run-embedded.ts';
import { loadScenario } from '../../scenario/files.ts';
import { reportOf } from '../../scenario/run-report.ts';

const SCRIPT = 'docs/training/game-master.md';
const GUIDES = ['docs/training/facilitator.md', 'docs/training/trainee.md', 'docs/training/handout.md', SCRIPT];

/** The scenario's story as the game master's table rows: "| +10.8 s | az-a's stale plan g2 lands over the newer g6 |". */
async function storyRows(name: string): Promise<{ rows: string[]; seconds: number[] }> {
  const scenario = await loadScenario(name);
  const run = await runScenarioEmbedded(new MemoryLab(), scenario, { runId: 'docs', safeguards: [] });
  const report = reportOf({ scenario, safeguards: [], seed: scenario.seed, latency: {} }, { target: 'local', runId: 'docs' }, run.events);
  const lines = report.story!.events;
  const seconds = lines.map((line) => line.atSeconds ?? 0);
  return { rows: lines.map((line, i) => `| +${seconds[i]!.toFixed(1)} s | ${line.says} |`), seconds };
}

describe("the room's material", () => {
  it("the game master's timing tables are the runs' stories, and every +N s in the guides is a moment of them", async () => {
    const script = readFileSync(SCRIPT, 'utf8');
    const moments: number[] = [];
    for (const name of ['oct-2025', 'oct-2025-cascade']) {
      const { rows, seconds } = await storyRows(name);
      moments.push(...seconds);
      const missing = rows.filter((row) => !script.includes(row));
      expect(missing, `${SCRIPT}: paste ${name}'s story rows`).toEqual([]);
    }
    for (const guide of GUIDES) {
      const text = readFileSync(guide, 'utf8');
      for (const [quoted, figure] of text.matchAll(/\+(\d+(?:\.\d)?) ?s\b/g)) {
        const precision = figure!.includes('.') ? 0.05 : 0.5;
        const near = moments.some((at) => Math.abs(at - Number(figure)) <= precision + 1e-9);
        expect(near, `${guide}: "${quoted}" is no moment of oct-2025's or oct-2025-cascade's story`).toBe(true);
      }
    }
  });
});

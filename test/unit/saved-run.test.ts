// A saved run read back by `racelab report`: a hand-edited file gets exit 2
// and the fields that are wrong (a few of them), never a crash in the
// renderer; a file, an event count or an event time beyond any real run is
// refused; and the page grows with the events, not with the time they span.
import { closeSync, openSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type DefaultTreeAdapterMap } from 'parse5';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../report/after-action.ts';
import { reportCommand } from '../../cli/commands/report.ts';
import { UsageError } from '../../scenario/usage-error.ts';
import type { RunReport } from '../../scenario/run-report.ts';
import { captured } from '../support/captured.ts';
import { asSaved, outageReport, savedFile, stretched, tempDir } from '../support/saved-runs.ts';

let report: RunReport;
beforeAll(async () => {
  report = await outageReport();
});

/** What `racelab report` says about this saved run: the UsageError's message (the CLI prints it and exits 2). */
async function refusal(value: unknown): Promise<string> {
  const file = savedFile(value);
  const error = await captured(() => reportCommand(file, { format: 'html' })).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(UsageError);
  return (error as Error).message.replace(file, 'FILE');
}

const edited = (change: (report: Record<string, unknown> & RunReport) => void) => {
  const copy = structuredClone(report) as Record<string, unknown> & RunReport;
  change(copy);
  return asSaved(copy);
};

describe('a hand-edited saved run', () => {
  it('names the field that is wrong and what it should be', async () => {
    expect(
      await refusal(
        edited((r) => {
          (r.events[3] as unknown as Record<string, unknown>).atSeconds = 'soon';
        }),
      ),
    ).toBe('FILE is a saved run with mistakes, so no report is made from it:\n  report.events.3.atSeconds: Invalid input: expected number, received string');
    expect(await refusal(edited((r) => delete (r as Partial<RunReport>).endpoints))).toContain(
      '  report.endpoints: Invalid input: expected array, received undefined',
    );
    expect(
      await refusal(
        edited((r) => {
          r.events[0]!.actor = 'az-z';
        }),
      ),
    ).toContain('  report.events.0.actor: Invalid option: expected one of "racelab"|"planner"|"az-a"|"az-b"|"az-c"|"probe"');
  });

  it('lists at most five problems, and how many more there are', async () => {
    const message = await refusal(
      edited((r) => {
        for (const event of r.events) (event as unknown as Record<string, unknown>).outcome = 42;
      }),
    );
    const lines = message.split('\n');
    expect(lines).toHaveLength(7);
    expect(lines.at(-1)).toBe(`  … and ${report.events.length - 5} more problems`);
  });

  it('says what the file is when it is not a saved run at all', async () => {
    expect(await refusal({ kind: 'something else' })).toBe('FILE is not a run saved by `racelab run --save`');
    expect(await refusal('{"kind": "racelab-run", ')).toMatch(/^FILE is not valid JSON \(.*\), so it is not a run saved by `racelab run --save`$/);
    expect(await refusal(JSON.stringify({ ...asSaved(report), version: 7 }))).toBe(
      'FILE was saved by another version of racelab (format 7); save the run again',
    );
  });
});

describe('bounds no real run comes near', () => {
  it('refuses an event ten million seconds (four months) after the start, instead of drawing them', async () => {
    const far = edited((r) => {
      r.events.at(-1)!.atSeconds = 1e7;
    });
    expect(await refusal(far)).toContain(
      `  report.events.${report.events.length - 1}.atSeconds: must be at most 86400 (seconds after the run's first event: a day; a run lasts minutes)`,
    );
  });

  it('draws a run of a day with a handful of time labels: the page grows with the events, not with the seconds they span', () => {
    const day = { ...report, events: report.events.map((event, i, all) => (i === all.length - 1 ? { ...event, atSeconds: 86_400 } : event)) };
    type Node = DefaultTreeAdapterMap['node'];
    const texts = (node: Node): string[] => [
      ...('value' in node && typeof node.value === 'string' ? [node.value] : []),
      ...('childNodes' in node ? node.childNodes.flatMap(texts) : []),
    ];
    const page = renderHtml(day);
    const chart = page.slice(page.indexOf('<svg id="addresses"'), page.indexOf('</svg>'));
    const labels = texts(parse(chart)).filter((text) => /^\+\d+s$/.test(text));
    expect(labels.length).toBeGreaterThan(1);
    expect(labels.length).toBeLessThanOrEqual(11);
    expect(labels.at(-1)).toBe('+86400s');
  });

  it('refuses more than 50,000 events, and a file over 32 MB without reading it', async () => {
    expect(await refusal(asSaved(stretched(report, 50_000)))).toContain(
      '  report.events: a run has at most 50000 events (an hour-long run has a few thousand)',
    );
    const huge = join(tempDir(), 'huge.json');
    const fd = openSync(huge, 'w');
    ftruncateSync(fd, 40_000_000);
    closeSync(fd);
    await expect(reportCommand(huge, { format: 'html' })).rejects.toThrow(`${huge} is 40.0 MB: larger than any saved run (at most 32 MB; oct-2025's is 30 kB)`);
    await expect(reportCommand('/dev/zero', { format: 'html' })).rejects.toThrow('/dev/zero is more than 32 MB long: larger than any saved run');
  });
});

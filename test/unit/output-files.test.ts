// The files a command writes (run --save, report --out, explore --out), run in
// this process: what may be replaced (a file racelab marked as its own, never
// one that merely looks like it), symbolic links, FIFOs and devices written as
// streams, a failed write said in one line after the command's output, and a
// replaced file's mode kept. The CLI's own pipes: test/e2e/cli.test.ts.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, createReadStream, lstatSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderHtml, renderMarkdown, renderMermaid } from '../../report/after-action.ts';
import { exploreCommand } from '../../cli/explorer-commands.ts';
import { reportCommand } from '../../cli/commands/report.ts';
import { runCommand } from '../../cli/commands/run.ts';
import { loadSavedRun } from '../../report/saved-run.ts';
import { UsageError } from '../../scenario/usage-error.ts';
import type { RunReport } from '../../scenario/run-report.ts';
import { captured } from '../support/captured.ts';
import { asSaved, outageReport, savedFile, stretched, tempDir } from '../support/saved-runs.ts';

let report: RunReport;
let saved: string;
beforeAll(async () => {
  report = await outageReport();
  saved = savedFile(asSaved(report));
});

const html = (options: { out: string; force?: boolean }) => captured(() => reportCommand(saved, { format: 'html', ...options }));
const mkfifo = (path: string) => execFileSync('mkfifo', [path]);
/** Everything a reader of the FIFO receives, until the writer closes it. */
const readAll = async (path: string): Promise<string> => {
  let text = '';
  for await (const chunk of createReadStream(path, 'utf8')) text += chunk;
  return text;
};

describe('what an output path may replace', () => {
  it('a file that merely looks like a report is kept: a Mermaid file of the user, notes that mention "After-action report:"', async () => {
    const dir = tempDir();
    const cases = {
      'diagram.mmd': 'sequenceDiagram\n  participant me\n  Note over me: my own diagram\n',
      'notes.md': '# My notes\n\nAfter-action report: to write up on Monday.\n',
      'page.html': '<!doctype html><html><head><title>After-action report: ours</title></head></html>\n',
    };
    for (const [name, text] of Object.entries(cases)) {
      const out = join(dir, name);
      writeFileSync(out, text);
      await expect(captured(() => reportCommand(saved, { format: 'mermaid', out }))).rejects.toThrow(
        new UsageError(`--out ${out}: the file exists and is not a report racelab wrote; give another path, or add --force to overwrite it`),
      );
      expect(readFileSync(out, 'utf8')).toBe(text);
    }
    const forced = join(dir, 'diagram.mmd');
    expect((await captured(() => reportCommand(saved, { format: 'mermaid', out: forced, force: true }))).code).toBe(0);
    expect(readFileSync(forced, 'utf8')).toBe(renderMermaid(report));
  });

  it('a report racelab wrote, in any of its formats, is replaced without --force', async () => {
    const dir = tempDir();
    for (const [name, earlier] of [
      ['a.html', renderHtml(report)],
      ['b.md', renderMarkdown(report)],
      ['c.mmd', renderMermaid(report)],
    ] as const) {
      const out = join(dir, name);
      writeFileSync(out, earlier.replace('oct-2025', 'an earlier run'));
      const result = await html({ out });
      expect(result).toMatchObject({ code: 0, stderr: `wrote ${out}\n` });
      expect(readFileSync(out, 'utf8')).toBe(renderHtml(report));
    }
  });

  it('a saved run is replaced by the next one; any other JSON is kept unless --force', async () => {
    const dir = tempDir();
    const notes = savedFile({ note: 'kind: racelab-run, version 1', report: 'mine' }, dir, 'notes.json');
    await expect(runCommand('oct-2025', { safeguard: [], save: notes })).rejects.toThrow(
      `--save ${notes}: the file exists and is not a run racelab saved; give another path, or add --force to overwrite it`,
    );
    const earlier = savedFile(asSaved({ ...report, runId: 'an-earlier-run' }), dir, 'earlier.json');
    const result = await captured(() => runCommand('oct-2025', { safeguard: [], save: earlier, json: true }));
    expect(result.code).toBe(0);
    expect((await loadSavedRun(earlier)).runId).toBe(JSON.parse(result.stdout).runId);
  });

  it('explore --out keeps a scenario of the user that has a "counterexample" field, before any search', async () => {
    const dir = tempDir();
    const scenario = JSON.parse(readFileSync('scenarios/oct-2025.json', 'utf8'));
    const mine = savedFile(
      { ...scenario, counterexample: { invariant: 'answers', detail: 'my notes', safeguards: [], bounds: {}, schedule: [] } },
      dir,
      'mine.json',
    );
    const before = readFileSync(mine, 'utf8');
    await expect(exploreCommand({ safeguard: [], out: mine, quiet: true })).rejects.toThrow(
      `--out ${mine}: the file exists and is not a counterexample racelab explore wrote; give another path, or add --force to overwrite it`,
    );
    expect(readFileSync(mine, 'utf8')).toBe(before);
  });

  it('a symbolic link is named and not written through, even to a report; with --force its target is written and the link kept', async () => {
    const dir = tempDir();
    const real = join(dir, 'real.html');
    const link = join(dir, 'link.html');
    const earlier = renderHtml({ ...report, runId: 'an-earlier-run' });
    writeFileSync(real, earlier);
    symlinkSync(real, link);
    await expect(html({ out: link })).rejects.toThrow(
      `--out ${link}: is a symbolic link (to ${real}); racelab does not write through one: give the real path, or add --force to write to ${real}`,
    );
    expect(readFileSync(real, 'utf8')).toBe(earlier);
    const forced = await html({ out: link, force: true });
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain(`--out ${link} is a symbolic link: writing to ${real} (--force)`);
    expect(readFileSync(real, 'utf8')).toBe(renderHtml(report));
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('a folder, or a folder that does not exist, is refused before the work', async () => {
    const dir = tempDir();
    await expect(html({ out: dir })).rejects.toThrow(`--out ${dir}: is a folder; give a file path`);
    await expect(html({ out: join(dir, 'no', 'page.html') })).rejects.toThrow(`the folder ${join(dir, 'no')} does not exist; create it or give another path`);
  });
});

describe('writing', () => {
  it('replaces a file whole, through a file beside it (none is left behind), keeping its mode, and its owner when run as root', async () => {
    const dir = tempDir();
    const out = join(dir, 'page.html');
    writeFileSync(out, renderMarkdown(report));
    chmodSync(out, 0o640);
    const root = process.getuid?.() === 0;
    if (root) chownSync(out, 1234, 1234);
    expect((await html({ out })).code).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o640);
    if (root) expect(statSync(out)).toMatchObject({ uid: 1234, gid: 1234 });
    expect(readdirSync(dir)).toEqual(['page.html']);
  });

  it('writes a FIFO as a stream, never reading it first: run --save to a reader, report --out to another', async () => {
    const dir = tempDir();
    const fifo = join(dir, 'run.pipe');
    mkfifo(fifo);
    // The reader is racelab itself: report's loader reads the FIFO that run --save writes.
    const [run, loaded] = await Promise.all([captured(() => runCommand('oct-2025', { safeguard: [], save: fifo, json: true })), loadSavedRun(fifo)]);
    expect(run.code).toBe(0);
    expect(loaded.eventsDigest).toBe(JSON.parse(run.stdout).eventsDigest);
    const [written, page] = await Promise.all([html({ out: fifo }), readAll(fifo)]);
    expect(written.code).toBe(0);
    expect(page).toBe(renderHtml(report));
  });

  it('a reader that closes early, or a full device, is one line and exit 1', async () => {
    const dir = tempDir();
    const fifo = join(dir, 'page.pipe');
    mkfifo(fifo);
    // Megabytes of page: the reader takes one chunk of it and goes.
    const big = savedFile(asSaved(stretched(report, 10_000)), dir, 'big.json');
    const reader = createReadStream(fifo);
    reader.once('data', () => reader.destroy());
    const closed = await captured(() => reportCommand(big, { format: 'html', out: fifo }));
    expect(closed).toEqual({ code: 1, stdout: '', stderr: `racelab: --out ${fifo}: not written: the reader closed the pipe before the end (EPIPE)\n` });
    const full = await html({ out: '/dev/full' });
    expect(full).toEqual({ code: 1, stdout: '', stderr: 'racelab: --out /dev/full: not written: no space left on the device (ENOSPC)\n' });
  });

  it('a run whose save fails still prints its timeline and verdict, then says the save failed (exit 1)', async () => {
    const { code, stdout, stderr } = await captured(() => runCommand('oct-2025', { safeguard: [], save: '/dev/full' }));
    expect(stdout).toContain('verdict: OUTAGE, as expected (outage); the story played out');
    expect(stderr.trimEnd().split('\n').at(-1)).toBe(
      'racelab: --save /dev/full: not written: no space left on the device (ENOSPC); the run is printed above, but it is not saved',
    );
    expect(code).toBe(1);
  });
});

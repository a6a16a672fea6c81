// racelab report: a saved run as an after-action report: a self-contained HTML
// page (chart of addresses per endpoint, sequence, verdict, story, timeline), or
// the same as Markdown or a Mermaid sequence diagram.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { REPORT_FORMATS, type ReportFormat } from '../after-action.ts';
import { exitWith } from '../command-options.ts';
import { writableOutput } from '../output-file.ts';
import { EXIT } from '../usage-error.ts';

export interface ReportOptions {
  format: ReportFormat;
  out?: string;
  force?: boolean;
}

export function command(): Command {
  return new Command('report')
    .description('turn a run saved with `racelab run --save` into an after-action report (HTML, Markdown or Mermaid)')
    .argument('<file>', 'the saved run (JSON)')
    .addOption(
      new Option('--format <format>', 'html (a self-contained page), markdown, or mermaid (the sequence diagram)').choices(REPORT_FORMATS).default('html'),
    )
    .option('--out <file>', 'write the report to this file instead of stdout; the folder must exist')
    .option('--force', 'let --out overwrite a file that is not an earlier report')
    .addHelpText(
      'after',
      `
The HTML page needs no network and no script: a chart of the addresses each
endpoint answered with over time, the sequence of the run's key events, the
verdict and story, and the timeline. Runs from every target work alike: the
report is built from the run-events table.

Examples:
  racelab run oct-2025 --save runs/outage.json
  racelab report runs/outage.json --out runs/outage.html
  racelab report runs/outage.json --format markdown > outage.md
  racelab report runs/outage.json --format mermaid`,
    )
    .action(async (file: string, options: ReportOptions) => exitWith(await reportCommand(file, options)));
}

/** A report racelab wrote before: HTML with our marker, or Markdown/Mermaid whose first line says so. */
const isOwnReport = (text: string): boolean => text.includes('After-action report:') || text.startsWith('sequenceDiagram');

export async function reportCommand(file: string, options: ReportOptions): Promise<number> {
  const out =
    options.out === undefined
      ? undefined
      : await writableOutput({ option: '--out', path: resolve(options.out), kind: 'a report', isOwn: isOwnReport, force: options.force });
  const { loadSavedRun } = await import('../saved-run.ts');
  const { renderAfterAction } = await import('../after-action.ts');
  const text = renderAfterAction(await loadSavedRun(file), options.format);
  if (out) {
    await writeFile(out, text);
    process.stderr.write(`wrote ${out}\n`);
  } else {
    process.stdout.write(text);
  }
  return EXIT.ok;
}

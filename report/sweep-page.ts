// `racelab sweep --html`: the sweep's grid as a self-contained page (inline
// SVG and CSS, no script, no network), a heat map of fleet size × attempt
// timeout: where DWFM's collapse outlasts DNS, and how long the leases took
// to come back.
import type { SweepCell } from '../lambdas/core/cascade/sweep.ts';
import { MARKERS } from './output-file.ts';
import { pageStart } from './page-head.ts';
import { htmlText } from './report-text.ts';

export interface SweepPage {
  scenario: string;
  levers: readonly string[];
  leasesPerSecond: number;
  windowSeconds: number;
  cells: readonly SweepCell[];
}

const CELL = { width: 120, height: 44 };
const MARGIN = { left: 90, top: 40 };
const FILL = { collapse: '#f4b6b0', ok: '#b9e4c0', never: '#7a1f1f' } as const;

/** What a cell shows: the outcome, and when every lease was back. */
export function sweepCellText(cell: SweepCell): string {
  if (cell.leasesBackAfterSeconds === null) return 'never';
  return `${cell.metastable ? 'collapse' : 'ok'} +${cell.leasesBackAfterSeconds}s`;
}

const kindOf = (cell: SweepCell): keyof typeof FILL => (cell.leasesBackAfterSeconds === null ? 'never' : cell.metastable ? 'collapse' : 'ok');

export function renderSweepPage(page: SweepPage): string {
  const fleets = [...new Set(page.cells.map((c) => c.droplets))].sort((a, b) => a - b);
  const timeouts = [...new Set(page.cells.map((c) => c.attemptTimeoutSeconds))].sort((a, b) => a - b);
  const width = MARGIN.left + timeouts.length * CELL.width + 10;
  const height = MARGIN.top + fleets.length * CELL.height + 30;
  const rects = page.cells.map((cell) => {
    const x = MARGIN.left + timeouts.indexOf(cell.attemptTimeoutSeconds) * CELL.width;
    const y = MARGIN.top + fleets.indexOf(cell.droplets) * CELL.height;
    const kind = kindOf(cell);
    const ink = kind === 'never' ? '#fff' : '#111';
    return (
      `<rect class="${kind}" x="${x}" y="${y}" width="${CELL.width - 2}" height="${CELL.height - 2}" fill="${FILL[kind]}"/>` +
      `<text x="${x + CELL.width / 2}" y="${y + CELL.height / 2 + 5}" text-anchor="middle" fill="${ink}">${htmlText(sweepCellText(cell))}</text>`
    );
  });
  const columns = timeouts.map(
    (t, i) => `<text x="${MARGIN.left + i * CELL.width + CELL.width / 2}" y="${MARGIN.top - 10}" text-anchor="middle">timeout ${t}s</text>`,
  );
  const rows = fleets.map((f, i) => `<text x="${MARGIN.left - 10}" y="${MARGIN.top + i * CELL.height + CELL.height / 2 + 5}" text-anchor="end">${f}</text>`);
  const middle = { x: MARGIN.left + (timeouts.length * CELL.width) / 2, y: MARGIN.top + (fleets.length * CELL.height) / 2 };
  const axes =
    `<text x="${middle.x}" y="14" text-anchor="middle" class="axis">DWFM's attempt timeout</text>` +
    `<text x="14" y="${middle.y}" text-anchor="middle" class="axis" transform="rotate(-90 14 ${middle.y})">droplets</text>`;
  const chart =
    `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="sweep of fleet size and attempt timeout">` +
    `${axes}${columns.join('')}${rows.join('')}${rects.join('')}</svg>`;
  const levers = page.levers.length ? page.levers.join(', ') : 'none';
  const explanation =
    `DWFM establishes ${page.leasesPerSecond} leases a second; levers: ${levers}. Each cell is the scenario's cascade replayed on the ` +
    `run's DNS and operator steps, with that fleet size and attempt timeout: "collapse" when DWFM's goodput stayed low for the ` +
    `${page.windowSeconds} s after DNS came back, then how long after DNS's return every droplet held a lease again.`;
  const legend = (['ok', 'collapse', 'never'] as const)
    .map(
      (kind) => `<span style="background:${FILL[kind]}"></span>${{ ok: 'no collapse', collapse: 'collapse', never: 'some droplet never leased again' }[kind]}`,
    )
    .join('');
  return `${pageStart(
    MARKERS.sweep,
    `racelab sweep · ${page.scenario}`,
    `
body { font: 15px/1.5 system-ui, sans-serif; margin: 1.5rem; max-width: 60rem; color: #111; }
svg { width: 100%; height: auto; font-size: 13px; }
.axis { font-weight: 600; }
.legend span { display: inline-block; width: 1em; height: 1em; vertical-align: middle; margin: 0 .3em 0 1em; }
`,
  )}<body>
<h1>${htmlText(`Where the collapse outlasts DNS: ${page.scenario}`)}</h1>
<p>${htmlText(explanation)}</p>
${chart}
<p class="legend">${legend}</p>
</body>
</html>
`;
}

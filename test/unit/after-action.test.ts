// The after-action report of a saved run: a self-contained HTML page whose
// structure an HTML parser checks (no script, no external resource; the chart,
// sequence, verdict, story and timeline sections), and the same as Markdown and
// Mermaid, for a baseline outage and for a safeguard's healthy run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, type DefaultTreeAdapterMap } from 'parse5';
import { addressSeries, renderHtml, renderMarkdown, renderMermaid } from '../../report/after-action.ts';
import { MemoryLab } from '../../local/memory-lab.ts';
import { runScenarioEmbedded } from '../../local/run-embedded.ts';
import { loadScenario } from '../../scenario/files.ts';
import { reportOf, type RunReport } from '../../scenario/run-report.ts';
import type { Safeguard } from '../../lambdas/core/safeguards/index.ts';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

function elements(node: Node): Element[] {
  const children = 'childNodes' in node ? node.childNodes : [];
  const self = 'tagName' in node ? [node as Element] : [];
  return [...self, ...children.flatMap(elements)];
}
const attribute = (element: Element, name: string) => element.attrs.find((attr) => attr.name === name)?.value;
const text = (node: Node): string =>
  'value' in node && typeof node.value === 'string' ? node.value : 'childNodes' in node ? node.childNodes.map(text).join('') : '';

async function reportFor(safeguards: Safeguard[]): Promise<RunReport> {
  const scenario = await loadScenario('oct-2025');
  const lab = new MemoryLab();
  const run = await runScenarioEmbedded(lab, scenario, { runId: `aar-${safeguards.join('+') || 'baseline'}`, safeguards });
  return reportOf({ scenario, safeguards, seed: scenario.seed, latency: {} }, { target: 'local', runId: 'aar' }, run.events);
}

let outage: RunReport;
let healthy: RunReport;
beforeAll(async () => {
  outage = await reportFor([]);
  healthy = await reportFor(['write-time-check']);
});
afterAll(() => undefined);

describe('the after-action report', () => {
  it('is one self-contained page: no script, nothing fetched, every section there', () => {
    const page = elements(parse(renderHtml(outage)));
    expect(page.filter((element) => element.tagName === 'script')).toEqual([]);
    const external = page.filter((element) => ['src', 'href'].some((name) => /^(https?:)?\/\//.test(attribute(element, name) ?? '')));
    expect(external).toEqual([]);
    const ids = page.map((element) => attribute(element, 'id')).filter(Boolean);
    expect(ids).toEqual(expect.arrayContaining(['verdict', 'story', 'chart', 'addresses', 'sequence-diagram', 'sequence', 'timeline']));
    const rows = page.filter((element) => element.tagName === 'tr');
    expect(rows).toHaveLength(outage.events.length + 1);
  });

  it('charts the endpoints going empty in the outage, and answering throughout with write-time-check', () => {
    for (const line of addressSeries(outage)) {
      expect(line.points.at(-1)?.count).toBe(0);
      expect(line.points.some((point) => point.count > 0)).toBe(true);
    }
    for (const line of addressSeries(healthy)) expect(line.points.at(-1)?.count).toBeGreaterThan(0);
    const series = elements(parse(renderHtml(outage))).filter((element) => attribute(element, 'class') === 'series');
    expect(series.map((element) => attribute(element, 'data-endpoint'))).toEqual(outage.endpoints.map((endpoint) => endpoint.endpoint));
  });

  it('says the verdict and the story in words', () => {
    const page = parse(renderHtml(outage));
    const verdict = elements(page).find((element) => attribute(element, 'id') === 'verdict')!;
    expect(text(verdict)).toContain('Outcome: OUTAGE, expected outage (as expected).');
    expect(text(verdict)).toContain('Automation stuck: active tree g2 is gone from DNS');
    const story = elements(page).find((element) => attribute(element, 'id') === 'story')!;
    expect(text(story)).toContain("✓ +10.8s az-a's stale plan g2 lands over the newer g6");
    expect(text(parse(renderHtml(healthy)))).toContain('Outcome: HEALTHY, expected healthy (as expected).');
  });

  it('gives the same as Markdown and as a Mermaid sequence diagram', () => {
    const markdown = renderMarkdown(outage);
    expect(markdown).toMatch(/^<!-- racelab after-action report v1 -->\n# After-action report: oct-2025 with no safeguard/);
    expect(markdown).toContain('```mermaid\nsequenceDiagram');
    expect(markdown.split('\n').filter((line) => line.startsWith('| +'))).toHaveLength(outage.events.length);
    const mermaid = renderMermaid(outage);
    expect(mermaid.split('\n').slice(0, 2)).toEqual(['%% racelab sequence diagram v1', 'sequenceDiagram']);
    expect(mermaid).toContain('Note over az-a: +10.8s apply applied g2 dynamodb.us-east-1: over g6');
    expect(mermaid).not.toMatch(/retry/);
  });
});

// Text from scenario files and saved runs, written into each output language:
// shown as written, never read as markup or as terminal commands. Markdown
// carries no HTML, a Mermaid label cannot start a statement or a directive,
// the terminal gets no control or direction characters, and the HTML page
// keeps quotes and tags out of its attributes and SVG text.
import { parse, type DefaultTreeAdapterMap } from 'parse5';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderHtml, renderMarkdown, renderMermaid } from '../../report/after-action.ts';
import { renderTimeline } from '../../report/render-timeline.ts';
import type { RunReport } from '../../scenario/run-report.ts';
import { parseScenario } from '../../scenario/schema.ts';
import { readFileSync } from 'node:fs';
import { CONTROL_CHARACTERS } from '../support/control-characters.ts';
import { outageReport } from '../support/saved-runs.ts';

/** Strings a scenario file or an edited saved run can hold: markup, Mermaid statements and directives, terminal escapes, a right-to-left override. */
const SCRIPT = '<script>alert(1)</script>';
const MERMAID = 'ok\n  click az-a call alert(1)\n%%{init: {"securityLevel": "loose"}}%%\n  link az-a: evil @ javascript:alert(1); Note over az-a: #quot;';
const TERMINAL = 'clear\u001b[2J\u001b]0;owned\u0007 bell\u0007 \u202egnp.exe \u2066isolate\u2069 c1\u009b31m';
const ENDPOINT = '"><script>alert(1)</script><x a="';

let hostile: RunReport;
beforeAll(async () => {
  const report = structuredClone(await outageReport());
  report.story!.events[0]!.says = `${SCRIPT} ${TERMINAL}`;
  const applied = report.events.findIndex((event) => event.outcome === 'applied');
  report.events[applied] = { ...report.events[applied]!, detail: `${MERMAID} ${TERMINAL} ${SCRIPT}` };
  report.endpoints[0]!.endpoint = ENDPOINT;
  const probe = report.events.find((event) => event.addresses)!;
  probe.addresses = { [ENDPOINT]: ['10.10.0.11'], ...probe.addresses };
  hostile = report;
});

/** A label's text: no character that ends a statement or starts a comment, save in an entity code. */
const LABEL = '[^;#%\\n]*(#\\d+;[^;#%\\n]*)*';
/**
 * A sequence diagram's lines as racelab writes them: the marker, the header, participants (an id of letters and
 * digits, and the name it shows), and one message between two of them, or one note over one, per event.
 */
const MERMAID_LINE = new RegExp(
  `^(%% racelab sequence diagram v\\d+|sequenceDiagram| {2}participant [a-zA-Z0-9]+( as [\\w -]+)?| {2}Note over [a-zA-Z0-9]+: ${LABEL}| {2}[a-zA-Z0-9]+(->>|-x)[a-zA-Z0-9]+: ${LABEL})$`,
);

describe('output encoding', () => {
  it('Markdown: HTML and inline syntax escaped, so a scenario\'s "<script>" is text', () => {
    const markdown = renderMarkdown(hostile);
    expect(markdown).not.toMatch(/<script|<x /i);
    expect(markdown).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(markdown).not.toMatch(CONTROL_CHARACTERS);
    const block = markdown.slice(markdown.indexOf('```mermaid\n') + 11, markdown.indexOf('\n```\n'));
    for (const line of block.split('\n')) expect(line).toMatch(MERMAID_LINE);
  });

  it('Mermaid: every line is a participant, a message or a note; no label starts a "click", "link" or "%%{init}%%" line, or ends itself with ";"', () => {
    const mermaid = renderMermaid(hostile);
    const lines = mermaid.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(MERMAID_LINE);
    expect(mermaid).not.toContain('%%{');
    // The label's text is all there, as entity codes Mermaid shows as the characters.
    expect(mermaid).toContain('click az-a call alert(1)');
    expect(mermaid).toContain('#37;#37;#123;init');
  });

  it('terminal: control and direction characters are shown as escapes, never sent', () => {
    const timeline = renderTimeline(hostile);
    expect(timeline).not.toMatch(CONTROL_CHARACTERS);
    expect(timeline).toContain('clear\\x1b[2J\\x1b]0;owned\\x07 bell\\x07 \\u202egnp.exe \\u2066isolate\\u2069 c1\\x9b31m');
    // A new line in an event's detail does not start a line of the timeline.
    expect(timeline.split('\n').some((line) => /^\s*click/.test(line))).toBe(false);
    expect(timeline).toContain(`${SCRIPT} clear\\x1b[2J`);
  });

  it('HTML: quotes and tags stay in the attribute and in the SVG text, as written', () => {
    type Node = DefaultTreeAdapterMap['node'];
    type Element = DefaultTreeAdapterMap['element'];
    const elements = (node: Node): Element[] => [
      ...('tagName' in node ? [node as Element] : []),
      ...('childNodes' in node ? node.childNodes.flatMap(elements) : []),
    ];
    const text = (node: Node): string =>
      'value' in node && typeof node.value === 'string' ? node.value : 'childNodes' in node ? node.childNodes.map(text).join('') : '';
    const page = renderHtml(hostile);
    const all = elements(parse(page));
    expect(all.filter((element) => ['script', 'x'].includes(element.tagName))).toEqual([]);
    const series = all.filter((element) => element.attrs.some((attr) => attr.name === 'class' && attr.value === 'series'));
    expect(series[0]!.attrs.find((attr) => attr.name === 'data-endpoint')?.value).toBe(ENDPOINT);
    const legend = all.filter((element) => element.tagName === 'text' && text(element) === ENDPOINT);
    expect(legend).toHaveLength(1);
    expect(page).not.toMatch(CONTROL_CHARACTERS);
  });

  it("a scenario's own strings quoted in its error messages are shown as escapes", () => {
    const scenario = JSON.parse(readFileSync('scenarios/oct-2025.json', 'utf8'));
    const label = '\u001b]0;owned\u0007';
    scenario.timeline.probe = [
      { at: 1, do: 'probe', label },
      { at: 2, do: 'probe', label },
    ];
    expect(() => parseScenario(scenario, 'x.json')).toThrow(
      '  timeline.probe.1.label: "\\x1b]0;owned\\x07" labels an earlier probe step too; give each scripted probe its own label',
    );
    expect(() => parseScenario(scenario, 'x.json')).not.toThrow('\u001b');
  });
});

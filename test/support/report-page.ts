// The after-action page read as its reader sees it, with an HTML parser: its
// elements, their attributes and text, and where a second is on a chart's
// time axis (read off the chart's own time labels, as a reader would).
import { parse, type DefaultTreeAdapterMap } from 'parse5';
import { expect } from 'vitest';

export type Node = DefaultTreeAdapterMap['node'];
export type Element = DefaultTreeAdapterMap['element'];

/** An element and every element inside it, in document order. */
export const elements = (node: Node): Element[] => [
  ...('tagName' in node ? [node as Element] : []),
  ...('childNodes' in node ? node.childNodes.flatMap(elements) : []),
];
export const pageElements = (html: string): Element[] => elements(parse(html));
export const attribute = (element: Element, name: string) => element.attrs.find((attr) => attr.name === name)?.value;
export const text = (node: Node): string =>
  'value' in node && typeof node.value === 'string' ? node.value : 'childNodes' in node ? node.childNodes.map(text).join('') : '';
export const byId = (page: Element[], id: string) => page.find((element) => attribute(element, 'id') === id);
export const classes = (element: Element) => (attribute(element, 'class') ?? '').split(' ');

/** Where a second is on a chart's time axis: the line through its first and last time labels ("+30s" at x = …). */
export function timeAxis(chart: Element): (seconds: number) => number {
  const labels = elements(chart)
    .filter((element) => element.tagName === 'text' && /^\+\d+s$/.test(text(element)))
    .map((element) => ({ seconds: Number(text(element).slice(1, -1)), x: Number(attribute(element, 'x')) }));
  expect(labels.length).toBeGreaterThan(2);
  const [first, last] = [labels[0]!, labels.at(-1)!];
  return (seconds) => first.x + ((seconds - first.seconds) * (last.x - first.x)) / (last.seconds - first.seconds);
}

/** The x of each line a chart marks of this kind (the dashed line across the plot). */
export const markerXs = (chart: Element, kind: string): number[] =>
  elements(chart)
    .filter((element) => attribute(element, 'data-marker') === kind)
    .map((group) =>
      Number(
        attribute(
          elements(group).find((element) => element.tagName === 'line')!,
          'x1',
        ),
      ),
    );

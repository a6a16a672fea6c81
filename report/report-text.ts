// Text from a run (a scenario's strings, an event's detail, a saved run that
// may have been edited) placed into a report: one encoder per output language,
// so the text is shown as written and never read as markup. Control and
// direction characters are written as visible escapes first (terminalText).
import { terminalText } from '../scenario/terminal-text.ts';

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML and SVG, in an element or a quoted attribute. */
export function htmlText(text: string): string {
  return terminalText(text).replace(/[&<>"']/g, (char) => HTML_ENTITIES[char]!);
}

/**
 * Text inside one line of Markdown (a heading, a list item, a table cell): no
 * HTML (entities for & < >), and Markdown's inline syntax escaped with a
 * backslash (emphasis, code, links and images, tables, strikethrough). The
 * text never starts the line, so block syntax (#, -, 1.) cannot begin there.
 */
export function markdownText(text: string): string {
  return terminalText(text)
    .replace(/[&<>]/g, (char) => HTML_ENTITIES[char]!)
    .replace(/[\\`*_[\]!|~#]/g, '\\$&');
}

/**
 * Text of a Mermaid label (a note): everything but letters, digits, spaces and
 * plain punctuation becomes an entity code (#59; for ";"), which Mermaid shows
 * as the character. So a label cannot end itself (";", "#", a new line), start
 * a directive or a comment ("%%"), or carry HTML.
 */
export function mermaidText(text: string): string {
  return terminalText(text).replace(/[^\p{L}\p{N} .,:_+\-=/()'!?@]/gu, (char) => `#${char.codePointAt(0)};`);
}

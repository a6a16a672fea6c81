// Text from files (a scenario's strings, a saved run's events) on its way to a
// terminal or into a report: control characters would move the cursor, recolour
// or clear the screen (ESC sequences), ring the bell, start new lines that forge
// output, or reorder what is shown (bidirectional overrides). They are written
// out as visible escapes instead, so what is printed is what the file says.

/** C0 and C1 controls, DEL, the bidirectional marks, embeddings, overrides and isolates, and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- finding control characters is what this module is for
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

const SHORT: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

const visible = (char: string): string => {
  const code = char.charCodeAt(0);
  return SHORT[char] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
};

/** One line of text as it may be shown: every control or direction character written as an escape (ESC as \x1b, U+202E as \u202e). */
export function terminalText(text: string): string {
  return text.replace(INVISIBLE, visible);
}

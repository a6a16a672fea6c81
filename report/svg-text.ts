// SVG text neither wraps nor says how wide it is until a browser lays it out,
// and the report's page has no script. So the layout estimates each label's
// width from its characters, on the wide side (DejaVu Sans, the widest common
// sans-serif, which headless Chromium uses on Linux), and wraps labels to fit.
// The Chromium test measures the real boxes.

/** Width in em of each class of character, a little over DejaVu Sans's widest of the class; a later class overrides an earlier one. */
const EM: [RegExp, number][] = [
  [/[0-9a-z_?"*^`~{}]/, 0.66],
  [/[A-Z]/, 0.8],
  [/[ijl'.,:;!|\s]/, 0.34],
  [/[ftr()[\]/\\-]/, 0.44],
  [/[mw]/, 1.0],
  [/[MW%@]/, 1.02],
];

/** Bold type is up to a seventh wider. */
export const BOLD = 1.15;

const charEm = (char: string): number => EM.findLast(([pattern]) => pattern.test(char))?.[1] ?? 1.05;

/** A label's width, in the units of its font size. */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const char of text) em += charEm(char);
  return em * fontSize * (bold ? BOLD : 1);
}

/**
 * A label in lines no wider than `width` (at `fontSize`), broken at spaces;
 * a word too long for a line alone is broken inside it. One pass over the
 * characters: a hand-edited detail may be thousands long.
 */
export function wrapText(text: string, fontSize: number, width: number): string[] {
  const room = width / fontSize;
  const space = charEm(' ');
  const lines: string[] = [];
  let line = '';
  let used = 0;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const chars = [...word];
    const wide = chars.reduce((sum, char) => sum + charEm(char), 0);
    if (line && used + space + wide <= room) {
      line += ` ${word}`;
      used += space + wide;
      continue;
    }
    if (line) lines.push(line);
    [line, used] = ['', 0];
    // A word wider than a line (a long name, a hand-edited detail): as many characters as fit, then the next line.
    for (const char of chars) {
      const em = charEm(char);
      if (line && used + em > room) {
        lines.push(line);
        [line, used] = ['', 0];
      }
      line += char;
      used += em;
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

// The page has no script, so its SVG labels are measured and wrapped by
// estimate (report/svg-text.ts): a line never runs past the width it was
// given, and wrapping loses no word, for any text a saved run may hold.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { textWidth, wrapText } from '../../report/svg-text.ts';

describe('SVG text by estimate', () => {
  it('wraps a sequence label at spaces, each line within the width', () => {
    const label = '+21.8s apply stuck g7 dynamodb.us-east-1: active tree g2 is gone from DNS: cannot write the rollback record';
    const lines = wrapText(label, 11, 380);
    expect(lines).toEqual(['+21.8s apply stuck g7 dynamodb.us-east-1: active tree g2 is', 'gone from DNS: cannot write the rollback record']);
    for (const line of lines) expect(textWidth(line, 11)).toBeLessThanOrEqual(380);
  });

  it('breaks a word longer than a line inside it, and gives one empty line for no text', () => {
    expect(wrapText('x'.repeat(30), 10, 70)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(10)]);
    expect(wrapText('', 10, 70)).toEqual(['']);
  });

  it('counts wide letters wider, and bold wider still', () => {
    expect(textWidth('mmm', 10)).toBeGreaterThan(textWidth('iii', 10) * 2);
    expect(textWidth('label', 10, true)).toBeGreaterThan(textWidth('label', 10));
  });

  it('for any text: no line wider than the width, no character lost or moved', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer({ min: 30, max: 800 }), (text, width) => {
        const lines = wrapText(text, 11, width);
        for (const line of lines) expect(textWidth(line, 11)).toBeLessThanOrEqual(width);
        expect(lines.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
      }),
      { numRuns: 300 },
    );
  });
});

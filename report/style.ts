// Colour only for people: not when piped, not with NO_COLOR.
import { styleText } from 'node:util';
import { colourWanted } from '../infra/environment.ts';

type Style = Parameters<typeof styleText>[0];

export function styler(stream: NodeJS.WriteStream): (style: Style, text: string) => string {
  const colour = Boolean(stream.isTTY) && colourWanted();
  return (style, text) => (colour ? styleText(style, text) : text);
}

export const plain = (_style: Style, text: string): string => text;

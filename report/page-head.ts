// The head every page racelab writes begins with: the marker right after the
// charset (so the file is known again, FILE_FORMATS), a viewport for phones,
// the title as text, then the page's own style.
import { htmlText } from './report-text.ts';

export function pageStart(marker: string, title: string, style: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
${marker}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${htmlText(title)}</title>
<style>
${style.trim()}
</style>
</head>
`;
}

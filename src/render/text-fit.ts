/**
 * Fitting text to a width (social cards' titles, the notes under image grids): greedy word wrap
 * in the bundled font's advance widths, cut with "…" after the last allowed line. Pure and
 * deterministic (no layout engine involved), so text breaks the same way on every machine and
 * tests can predict it.
 */
import { bundledMetrics } from './text-metrics.ts';

/** Width of `text` in CSS px at `size` in the bundled font. */
export function measure(text: string, size: number, bold = false): number {
  const m = bundledMetrics();
  return (bold ? m.bold : m.regular).advance(text) * size;
}

/** The longest prefix of `text` that fits `width` with "…" appended (the whole text when it fits). */
export function ellipsize(text: string, width: number, size: number, bold = false): string {
  if (measure(text, size, bold) <= width) return text;
  const chars = [...text.trimEnd()];
  let n = chars.length;
  while (n > 0 && measure(`${chars.slice(0, n).join('').trimEnd()}…`, size, bold) > width) n--;
  return `${chars.slice(0, n).join('').trimEnd()}…`;
}

/**
 * `text` in at most `maxLines` lines of at most `width` px: words move to the next line whole; a
 * word wider than a line is cut; text left over after the last line ends it with "…".
 */
export function wrapText(text: string, width: number, size: number, bold: boolean, maxLines: number): string[] {
  const words = text.split(/\s+/).filter((w) => w !== '');
  const fits = (t: string) => measure(t, size, bold) <= width;
  const lines: string[] = [];
  let line = '';
  let placed = 0;
  for (const word of words) {
    if (lines.length === maxLines) break;
    const candidate = line ? `${line} ${word}` : word;
    if (fits(candidate)) {
      line = candidate;
      placed++;
      continue;
    }
    if (line) {
      lines.push(line);
      line = '';
      if (lines.length === maxLines) break;
    }
    placed++;
    if (fits(word)) line = word;
    else lines.push(ellipsize(word, width, size, bold)); // one word wider than a line: cut
  }
  if (line) lines.push(line);
  if (placed < words.length && lines.length > 0) lines[lines.length - 1] = ellipsize(`${lines.at(-1)!} ${words.slice(placed).join(' ')}`, width, size, bold);
  return lines;
}

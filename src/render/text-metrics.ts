/**
 * Text widths from the bundled TTFs' own advance widths, installed into vega's `textMetrics`.
 *
 * Without a canvas, vega estimates every string as `0.8 × fontSize × length`, which is far from
 * DejaVu Sans and makes legends, axis titles and long class names sit in the wrong place. Reading
 * `cmap` + `hmtx` from the same files resvg draws with gives layout widths that match the pixels
 * (kerning ignored: it only ever narrows text, so labels never clip).
 */
import { readFileSync } from 'node:fs';
import { fontFiles } from './fonts.ts';

/** Advance widths of one font, in em (1 = the font size). */
export interface FontMetrics {
  /** Width of `text` in em, summed over code points; unmapped characters use the .notdef glyph. */
  advance(text: string): number;
}

/** Parses the advance widths of a TrueType font (cmap format 12 or 4, hmtx). */
export function parseFontMetrics(buf: Buffer): FontMetrics {
  const tables = new Map<string, number>();
  const numTables = buf.readUInt16BE(4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i;
    tables.set(buf.toString('latin1', rec, rec + 4), buf.readUInt32BE(rec + 8));
  }
  const table = (tag: string): number => {
    const at = tables.get(tag);
    if (at === undefined) throw new Error(`The font has no '${tag}' table, so text widths cannot be measured.`);
    return at;
  };
  const unitsPerEm = buf.readUInt16BE(table('head') + 18);
  const numberOfHMetrics = buf.readUInt16BE(table('hhea') + 34);
  const hmtx = table('hmtx');
  const advanceOf = (glyph: number): number =>
    buf.readUInt16BE(hmtx + 4 * Math.min(glyph, numberOfHMetrics - 1));
  const glyphOf = cmapLookup(buf, table('cmap'));
  const cache = new Map<number, number>();
  const codeAdvance = (code: number): number => {
    let w = cache.get(code);
    if (w === undefined) {
      w = advanceOf(glyphOf(code)) / unitsPerEm;
      cache.set(code, w);
    }
    return w;
  };
  return {
    advance(text) {
      let sum = 0;
      for (const ch of text) sum += codeAdvance(ch.codePointAt(0) ?? 0);
      return sum;
    },
  };
}

/** Code point → glyph id, preferring the full-Unicode subtable (3,10 format 12) over BMP (3,1 format 4). */
function cmapLookup(buf: Buffer, cmap: number): (code: number) => number {
  const n = buf.readUInt16BE(cmap + 2);
  let fmt4 = -1;
  let fmt12 = -1;
  for (let i = 0; i < n; i++) {
    const rec = cmap + 4 + 8 * i;
    const sub = cmap + buf.readUInt32BE(rec + 4);
    const format = buf.readUInt16BE(sub);
    if (format === 12 && fmt12 < 0) fmt12 = sub;
    if (format === 4 && fmt4 < 0) fmt4 = sub;
  }
  if (fmt12 >= 0) {
    const groups = buf.readUInt32BE(fmt12 + 12);
    return (code) => {
      for (let g = 0; g < groups; g++) {
        const at = fmt12 + 16 + 12 * g;
        const start = buf.readUInt32BE(at);
        if (code >= start && code <= buf.readUInt32BE(at + 4)) return buf.readUInt32BE(at + 8) + code - start;
      }
      return 0;
    };
  }
  if (fmt4 < 0) throw new Error('The font has no Unicode cmap subtable (format 4 or 12), so text widths cannot be measured.');
  const segCount = buf.readUInt16BE(fmt4 + 6) / 2;
  const ends = fmt4 + 14;
  const starts = ends + 2 * segCount + 2;
  const deltas = starts + 2 * segCount;
  const ranges = deltas + 2 * segCount;
  return (code) => {
    if (code > 0xffff) return 0;
    for (let s = 0; s < segCount; s++) {
      if (code > buf.readUInt16BE(ends + 2 * s)) continue;
      const start = buf.readUInt16BE(starts + 2 * s);
      if (code < start) return 0;
      const delta = buf.readUInt16BE(deltas + 2 * s);
      const rangeAt = ranges + 2 * s;
      const range = buf.readUInt16BE(rangeAt);
      if (range === 0) return (code + delta) & 0xffff;
      const glyph = buf.readUInt16BE(rangeAt + range + 2 * (code - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}

let loaded: { regular: FontMetrics; bold: FontMetrics } | undefined;

/** Metrics of the bundled regular and bold faces (read once per process). */
export function bundledMetrics(): { regular: FontMetrics; bold: FontMetrics } {
  if (!loaded) {
    const files = fontFiles();
    loaded = {
      regular: parseFontMetrics(readFileSync(files.regular)),
      bold: parseFontMetrics(readFileSync(files.bold)),
    };
  }
  return loaded;
}

/** The subset of a vega text item that decides its width. */
export interface TextItemLike {
  fontSize?: number | string | null;
  fontWeight?: number | string | null;
  limit?: number | null;
}

/** Whether a CSS font-weight renders with the bold face (resvg picks bold from 600 up). */
export function isBold(weight: TextItemLike['fontWeight']): boolean {
  if (weight == null) return false;
  if (weight === 'bold' || weight === 'bolder') return true;
  const n = Number(weight);
  return Number.isFinite(n) && n >= 600;
}

/**
 * Width in CSS pixels of `text` as vega would lay it out for `item` (vega's default size is 11 px).
 * Truncated text never exceeds `item.limit`, so the measured width is capped there.
 */
export function measureText(item: TextItemLike, text: unknown): number {
  const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
  const str = text == null ? '' : String(text).trim();
  if (size <= 0 || str === '') return 0;
  const face = isBold(item.fontWeight) ? bundledMetrics().bold : bundledMetrics().regular;
  const width = face.advance(str) * size;
  const limit = Number(item.limit);
  return limit > 0 ? Math.min(width, limit) : width;
}

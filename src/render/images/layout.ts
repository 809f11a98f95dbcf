/**
 * Image figures laid out with satori: rows of labelled images → a self-contained SVG. satori
 * draws text as glyph paths from the bundled font, so the SVG looks the same in every viewer
 * (no font needed), and resvg rasterizes it like every other figure.
 */
import satori from 'satori';
import { FONT_FAMILY, satoriFonts } from '../fonts.ts';
import { BACKGROUND, INK, INK_MUTED } from '../theme.ts';
import { wrapText } from '../text-fit.ts';

/** A satori element (the JSX-free form: type + props). */
export interface Element {
  type: string;
  props: { style?: Record<string, unknown>; children?: unknown; [key: string]: unknown };
}

/** `h('div', { display: 'flex' }, children)`: build a satori element. */
export function h(type: string, style: Record<string, unknown>, children?: unknown, props: Record<string, unknown> = {}): Element {
  return { type, props: { style, ...(children !== undefined && { children }), ...props } };
}

/** An image element of exactly `width`×`height` CSS pixels. */
export function img(src: string, width: number, height: number): Element {
  return h('img', { width, height }, undefined, { src, width, height });
}

/** One row: a label column, then the row's cells. */
export interface LayoutRow {
  label: string;
  cells: Element[];
  /** This row's height, CSS px (default: the cell height). */
  height?: number;
}

export interface GridOptions {
  /** Width of the label column, CSS px (0 = no labels). */
  labelWidth: number;
  /** Space between cells, CSS px. */
  gap: number;
  /** Optional note under the grid (what the images are, the scale). */
  note?: string;
}

const PADDING = 12;
const LABEL_SIZE = 12;
/** The note under a grid: font size, line height and space above it, CSS px. */
const NOTE_SIZE = 11;
const NOTE_LINE = 14;
const NOTE_MARGIN = 8;

/** Render rows of equally sized cells (each `cellWidth`×`cellHeight`) to SVG. */
export async function gridSvg(rows: LayoutRow[], cellWidth: number, cellHeight: number, options: GridOptions): Promise<{ svg: string; width: number; height: number }> {
  const columns = Math.max(1, ...rows.map((r) => r.cells.length));
  const width = PADDING * 2 + (options.labelWidth > 0 ? options.labelWidth + options.gap : 0) + columns * cellWidth + (columns - 1) * options.gap;
  // Wrapped here, in the bundled font's metrics, so the height fits every line: satori let a
  // word run past the right edge ("clipped a|t") and the fixed one-line height cut the rest.
  const noteLines = options.note ? wrapText(options.note, width - PADDING * 2, NOTE_SIZE, false, 4) : [];
  const noteHeight = noteLines.length > 0 ? NOTE_MARGIN + noteLines.length * NOTE_LINE : 0;
  const height = PADDING * 2 + rows.reduce((s, r) => s + (r.height ?? cellHeight), 0) + (rows.length - 1) * options.gap + noteHeight;
  const row = (r: LayoutRow) =>
    h('div', { display: 'flex', flexDirection: 'row', alignItems: 'center', gap: options.gap, height: r.height ?? cellHeight }, [
      ...(options.labelWidth > 0 ? [h('div', { display: 'flex', width: options.labelWidth, fontSize: LABEL_SIZE, color: INK, overflow: 'hidden' }, r.label)] : []),
      ...r.cells,
    ]);
  const tree = h(
    'div',
    { display: 'flex', flexDirection: 'column', gap: options.gap, padding: PADDING, width, height, background: BACKGROUND, fontFamily: FONT_FAMILY },
    [
      ...rows.map(row),
      ...(noteLines.length > 0
        ? [h('div', { display: 'flex', flexDirection: 'column', fontSize: NOTE_SIZE, lineHeight: `${NOTE_LINE}px`, color: INK_MUTED, marginTop: NOTE_MARGIN - options.gap }, noteLines.map((l) => h('div', { display: 'flex' }, l)))]
        : []),
    ],
  );
  const svg = await satori(tree as unknown as Parameters<typeof satori>[0], { width, height, fonts: satoriFonts() });
  return { svg, width, height };
}

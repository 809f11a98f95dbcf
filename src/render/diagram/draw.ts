/**
 * A laid-out diagram → one self-contained SVG document. Shapes (frames, boxes, edges, arrow
 * heads, the legend's swatches) are written here as plain SVG; every piece of text is set by
 * satori in one pass over absolutely placed labels, which turns it into glyph paths from the
 * bundled font. The two are stacked in one <svg>: no font, no external reference, and the same
 * bytes for the same graph.
 */
import { BACKGROUND, INK, INK_MUTED } from '../theme.ts';
import { glyphLayer, type Label } from './glyphs.ts';
import type { DiagramGraph, DiagramNode } from './graph.ts';
import { BOX_INSET, BOX_PADDING, LINE, TEXT, boxText, familyOf, fitText, groupLines, textWidth, type LayerFamily } from './labels.ts';
import { frameLabelAt, type DiagramLayout, type PlacedBox } from './layout.ts';

/** Colour bar of each family: Okabe–Ito hues (grey for the rest), named beside a swatch in the legend. */
export const FAMILY_COLOURS: Record<LayerFamily, string> = {
  input: '#000000',
  convolution: '#0072B2',
  pooling: '#009E73',
  dense: '#D55E00',
  normalization: '#CC79A7',
  join: '#E69F00',
  nested: '#56B4E9',
  other: '#9ca3af',
};

/** Legend wording of each family, in legend order. */
export const FAMILY_NAMES: [LayerFamily, string][] = [
  ['input', 'Input'],
  ['convolution', 'Convolution'],
  ['normalization', 'Normalization'],
  ['pooling', 'Pooling'],
  ['dense', 'Dense'],
  ['join', 'Join'],
  ['nested', 'Nested model'],
  ['other', 'Other'],
];

/** Height of the legend row at the top, CSS px (layout's top margin must leave room for it). */
export const LEGEND_HEIGHT = 22;

/** Where the legend starts, CSS px: level with the frames' left side (diagramOptions). */
export const LEGEND_LEFT = 16;

const EDGE = '#6b7280';
const BOX_STROKE = '#6b7280';
const FROZEN_FILL = '#eef0f3';
const FRAME_FILL = '#f4f5f7';
const FRAME_STROKE = '#d1d5db';

/** One legend entry: a family's colour bar, or (no family) the frozen style; positions in CSS px. */
interface LegendItem {
  family?: LayerFamily;
  x: number;
  textX: number;
  text: string;
  /** Where the entry's text ends. */
  right: number;
}

/** The legend's entries from `left`: the families present (inside group boxes too), then the frozen style if any layer is frozen. */
export function legendItems(graph: DiagramGraph, left: number): LegendItem[] {
  const present = new Set(graph.nodes.flatMap((node) => (node.repeat ? node.repeat.occurrences.flat() : [node])).map(familyOf));
  const items: LegendItem[] = [];
  let x = left;
  for (const [family, text] of FAMILY_NAMES) {
    if (!present.has(family)) continue;
    items.push({ family, x, textX: x + 8, text, right: x + 8 + textWidth(text, TEXT.note) });
    x = items.at(-1)!.right + 14;
  }
  if (graph.nodes.some((node) => node.frozen)) {
    const text = 'frozen (not trained)';
    items.push({ x, textX: x + 21, text, right: x + 21 + textWidth(text, TEXT.note) });
  }
  return items;
}

const n = (v: number) => String(Math.round(v * 100) / 100);

/** A small arrow head pointing down with its tip at (x, y). */
function arrowHead(x: number, y: number): string {
  return `<path d="M${n(x - 3.5)},${n(y - 6)}L${n(x + 3.5)},${n(y - 6)}L${n(x)},${n(y)}Z" fill="${EDGE}"/>`;
}

/** How far each card behind a group box shows right of the one in front, CSS px (two cards: under half the lane gap). */
export const STACK_STEP = 3;

/**
 * A group box (collapse.ts): the card, its colour bar split into one segment per step of the
 * block (top to bottom in the block's order), the repeat count and steps in bold, the details.
 */
function drawGroup(node: DiagramNode, b: PlacedBox, shapes: string[], labels: Label[]): void {
  const run = node.repeat!;
  const dash = node.frozen ? ' stroke-dasharray="4 3"' : '';
  shapes.push(`<rect x="${n(b.x)}" y="${n(b.y)}" width="${n(b.width)}" height="${n(b.height)}" rx="4" fill="${node.frozen ? FROZEN_FILL : BACKGROUND}" stroke="${BOX_STROKE}"${dash}/>`);
  const bar = (b.height - 2) / run.steps.length;
  run.steps.forEach((step, k) => shapes.push(`<rect x="${n(b.x + 1)}" y="${n(b.y + 1 + k * bar)}" width="4" height="${n(bar)}" fill="${FAMILY_COLOURS[familyOf(step.node)]}"/>`));
  const inner = b.width - BOX_PADDING.left - BOX_PADDING.right;
  const lines = groupLines(node, inner);
  let y = b.y + BOX_INSET;
  for (const text of lines.title) {
    labels.push({ x: b.x + BOX_PADDING.left, y, text, size: TEXT.title, bold: true, colour: INK });
    y += LINE.title;
  }
  y += 1;
  for (const text of lines.details) {
    labels.push({ x: b.x + BOX_PADDING.left, y, text: fitText(text, inner, TEXT.detail), size: TEXT.detail, colour: INK_MUTED });
    y += LINE.detail;
  }
}

/** Draw the diagram to an SVG document of `layout.width` × `layout.height` CSS px. */
export async function drawDiagram(graph: DiagramGraph, layout: DiagramLayout): Promise<string> {
  const { width, height } = layout;
  const shapes: string[] = [`<rect x="0" y="0" width="${width}" height="${height}" fill="${BACKGROUND}"/>`];
  const labels: Label[] = [];

  for (const item of legendItems(graph, LEGEND_LEFT)) {
    if (item.family) shapes.push(`<rect x="${n(item.x)}" y="12" width="4" height="12" fill="${FAMILY_COLOURS[item.family]}"/>`);
    else shapes.push(`<rect x="${n(item.x)}" y="11.5" width="16" height="12" rx="2" fill="${FROZEN_FILL}" stroke="${BOX_STROKE}" stroke-dasharray="3 2"/>`);
    labels.push({ x: item.textX, y: 11, text: item.text, size: TEXT.note, colour: INK_MUTED });
  }

  for (const f of layout.frames) {
    shapes.push(`<rect x="${n(f.x)}" y="${n(f.y)}" width="${n(f.width)}" height="${n(f.height)}" rx="6" fill="${FRAME_FILL}" stroke="${FRAME_STROKE}"/>`);
    if (f.label) {
      const [x, y] = frameLabelAt(f);
      labels.push({ x, y, text: f.label, size: TEXT.note, colour: INK_MUTED });
    }
  }

  // A group box is the top card of a stack: two shorter cards behind it show on its right side
  // only, in the lane gap, so the gaps above and below (where its edges run) stay clear.
  for (const b of layout.boxes) {
    if (!graph.nodes[b.id]!.repeat) continue;
    for (const d of [STACK_STEP * 2, STACK_STEP]) shapes.push(`<rect x="${n(b.x + d)}" y="${n(b.y + d)}" width="${n(b.width)}" height="${n(b.height - 2 * d)}" rx="4" fill="${BACKGROUND}" stroke="${BOX_STROKE}"/>`);
  }

  for (const e of layout.edges) {
    const d = e.points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${n(x)},${n(y)}`).join('');
    shapes.push(`<path d="${d}" fill="none" stroke="${EDGE}" stroke-width="1.25"/>`);
  }
  for (const [x, y] of layout.junctions) shapes.push(`<circle cx="${n(x)}" cy="${n(y)}" r="2.75" fill="${EDGE}"/>`);
  // Arrow heads once per target: edges joining at a box share the last stretch.
  for (const b of layout.boxes) if (graph.nodes[b.id]!.inputs.length > 0) shapes.push(arrowHead(b.x + b.width / 2, b.y));

  for (const b of layout.boxes) {
    const node = graph.nodes[b.id]!;
    if (node.repeat) {
      drawGroup(node, b, shapes, labels);
      continue;
    }
    const text = boxText(node);
    const dash = node.frozen ? ' stroke-dasharray="4 3"' : '';
    const fill = node.frozen ? FROZEN_FILL : BACKGROUND;
    shapes.push(`<rect x="${n(b.x)}" y="${n(b.y)}" width="${n(b.width)}" height="${n(b.height)}" rx="4" fill="${fill}" stroke="${BOX_STROKE}"${dash}/>`);
    if (node.kind === 'nested') shapes.push(`<rect x="${n(b.x + 3)}" y="${n(b.y + 3)}" width="${n(b.width - 6)}" height="${n(b.height - 6)}" rx="3" fill="none" stroke="${BOX_STROKE}"/>`);
    shapes.push(`<rect x="${n(b.x + 1)}" y="${n(b.y + 1)}" width="4" height="${n(b.height - 2)}" fill="${FAMILY_COLOURS[familyOf(node)]}"/>`);
    const inner = b.width - BOX_PADDING.left - BOX_PADDING.right;
    const asideWidth = text.aside ? textWidth(text.aside, TEXT.detail) : 0;
    const title = fitText(text.title, inner - (asideWidth ? asideWidth + 12 : 0), TEXT.title, true);
    labels.push({ x: b.x + BOX_PADDING.left, y: b.y + 5, text: title, size: TEXT.title, bold: true, colour: INK });
    if (text.aside) labels.push({ x: b.x + b.width - BOX_PADDING.right - asideWidth, y: b.y + 6, text: text.aside, size: TEXT.detail, colour: INK_MUTED });
    labels.push({ x: b.x + BOX_PADDING.left, y: b.y + 20, text: fitText(text.detail, inner, TEXT.detail), size: TEXT.detail, colour: INK_MUTED });
  }

  const glyphs = await glyphLayer(labels, width, height);
  return `<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg">${shapes.join('')}${glyphs}</svg>`;
}

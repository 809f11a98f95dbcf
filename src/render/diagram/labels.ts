/**
 * What a layer's box says, and how wide boxes must be to say it: the type in bold with the
 * parameter count on the right, then the name and the output shape. Widths come from the bundled
 * font's advance widths (text-metrics.ts), so boxes fit the glyphs satori draws.
 */
import { fmtCount } from '../format.ts';
import { measure as textWidth } from '../text-fit.ts';
import type { DiagramNode } from './graph.ts';

/** Font sizes of a box's two lines and of the smaller annotations, CSS px. */
export const TEXT = { title: 11, detail: 10, note: 10 } as const;

/** Horizontal padding inside a box (left side includes the colour bar). */
export const BOX_PADDING = { left: 12, right: 8 } as const;

/** Bounds on the box width, CSS px: narrow enough for a column, wide enough for a long name. */
const WIDTH = { min: 168, max: 300 } as const;

/** The three texts of a box. */
export interface BoxText {
  /** Layer class ("Conv2D"); "Input" for the input layer. */
  title: string;
  /** Right of the title: parameter count, and "frozen". */
  aside: string;
  /** Name and output shape ("conv2d_1 · 28×28×16"). */
  detail: string;
}

/** "(None, 28, 28, 16)" → "28×28×16"; open dimensions read "?"; anything else is kept as is. */
export function shapeLabel(shape: string): string {
  const m = /^\((.*)\)$/.exec(shape.trim());
  if (!m) return shape;
  const dims = m[1]!.split(',').map((d) => d.trim()).filter((d) => d !== '');
  const rest = dims[0] === 'None' ? dims.slice(1) : dims;
  return rest.length === 0 ? shape : rest.map((d) => (d === 'None' ? '?' : d)).join('×');
}

/** "2,320 params", "1 param", "" for none. */
export function paramsLabel(params: number): string {
  if (params === 0) return '';
  return `${fmtCount(params)} ${params === 1 ? 'param' : 'params'}`;
}

/** The texts of a node's box. */
export function boxText(node: DiagramNode): BoxText {
  const params = paramsLabel(node.params);
  return {
    // A nested model keeps its class as the title; its double border and the legend say "nested".
    title: node.kind === 'input' ? 'Input' : node.type,
    aside: node.frozen ? (params ? `frozen · ${params}` : 'frozen') : params,
    detail: `${node.name} · ${shapeLabel(node.outputShape)}`,
  };
}

/** Width of `text` in CSS px at `size` in the bundled font. */
export { textWidth };

/** `text` cut to fit `width` px, ending in "…" when cut. */
export function fitText(text: string, width: number, size: number, bold = false): string {
  if (textWidth(text, size, bold) <= width) return text;
  const chars = [...text];
  let lo = 0;
  let hi = chars.length;
  // The longest prefix that fits with the ellipsis: binary search on its length.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (textWidth(`${chars.slice(0, mid).join('')}…`, size, bold) <= width) lo = mid;
    else hi = mid - 1;
  }
  return `${chars.slice(0, lo).join('')}…`;
}

/** One width for every box: the widest content, within bounds (longer texts are cut with "…"). */
export function boxWidth(texts: readonly BoxText[]): number {
  const inner = Math.max(
    0,
    ...texts.map((t) => Math.max(textWidth(t.title, TEXT.title, true) + (t.aside ? 12 + textWidth(t.aside, TEXT.detail) : 0), textWidth(t.detail, TEXT.detail))),
  );
  return Math.min(WIDTH.max, Math.max(WIDTH.min, Math.ceil(inner + BOX_PADDING.left + BOX_PADDING.right)));
}

/** What a layer is, for its colour bar and the legend. */
export type LayerFamily = 'input' | 'convolution' | 'pooling' | 'dense' | 'normalization' | 'join' | 'nested' | 'other';

/** The family of a layer class. */
export function familyOf(node: DiagramNode): LayerFamily {
  if (node.kind === 'input' || node.kind === 'join' || node.kind === 'nested') return node.kind;
  const t = node.type;
  if (/Conv/.test(t)) return 'convolution';
  if (/Pool/.test(t)) return 'pooling';
  if (t === 'Dense') return 'dense';
  if (/Normalization/.test(t)) return 'normalization';
  return 'other';
}

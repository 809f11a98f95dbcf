/**
 * What a layer's box says, and how wide boxes must be to say it: the type in bold with the
 * parameter count on the right, then the name and the output shape. Widths come from the bundled
 * font's advance widths (text-metrics.ts), so boxes fit the glyphs satori draws.
 */
import { fmtCount, plural } from '../format.ts';
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

/** Line heights of a box's title and detail lines, CSS px (font size × 1.2, rounded up). */
export const LINE = { title: 14, detail: 13 } as const;

/** Space above a box's first line and below its last, CSS px. */
export const BOX_INSET = 5;

/** The detail lines of a group box (collapse.ts): names, shapes and layer count, parameters, shortcut, padding. */
export function groupDetails(node: DiagramNode): string[] {
  const run = node.repeat!;
  const members = run.occurrences.flat();
  const first = run.occurrences[0]!;
  const lines = [node.name, `${shapeLabel(first.at(-1)!.outputShape)} → ${shapeLabel(node.outputShape)} · ${plural(members.length, 'layer')}`];
  const frozen = members.filter((m) => m.frozen).length;
  const params = paramsLabel(node.params) || 'no params';
  lines.push(frozen === 0 ? params : frozen === members.length ? `frozen · ${params}` : `${params} · ${fmtCount(frozen)} frozen`);
  if (run.shortcut) lines.push(run.shortcut === 'identity' ? 'residual: identity shortcut' : `residual: shortcut ${run.shortcut}`);
  if (run.padded > 0) lines.push(`${members.find((m) => /Padding/.test(m.type))?.type ?? 'Padding'} before ${run.padded} of the ${run.occurrences.length}`);
  return lines;
}

/**
 * Labels joined by arrows in lines of at most `width` px: a line that goes on ends in "→"; a
 * label never breaks; past `maxLines` the last line is cut with "…".
 */
export function wrapSteps(items: readonly string[], width: number, size: number, bold: boolean, maxLines: number): string[] {
  const lines: string[] = [];
  let line = '';
  items.forEach((item, i) => {
    const candidate = line ? `${line} → ${item}` : item;
    // Room for the arrow that ends the line if it breaks after this label.
    const need = i < items.length - 1 ? `${candidate} →` : candidate;
    if (!line || textWidth(need, size, bold) <= width) {
      line = candidate;
      return;
    }
    lines.push(`${line} →`);
    line = item;
  });
  if (line) lines.push(line);
  const kept = lines.length > maxLines ? [...lines.slice(0, maxLines - 1), `${lines[maxLines - 1]} ${lines[maxLines]}`] : lines;
  return kept.map((l) => fitText(l, width, size, bold));
}

/** The lines of a group box `width` px inside: "×13" and the block's layers (bold, wrapped), then the details. */
export function groupLines(node: DiagramNode, width: number): { title: string[]; details: string[] } {
  const run = node.repeat!;
  const labels = run.steps.map((s) => s.label);
  labels[0] = `×${run.occurrences.length} ${labels[0] ?? ''}`;
  return { title: wrapSteps(labels, width, TEXT.title, true, 5), details: groupDetails(node) };
}

/** Height of a box holding `lines`, CSS px. */
export function linesHeight(lines: { title: string[]; details: string[] }): number {
  return BOX_INSET + lines.title.length * LINE.title + 1 + lines.details.length * LINE.detail + BOX_INSET - 1;
}

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
  // A group box is coloured by its steps (draw.ts); as one family it is its first step's.
  if (node.repeat) return familyOf(node.repeat.steps[0]!.node);
  if (node.kind === 'input' || node.kind === 'join' || node.kind === 'nested') return node.kind;
  const t = node.type;
  if (/Conv/.test(t)) return 'convolution';
  if (/Pool/.test(t)) return 'pooling';
  if (t === 'Dense') return 'dense';
  if (/Normalization/.test(t)) return 'normalization';
  return 'other';
}

/**
 * The map of the penultimate-layer features (analysis/explain/embedding.ts) as a static scatter:
 *
 *   points      one circle per test image, coloured by its true class; misclassified images
 *               ringed in dark ink and drawn last, on top; each carries `data-index` (its test
 *               index) and a hover <title>, inside <a href> when `link` is given
 *   thumbnails  ~`thumbnails` test images placed at spread-out points: a grid of about that many
 *               cells over the points' extent, in each non-empty cell the point nearest the cell's
 *               centre (ties: the earlier point), skipped when it would cover most of one already
 *               placed; framed in the class colour, also carrying `data-index`
 *   labels      each class's name at the median of its points (colour alone cannot name ten
 *               classes for every reader; up to 20 classes, nudged apart when they collide), and
 *               a legend with each class's share of points whose nearest point shares its class
 *   axes        one scale for both (distances on the map are comparable in every direction); PCA
 *               axes say the share of variance they carry, UMAP's have no units
 *
 * Colours: the report's Okabe–Ito hues (compare-palette.ts: seven, yellow left out as too light
 * on white) then three from Paul Tol's "muted" scheme, chosen apart in lightness from those
 * (wine, olive, sand); past ten classes they repeat and the labels tell classes apart.
 */
import { chanceAgreement, nearestNeighbours, planeOf, type EmbeddingMethod, type EmbeddingPoint } from '../../analysis/explain/embedding.ts';
import { glyphLayer, type Label } from '../diagram/glyphs.ts';
import { toCsv } from '../csv.ts';
import { svgFigure, type RenderedFigure } from '../figure.ts';
import { fmtCount, fmtPercent } from '../format.ts';
import { COMPARE_PALETTE } from '../specs/compare-palette.ts';
import { measure, wrapText } from '../text-fit.ts';
import { BACKGROUND, GRID, INK, INK_MUTED } from '../theme.ts';
import { linked, testImage, xmlText } from './filter-top-images.ts';
import { imageDataUri, type TileShape } from './tile.ts';

/** Class colours in class order (repeating past ten). */
export const CLASS_PALETTE = [...COMPARE_PALETTE, '#882255', '#999933', '#DDCC77'] as const;

/** The colour of class `k`. */
export const classColour = (k: number) => CLASS_PALETTE[k % CLASS_PALETTE.length]!;

export interface EmbeddingPlotInput {
  method: EmbeddingMethod;
  points: readonly EmbeddingPoint[];
  classes: readonly string[];
  /** The test set as count × h·w·c bytes, and its image shape (for the thumbnails). */
  pixels: Uint8Array;
  shape: TileShape;
  /** The final Dense layer whose input the features are, and their number. */
  layer: string;
  dims: number;
  /** PCA: the share of variance of each axis. */
  explainedVariance?: [number, number];
  /** Thumbnails wanted (default 100; 0: none). */
  thumbnails?: number;
  /** URL of test image `index` (its sample page): wraps every point and thumbnail in <a href>. */
  link?: (index: number) => string;
}

const PADDING = 12;
const PLOT = 600;
const LEGEND_WIDTH = 150;
const THUMB = 28;
const RADIUS = 2.6;
const NOTE = 11;
const NOTE_LINE = 14;
/** Classes named on the map itself at most (more would bury the points). */
const MAX_LABELS = 20;
/** Legend rows at most (the last one says how many classes are left out). */
const LEGEND_ROWS = 33;

const n = (v: number) => String(Math.round(v * 100) / 100);

/**
 * Where data coordinates land: one scale for x and y, the plot `width` wide and as tall as the
 * points' extent needs (between half and all of `width`), the extent centred.
 */
function placement(points: readonly EmbeddingPoint[], left: number, top: number, width: number): { height: number; place: (p: EmbeddingPoint) => [number, number] } {
  const inset = THUMB / 2 + 2;
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const p of points) {
    x0 = Math.min(x0, p.x);
    x1 = Math.max(x1, p.x);
    y0 = Math.min(y0, p.y);
    y1 = Math.max(y1, p.y);
  }
  if (!(x1 >= x0)) [x0, x1, y0, y1] = [0, 0, 0, 0];
  const [sx, sy] = [x1 - x0 || 1e-9, y1 - y0 || 1e-9];
  const height = Math.round(Math.min(width, Math.max(width / 2, inset * 2 + ((width - 2 * inset) * sy) / sx)));
  const k = Math.min((width - 2 * inset) / sx, (height - 2 * inset) / sy);
  const cx = left + width / 2;
  const cy = top + height / 2;
  // y grows upwards on the map, downwards in SVG.
  return { height, place: (p) => [cx + (p.x - (x0 + x1) / 2) * k, cy - (p.y - (y0 + y1) / 2) * k] };
}

/**
 * Positions (into `screen`) of the points that get a thumbnail: a grid of about `count` cells over
 * the points' extent, the point nearest each non-empty cell's centre, skipping one that would
 * overlap an earlier choice by more than half a thumbnail (`size`) either way.
 */
export function thumbnailPoints(screen: readonly (readonly [number, number])[], count: number, size = THUMB): number[] {
  if (count <= 0 || screen.length === 0) return [];
  const xs = screen.map((s) => s[0]);
  const ys = screen.map((s) => s[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const w = Math.max(x1 - x0, 1e-9);
  const h = Math.max(y1 - y0, 1e-9);
  const nx = Math.max(1, Math.round(Math.sqrt((count * w) / h)));
  const ny = Math.max(1, Math.round(count / nx));
  const best = new Map<number, { i: number; d: number }>();
  screen.forEach(([x, y], i) => {
    const gx = Math.min(nx - 1, Math.floor(((x - x0) / w) * nx));
    const gy = Math.min(ny - 1, Math.floor(((y - y0) / h) * ny));
    const cx = x0 + ((gx + 0.5) * w) / nx;
    const cy = y0 + ((gy + 0.5) * h) / ny;
    const d = (x - cx) ** 2 + (y - cy) ** 2;
    const cell = gy * nx + gx;
    const known = best.get(cell);
    if (!known || d < known.d) best.set(cell, { i, d });
  });
  const chosen: number[] = [];
  for (const cell of [...best.keys()].sort((a, b) => a - b)) {
    const i = best.get(cell)!.i;
    const [x, y] = screen[i]!;
    if (chosen.some((j) => Math.abs(screen[j]![0] - x) < size / 2 && Math.abs(screen[j]![1] - y) < size / 2)) continue;
    chosen.push(i);
  }
  return chosen;
}

/** Median of a list (the mean of the middle two for an even count). */
function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The share of each class's points whose nearest point on the map has the same class, and the overall share. */
export function separation(points: readonly EmbeddingPoint[]): { overall: number; perClass: Map<number, number>; chance: number } {
  const nearest = nearestNeighbours(planeOf(points), 2, points.length);
  const same = new Map<number, [number, number]>();
  let all = 0;
  points.forEach((p, i) => {
    const ok = nearest[i]! >= 0 && points[nearest[i]!]!.true === p.true ? 1 : 0;
    all += ok;
    const [a, b] = same.get(p.true) ?? [0, 0];
    same.set(p.true, [a + ok, b + 1]);
  });
  const perClass = new Map([...same].map(([k, [a, b]]) => [k, a / b]));
  return { overall: points.length > 0 ? all / points.length : 0, perClass, chance: chanceAgreement(points.map((p) => p.true)) };
}

const METHOD_NAMES: Record<EmbeddingMethod, string> = { pca: 'PCA', umap: 'UMAP' };

function axisTitles(input: EmbeddingPlotInput): [string, string] {
  if (input.method === 'pca') {
    const v = input.explainedVariance;
    return [`PC 1${v ? ` (${fmtPercent(v[0])} of variance)` : ''} →`, `↑ PC 2${v ? ` (${fmtPercent(v[1])} of variance)` : ''}`];
  }
  return ['UMAP 1 →', '↑ UMAP 2'];
}

/** The plot as SVG; `thumbnails` are the positions in `points` that got one. */
export async function embeddingPlotSvg(input: EmbeddingPlotInput): Promise<{ svg: string; width: number; height: number; thumbnails: number[] }> {
  const { points, classes } = input;
  const left = PADDING;
  const top = PADDING + 18;
  const width = left + PLOT + 16 + LEGEND_WIDTH + PADDING;
  const { height: plotHeight, place } = placement(points, left, top, PLOT);
  const screen = points.map(place);
  const sep = separation(points);
  const mistakes = points.filter((p) => !p.correct).length;
  const note = `${METHOD_NAMES[input.method]} of the ${fmtCount(input.dims)} features the final layer (${input.layer}) reads, for ${fmtCount(points.length)} test images. ${fmtPercent(sep.overall)} of points have a nearest neighbour on the map of the same true class (${fmtPercent(sep.chance)} by chance). ${fmtCount(mistakes)} misclassified images are ringed.`;
  const noteLines = wrapText(note, width - 2 * PADDING, NOTE, false, 4);
  const plotBottom = top + plotHeight;
  // The legend needs its own room when the plot is short.
  const legendBottom = top + 20 + (Math.min(new Set(points.map((p) => p.true)).size, LEGEND_ROWS) + 1) * 16 + 50;
  const height = Math.max(plotBottom, legendBottom) + 18 + noteLines.length * NOTE_LINE + PADDING;

  const shapes: string[] = [`<rect x="0" y="0" width="${width}" height="${height}" fill="${BACKGROUND}"/>`];
  shapes.push(`<rect x="${left}" y="${top}" width="${PLOT}" height="${plotHeight}" fill="none" stroke="${GRID}"/>`);
  const [xTitle, yTitle] = axisTitles(input);
  const labels: Label[] = [
    { x: left, y: PADDING, text: yTitle, size: 11, bold: true, colour: INK },
    { x: left + PLOT - measure(xTitle, 11, true), y: plotBottom + 3, text: xTitle, size: 11, bold: true, colour: INK },
  ];

  const title = (p: EmbeddingPoint) => `#${p.index} ${classes[p.true] ?? p.true}${p.correct ? '' : ` → ${classes[p.predicted] ?? p.predicted}`}`;
  const mark = (p: EmbeddingPoint, i: number) => {
    const [x, y] = screen[i]!;
    const ring = p.correct ? '' : ` stroke="${INK}" stroke-width="1.3"`;
    const circle = `<circle class="point${p.correct ? '' : ' mistake'}" data-index="${p.index}" cx="${n(x)}" cy="${n(y)}" r="${p.correct ? RADIUS : RADIUS + 0.9}" fill="${classColour(p.true)}" fill-opacity="0.85"${ring}><title>${xmlText(title(p))}</title></circle>`;
    return linked(circle, p.index, input.link);
  };
  // Correct points first, mistakes on top.
  shapes.push('<g class="points">');
  points.forEach((p, i) => p.correct && shapes.push(mark(p, i)));
  points.forEach((p, i) => !p.correct && shapes.push(mark(p, i)));
  shapes.push('</g>');

  const chosen = thumbnailPoints(screen, input.thumbnails ?? 100);
  shapes.push('<g class="thumbnails">');
  for (const i of chosen) {
    const p = points[i]!;
    const [x, y] = screen[i]!;
    const image = testImage(input.pixels, input.shape, p.index);
    const src = await imageDataUri(image.bytes, image.shape, 1);
    const [tx, ty] = [n(x - THUMB / 2), n(y - THUMB / 2)];
    const body = `<image class="thumbnail" data-index="${p.index}" x="${tx}" y="${ty}" width="${THUMB}" height="${THUMB}" href="${src}"><title>${xmlText(title(p))}</title></image>`;
    shapes.push(linked(body, p.index, input.link));
    shapes.push(`<rect x="${tx}" y="${ty}" width="${THUMB}" height="${THUMB}" fill="none" stroke="${classColour(p.true)}" stroke-width="1.5"/>`);
  }
  shapes.push('</g>');

  // Class names at the median of their points, on a white tab framed in the class colour,
  // moved up or down in steps of a tab's height when they would cover an earlier name.
  const present = [...new Set(points.map((p) => p.true))].sort((a, b) => a - b);
  const tabs: { x: number; y: number; w: number }[] = [];
  const TAB = 16;
  for (const k of present.length <= MAX_LABELS ? present : []) {
    const mine = screen.filter((_, i) => points[i]!.true === k);
    const [mx, my] = [median(mine.map((s) => s[0])), median(mine.map((s) => s[1]))];
    const text = classes[k] ?? String(k);
    const w = measure(text, 10, true) + 8;
    const x = Math.min(Math.max(mx - w / 2, left + 1), left + PLOT - w - 1);
    const clampY = (y: number) => Math.min(Math.max(y, top + 1), plotBottom - TAB - 1);
    const free = (y: number) => tabs.every((t) => x + w <= t.x || t.x + t.w <= x || y + TAB <= t.y || t.y + TAB <= y);
    const tries = [0, 1, -1, 2, -2, 3, -3].map((d) => clampY(my - TAB / 2 + d * (TAB + 2)));
    const y = tries.find(free) ?? tries[0]!;
    tabs.push({ x, y, w });
    shapes.push(`<rect class="class-label" x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${TAB}" rx="3" fill="${BACKGROUND}" fill-opacity="0.85" stroke="${classColour(k)}" stroke-width="1.5"/>`);
    labels.push({ x: x + 4, y: y + 2, text, size: 10, bold: true, colour: INK });
  }

  // Legend: the classes present, then the ring.
  const lx = left + PLOT + 16;
  labels.push({ x: lx, y: top, text: 'true class', size: 11, bold: true, colour: INK });
  const rowH = 16;
  // Past what fits beside the plot, the legend ends with how many classes it leaves out.
  const fits = LEGEND_ROWS;
  const listed = present.length <= fits ? present : present.slice(0, fits - 1);
  listed.forEach((k, r) => {
    const y = top + 20 + r * rowH;
    shapes.push(`<circle cx="${lx + 5}" cy="${y + 7}" r="4.5" fill="${classColour(k)}"/>`);
    const share = sep.perClass.get(k) ?? 0;
    labels.push({ x: lx + 14, y, text: `${classes[k] ?? k}`, size: 10, colour: INK });
    labels.push({ x: lx + LEGEND_WIDTH - measure(fmtPercent(share), 9), y: y + 1, text: fmtPercent(share), size: 9, colour: INK_MUTED });
  });
  if (listed.length < present.length) labels.push({ x: lx + 14, y: top + 20 + listed.length * rowH, text: `+ ${present.length - listed.length} more classes`, size: 10, colour: INK_MUTED });
  const ly = top + 20 + (listed.length + (listed.length < present.length ? 1 : 0)) * rowH + 6;
  shapes.push(`<circle cx="${lx + 5}" cy="${ly + 7}" r="${RADIUS + 0.9}" fill="#ffffff" stroke="${INK}" stroke-width="1.3"/>`);
  labels.push({ x: lx + 14, y: ly, text: 'misclassified', size: 10, colour: INK });
  labels.push({ x: lx, y: ly + rowH + 4, text: '% = nearest point of', size: 9, colour: INK_MUTED });
  labels.push({ x: lx, y: ly + rowH + 15, text: 'the same class', size: 9, colour: INK_MUTED });

  const noteTop = height - PADDING - noteLines.length * NOTE_LINE;
  noteLines.forEach((line, i) => labels.push({ x: PADDING, y: noteTop + i * NOTE_LINE, text: line, size: NOTE, colour: INK_MUTED }));
  const glyphs = await glyphLayer(labels, width, height);
  const svg = `<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg">${shapes.join('')}${glyphs}</svg>`;
  return { svg, width, height, thumbnails: chosen };
}

/** Every point as CSV: index, x, y (5 significant digits), true and predicted class names, correct. */
export function embeddingCsv(points: readonly EmbeddingPoint[], classes: readonly string[]): string {
  const r = (v: number) => Number(v.toPrecision(5));
  return toCsv(
    ['index', 'x', 'y', 'true', 'predicted', 'correct'],
    points.map((p) => [p.index, r(p.x), r(p.y), classes[p.true] ?? String(p.true), classes[p.predicted] ?? String(p.predicted), p.correct ? 1 : 0]),
  );
}

/** Alt text from the same numbers as the picture: how well the classes separate, the least separated class, the mistakes. */
export function embeddingAlt(input: Pick<EmbeddingPlotInput, 'method' | 'points' | 'classes' | 'layer' | 'dims' | 'explainedVariance'>): string {
  const { points, classes } = input;
  const sep = separation(points);
  const worst = [...sep.perClass].sort((a, b) => a[1] - b[1] || a[0] - b[0])[0];
  const mistakes = points.filter((p) => !p.correct).length;
  return [
    `${METHOD_NAMES[input.method]} map of ${fmtCount(points.length)} test images by the ${fmtCount(input.dims)} features the final layer ${input.layer} reads, coloured by true class.`,
    `${fmtPercent(sep.overall)} of points have a nearest neighbour of the same class (${fmtPercent(sep.chance)} would be chance)${worst && sep.perClass.size > 1 ? `; the least separated class is ${classes[worst[0]] ?? worst[0]} (${fmtPercent(worst[1])})` : ''}.`,
    ...(input.method === 'pca' && input.explainedVariance ? [`The two axes carry ${fmtPercent(input.explainedVariance[0])} and ${fmtPercent(input.explainedVariance[1])} of the variance.`] : []),
    `${fmtCount(mistakes)} misclassified ${mistakes === 1 ? 'image is' : 'images are'} ringed.`,
  ].join(' ');
}

/** The rendered figure `embedding-<method>` (SVG, PNG, CSV of every point). */
export async function embeddingFigure(input: EmbeddingPlotInput): Promise<RenderedFigure> {
  const g = await embeddingPlotSvg(input);
  return svgFigure({
    name: `embedding-${input.method}`,
    title: `${METHOD_NAMES[input.method]} of the penultimate-layer features`,
    alt: embeddingAlt(input),
    svg: g.svg,
    width: g.width,
    height: g.height,
    data: { kind: 'csv', text: embeddingCsv(input.points, input.classes) },
  });
}

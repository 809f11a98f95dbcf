/**
 * What a filter responds to, two ways, one row per filter: its gradient-ascent pattern (the
 * input grown to excite it, filter-patterns.ts) beside the test images that excite it most
 * (top-images.ts), each with its score — the filter's mean pre-activation over the map's
 * interior, the patterns' own objective, so the numbers under the pattern and under the images
 * compare directly.
 *
 * Drawn as plain SVG (images, rules) with the text as glyph paths (diagram/glyphs.ts), so every
 * test image can carry its index: `data-index` on its <image>, a <title> for hover, and, with
 * `link`, an <a href> around it for the site to point at the sample page.
 */
import type { FilterPatterns } from '../../analysis/explain/filter-patterns.ts';
import type { FilterTopImages } from '../../analysis/explain/top-images.ts';
import { glyphLayer, type Label } from '../diagram/glyphs.ts';
import { svgFigure, type RenderedFigure } from '../figure.ts';
import { fmtCount } from '../format.ts';
import { measure, wrapText } from '../text-fit.ts';
import { BACKGROUND, GRID, INK, INK_MUTED } from '../theme.ts';
import { imageDataUri, tileScale, type TileShape } from './tile.ts';

/** Text for an XML attribute or element: & < > " escaped. */
export function xmlText(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/** `mark` wrapped in <a href> when `link` is given (the site decides the URL of test image `index`). */
export function linked(mark: string, index: number, link?: (index: number) => string): string {
  return link ? `<a href="${xmlText(link(index))}">${mark}</a>` : mark;
}

/** Test image `index` of a set stored as count × h·w·c bytes, as a tile's bytes (channels other than 1 or 3 averaged to grey). */
export function testImage(pixels: Uint8Array, shape: TileShape, index: number): { bytes: Uint8Array; shape: TileShape } {
  const [h, w, c] = shape;
  const size = h * w * c;
  if ((index + 1) * size > pixels.length) throw new Error(`Test image ${index} lies beyond the ${fmtCount(pixels.length / size)} images given.`);
  const bytes = pixels.subarray(index * size, (index + 1) * size);
  return greyUnlessDrawable(bytes, shape);
}

function greyUnlessDrawable(bytes: Uint8Array, shape: TileShape): { bytes: Uint8Array; shape: TileShape } {
  const [h, w, c] = shape;
  if (c === 1 || c === 3) return { bytes, shape };
  const grey = new Uint8Array(h * w);
  for (let p = 0; p < h * w; p++) {
    let s = 0;
    for (let k = 0; k < c; k++) s += bytes[p * c + k]!;
    grey[p] = Math.round(s / c);
  }
  return { bytes: grey, shape: [h, w, 1] };
}

/** Three significant digits, a true minus sign ("2.31", "−0.0412", "118"). */
export function valueText(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return String(Number(v.toPrecision(3))).replace(/^-/, '−');
}

const n = (v: number) => String(Math.round(v * 100) / 100);

export interface FilterTopImagesInput {
  /** One layer's patterns (the figure's rows are its filters). */
  patterns: FilterPatterns;
  /** The same layer's top images (of the same filters). */
  top: FilterTopImages;
  /** The scanned images (the test set) as count × h·w·c bytes, and their shape. */
  pixels: Uint8Array;
  shape: TileShape;
  /** Class names and each scanned image's true class, for the hover titles (optional). */
  classes?: readonly string[];
  labels?: ArrayLike<number>;
  /** URL of test image `index` (its sample page): wraps each test image in <a href>. */
  link?: (index: number) => string;
}

const PADDING = 12;
const GAP = 6;
const TEXT = 9;
const LINE = 11;
const NOTE = 11;
const NOTE_LINE = 14;

/** The figure as SVG: one row per filter, the pattern then the top images, a value under each. */
export async function filterTopImagesSvg(input: FilterTopImagesInput): Promise<{ svg: string; width: number; height: number }> {
  const { patterns: p, top } = input;
  if (p.layer !== top.layer) throw new Error(`The patterns are of layer ${p.layer} but the top images of ${top.layer}.`);
  const rows = Math.min(p.filters.length, top.filters.length);
  if (p.filters.slice(0, rows).some((f, r) => top.filters[r] !== f)) throw new Error(`The patterns are of filters ${p.filters.join(', ')} but the top images of ${top.filters.join(', ')}.`);
  const perRow = Math.max(0, ...top.indices.slice(0, rows).map((t) => t.length));
  const scale = tileScale(input.shape, 48);
  const tile = Math.max(input.shape[0], input.shape[1]) * scale;
  const patternShape: TileShape = [p.height, p.width, p.channels];
  const patternScale = tileScale(patternShape, tile);
  const header = 16;
  const rowLabels = Array.from({ length: rows }, (_, r) => [`filter ${p.filters[r]}`, `mean ${valueText(top.mean[r] ?? NaN)}`] as const);
  const labelWidth = Math.ceil(Math.max(40, ...rowLabels.map(([a, b]) => Math.max(measure(a, 11, true), measure(b, TEXT))))) + 10;
  const rowHeight = tile + 2 * LINE + 4;
  const imagesLeft = PADDING + labelWidth + tile + 3 * GAP;
  const width = Math.max(imagesLeft + perRow * (tile + GAP) - GAP + PADDING, 360);
  const note = `Numbers: the filter's mean ${top.preActivation ? 'pre-activation' : 'activation'} over the map's interior, for the pattern the value gradient ascent reached; "mean" is over all ${fmtCount(top.images)} test images.`;
  const noteLines = wrapText(note, width - 2 * PADDING, NOTE, false, 5);
  const height = PADDING + header + rows * rowHeight + (noteLines.length > 0 ? 4 + noteLines.length * NOTE_LINE : 0) + PADDING;

  const shapes: string[] = [`<rect x="0" y="0" width="${width}" height="${height}" fill="${BACKGROUND}"/>`];
  const labels: Label[] = [
    { x: PADDING + labelWidth, y: PADDING, text: 'pattern', size: 10, bold: true, colour: INK },
    { x: imagesLeft, y: PADDING, text: `top ${perRow} test images`, size: 10, bold: true, colour: INK },
  ];
  for (let r = 0; r < rows; r++) {
    const y = PADDING + header + r * rowHeight;
    const filter = p.filters[r]!;
    labels.push({ x: PADDING, y: y + tile / 2 - 12, text: rowLabels[r]![0], size: 11, bold: true, colour: INK });
    labels.push({ x: PADDING, y: y + tile / 2 + 2, text: rowLabels[r]![1], size: TEXT, colour: INK_MUTED });
    const bytes = Uint8Array.from(p.images[r]!, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
    const drawn = greyUnlessDrawable(bytes, patternShape);
    const uri = await imageDataUri(drawn.bytes, drawn.shape, patternScale);
    const px = PADDING + labelWidth;
    shapes.push(`<image class="pattern" data-filter="${filter}" x="${px}" y="${y}" width="${tile}" height="${tile}" href="${uri}"/>`);
    labels.push({ x: px, y: y + tile + 2, text: valueText(p.activationEnd[r]!), size: TEXT, colour: INK });
    shapes.push(`<line x1="${n(imagesLeft - 1.5 * GAP)}" y1="${y}" x2="${n(imagesLeft - 1.5 * GAP)}" y2="${y + tile}" stroke="${GRID}"/>`);
    const indices = top.indices[r]!;
    for (let k = 0; k < indices.length; k++) {
      const index = indices[k]!;
      const value = top.values[r]![k]!;
      const x = imagesLeft + k * (tile + GAP);
      const image = testImage(input.pixels, input.shape, index);
      const src = await imageDataUri(image.bytes, image.shape, scale);
      const cls = input.classes && input.labels ? ` (${input.classes[input.labels[index]!] ?? '?'})` : '';
      const title = `Test image ${index}${cls}: ${valueText(value)}`;
      shapes.push(linked(`<image class="test-image" data-index="${index}" x="${x}" y="${y}" width="${tile}" height="${tile}" href="${src}"><title>${xmlText(title)}</title></image>`, index, input.link));
      labels.push({ x, y: y + tile + 2, text: valueText(value), size: TEXT, colour: INK });
      labels.push({ x, y: y + tile + 2 + LINE, text: `#${index}`, size: TEXT, colour: INK_MUTED });
    }
  }
  const noteTop = PADDING + header + rows * rowHeight + 4;
  noteLines.forEach((line, i) => labels.push({ x: PADDING, y: noteTop + i * NOTE_LINE, text: line, size: NOTE, colour: INK_MUTED }));
  const glyphs = await glyphLayer(labels, width, height);
  return { svg: `<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg">${shapes.join('')}${glyphs}</svg>`, width, height };
}

/** The figure's data: per filter the pattern's objective before and after the ascent, the mean over all images, and the top images with their values. */
export function filterTopImagesData(input: Pick<FilterTopImagesInput, 'patterns' | 'top' | 'classes' | 'labels'>): string {
  const { patterns: p, top } = input;
  const round = (v: number) => Number(v.toPrecision(4));
  const filters = p.filters.slice(0, top.filters.length).map((filter, r) => ({
    filter,
    pattern: { activationStart: round(p.activationStart[r]!), activationEnd: round(p.activationEnd[r]!) },
    mean: round(top.mean[r]!),
    top: Array.from(top.indices[r]!, (index, k) => ({
      index,
      value: round(top.values[r]![k]!),
      ...(input.classes && input.labels && { true: input.classes[input.labels[index]!] }),
    })),
  }));
  return JSON.stringify({ layer: p.layer, preActivation: top.preActivation, images: top.images, filters }, null, 2) + '\n';
}

/** A file-name-safe form of a layer name (`extractor/conv2d_1` → `extractor-conv2d_1`). */
const slug = (layer: string) => layer.replace(/[^A-Za-z0-9_-]+/g, '-');

/** The rendered figure (SVG, PNG, JSON data) `filter-top-images-<layer>`. */
export async function filterTopImagesFigure(input: FilterTopImagesInput): Promise<RenderedFigure> {
  const { patterns: p, top } = input;
  const g = await filterTopImagesSvg(input);
  const rows = Math.min(p.filters.length, top.filters.length);
  const beaten = Array.from({ length: rows }, (_, r) => p.activationEnd[r]! > (top.values[r]![0] ?? -Infinity)).filter(Boolean).length;
  const firsts = Array.from({ length: rows }, (_, r) => top.values[r]![0] ?? NaN).filter(Number.isFinite);
  const alt = [
    `For ${rows} filters of layer ${p.layer}, the gradient-ascent pattern beside the test images (of ${fmtCount(top.images)}) that activate the filter most.`,
    ...(firsts.length > 0 ? [`The best test image scores ${valueText(Math.min(...firsts))} to ${valueText(Math.max(...firsts))} across the filters.`] : []),
    `The pattern scores higher than every test image for ${beaten} of ${rows} filters.`,
  ].join(' ');
  return svgFigure({
    name: `filter-top-images-${slug(p.layer)}`,
    title: `What filters of ${p.layer} respond to`,
    alt,
    svg: g.svg,
    width: g.width,
    height: g.height,
    data: { kind: 'json', text: filterTopImagesData(input) },
  });
}

/**
 * The social card: a 1200×630 PNG per experiment for link previews (Open Graph / Twitter
 * `summary_large_image` size), drawn like the diagram — shapes as plain SVG, text as glyph paths
 * from one satori pass — and rasterized by resvg at 1×, since link previews want exactly 1200×630.
 *
 *   ┌────────────────────────────────────────────────────────────┐
 *   │ convlens                                      wasm backend │
 *   │ Title of the experiment, in bold, at most two lines…       │
 *   │ dataset · classes · image shape                            │
 *   │ layers · parameters                                        │
 *   │ 91.6%                        validation accuracy · 5 epochs│
 *   │ test accuracy                ╱‾‾‾‾‾‾‾‾ sparkline           │
 *   │ experiment id                                   0.71 → 0.91│
 *   └────────────────────────────────────────────────────────────┘
 *
 * Same input, same bytes: no clock, no randomness, bundled fonts only (tested).
 */
import { fmtPercent, fmtValue } from '../format.ts';
import { svgToPng } from '../raster.ts';
import { BACKGROUND, INK, INK_MUTED } from '../theme.ts';
import { glyphLayer, type Label } from '../diagram/glyphs.ts';
import { sparkline, sparkPath } from './sparkline.ts';
import { ellipsize, measure, wrapText } from '../text-fit.ts';

/** What a card shows; every field already worded (see from-entry.ts). */
export interface CardInput {
  /** Experiment id, printed small at the bottom. */
  id: string;
  title: string;
  /** E.g. "fashion-mnist · 10 classes · 28×28×1". */
  dataset: string;
  /** E.g. "56 layers · 185,610 parameters · residual branches". */
  model: string;
  /** Test accuracy as a fraction (0–1). */
  testAccuracy: number;
  /** The sparkline: what it shows ("validation accuracy") and one value per epoch (null where not recorded). */
  curve: { label: string; values: (number | null)[] };
  /** The backend the model was trained on ("wasm", "tensorflow", …). */
  backend: string;
}

/** The card's size in CSS px, which is also its PNG size. */
export const CARD = { width: 1200, height: 630 } as const;

/** The accent: Okabe–Ito blue, as the training series in every chart. */
const ACCENT = '#0072B2';
const PANEL = '#f4f5f7';
const PAD = 64;
const TITLE = { size: 54, lineHeight: 64, maxLines: 2 } as const;

/** The card as an SVG document (1200×630 CSS px). */
export async function socialCardSvg(input: CardInput): Promise<string> {
  const { width, height } = CARD;
  const inner = width - 2 * PAD;
  const labels: Label[] = [];
  const shapes: string[] = [`<rect x="0" y="0" width="${width}" height="${height}" fill="${BACKGROUND}"/>`, `<rect x="0" y="0" width="12" height="${height}" fill="${ACCENT}"/>`];

  labels.push({ x: PAD, y: 44, text: 'convlens', size: 30, bold: true, colour: ACCENT });
  const backend = `${input.backend} backend`;
  labels.push({ x: width - PAD - measure(backend, 22), y: 50, text: backend, size: 22, colour: INK_MUTED });

  const title = wrapText(input.title, inner, TITLE.size, true, TITLE.maxLines);
  title.forEach((line, i) => labels.push({ x: PAD, y: 104 + i * TITLE.lineHeight, text: line, size: TITLE.size, bold: true, colour: INK }));
  const below = 104 + Math.max(1, title.length) * TITLE.lineHeight + 14;
  labels.push({ x: PAD, y: below, text: ellipsize(input.dataset, inner, 27), size: 27, colour: INK_MUTED });
  labels.push({ x: PAD, y: below + 40, text: ellipsize(input.model, inner, 27), size: 27, colour: INK_MUTED });

  // Headline number, bottom left.
  labels.push({ x: PAD - 4, y: 392, text: fmtPercent(input.testAccuracy), size: 100, bold: true, colour: INK });
  labels.push({ x: PAD, y: 516, text: 'test accuracy', size: 26, colour: INK_MUTED });
  labels.push({ x: PAD, y: 572, text: ellipsize(input.id, 480, 20), size: 20, colour: INK_MUTED });

  // Sparkline panel, bottom right.
  const panel = { x: 620, y: 392, width: width - PAD - 620, height: 196 };
  shapes.push(`<rect x="${panel.x}" y="${panel.y}" width="${panel.width}" height="${panel.height}" rx="14" fill="${PANEL}"/>`);
  const epochs = input.curve.values.length;
  const caption = `${input.curve.label} · ${epochs} ${epochs === 1 ? 'epoch' : 'epochs'}`;
  labels.push({ x: panel.x + 24, y: panel.y + 16, text: ellipsize(caption, panel.width - 48, 20), size: 20, colour: INK_MUTED });
  const line = sparkline(input.curve.values, { x: panel.x + 30, y: panel.y + 62, width: panel.width - 60, height: 82 });
  if (line) {
    shapes.push(`<path d="${sparkPath(line.points)}" fill="none" stroke="${ACCENT}" stroke-width="4" stroke-linejoin="round" stroke-linecap="round"/>`);
    const [ex, ey] = line.points.at(-1)!;
    shapes.push(`<circle cx="${Math.round(ex * 100) / 100}" cy="${Math.round(ey * 100) / 100}" r="7" fill="${ACCENT}"/>`);
    const first = input.curve.values.find((v) => v !== null && Number.isFinite(v)) as number;
    const last = [...input.curve.values].reverse().find((v) => v !== null && Number.isFinite(v)) as number;
    const range = first === last ? fmtValue(last) : `${fmtValue(first)} → ${fmtValue(last)}`;
    labels.push({ x: panel.x + panel.width - 24 - measure(range, 20), y: panel.y + panel.height - 38, text: range, size: 20, colour: INK });
  } else {
    labels.push({ x: panel.x + 24, y: panel.y + 90, text: 'no epochs recorded', size: 22, colour: INK_MUTED });
  }

  const glyphs = await glyphLayer(labels, width, height);
  return `<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg">${shapes.join('')}${glyphs}</svg>`;
}

/** The card as a 1200×630 PNG (and its SVG). */
export async function socialCard(input: CardInput): Promise<{ svg: string; png: Buffer }> {
  const svg = await socialCardSvg(input);
  return { svg, png: svgToPng(svg, { scale: 1 }) };
}

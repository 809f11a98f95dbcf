/**
 * One figure = spec → SVG → PNG, plus its data file, ready for the pipeline to write.
 *
 * Pure apart from CPU: no disk writes. The pipeline names the files (`<name>.svg`, `<name>.png`,
 * `<name>.<dataExt>`) and records them in the report manifest.
 */
import type { TopLevelSpec } from 'vega-lite';
import { toCsv } from './csv.ts';
import { svgToPng } from './raster.ts';
import { confusionCells, normalizeRows } from './specs/confusion-matrix.ts';
import type { HistoryRow } from './specs/training-curves.ts';
import { renderVegaLite } from './vega.ts';

/** A figure's downloadable data: CSV or JSON text. */
export interface FigureData {
  kind: 'csv' | 'json';
  text: string;
}

/** What {@link renderFigure} needs. */
export interface FigureInput {
  /** File stem, e.g. `training-curves`; unique within an experiment. */
  name: string;
  /** Human title for the caption and the download links. */
  title: string;
  spec: TopLevelSpec;
  /** Alt text generated from the data (see specs/*Alt). */
  alt: string;
  data: FigureData;
}

/** A rendered figure, in memory. */
export interface RenderedFigure {
  name: string;
  title: string;
  alt: string;
  svg: string;
  /** PNG at 2× the SVG's CSS pixel size. */
  png: Buffer;
  /** The data file's text. */
  data: string;
  /** Extension of the data file, without the dot. */
  dataExt: 'csv' | 'json';
  /** CSS pixel width of the SVG (the PNG is twice this). */
  width: number;
  /** CSS pixel height of the SVG (the PNG is twice this). */
  height: number;
}

/** Renders one figure to SVG and PNG (2×) and carries its data along. */
export async function renderFigure(input: FigureInput): Promise<RenderedFigure> {
  const { svg, width, height } = await renderVegaLite(input.spec);
  return {
    name: input.name,
    title: input.title,
    alt: input.alt,
    svg,
    png: svgToPng(svg, { scale: 2 }),
    data: input.data.text,
    dataExt: input.data.kind,
    width,
    height,
  };
}

/** A figure drawn as SVG by other means (satori image grids): rasterized and bundled like the charts. */
export function svgFigure(input: Omit<FigureInput, 'spec'> & { svg: string; width: number; height: number }): RenderedFigure {
  return {
    name: input.name,
    title: input.title,
    alt: input.alt,
    svg: input.svg,
    png: svgToPng(input.svg, { scale: 2 }),
    data: input.data.text,
    dataExt: input.data.kind,
    width: input.width,
    height: input.height,
  };
}

/** Column order of history.csv (and of the training-curves figure's data). */
export const HISTORY_COLUMNS = ['epoch', 'loss', 'accuracy', 'val_loss', 'val_accuracy', 'lr'] as const;

/** history.csv: one row per epoch; missing validation values are empty cells. */
export function historyCsv(rows: readonly HistoryRow[]): FigureData {
  return {
    kind: 'csv',
    text: toCsv([...HISTORY_COLUMNS], rows.map((r) => HISTORY_COLUMNS.map((c) => r[c]))),
  };
}

/** The confusion figures' data: `{ classes, matrix, normalized }` (rows = true class), 2-space JSON. */
export function confusionJson(classes: readonly string[], matrix: readonly (readonly number[])[]): FigureData {
  confusionCells(classes, matrix); // validates the shape with a clear message
  const text = JSON.stringify({ classes, matrix, normalized: normalizeRows(matrix) }, null, 2) + '\n';
  return { kind: 'json', text };
}

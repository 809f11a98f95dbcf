/**
 * The shared look of every chart: one font, one set of sizes, one palette.
 *
 * Figures are drawn on solid white so they are self-contained: the same PNG/SVG reads the same
 * on the site's light and dark themes, in a slide deck or in a printed archive.
 */
import type { Config } from 'vega-lite';
import { FONT_FAMILY } from './fonts.ts';

/** Text colour (near-black slate): 15:1 contrast on white. */
export const INK = '#1f2937';
/** Secondary text (tick labels, legend labels): 7:1 contrast on white. */
export const INK_MUTED = '#4b5563';
/** Grid lines: visible but quieter than data. */
export const GRID = '#e5e7eb';
/** The figure background; every figure is opaque. */
export const BACKGROUND = '#ffffff';

/**
 * Series colours (Okabe–Ito blue and vermillion): distinguishable with every common colour-vision
 * deficiency and in greyscale; dash patterns repeat the distinction for print.
 */
export const SERIES = { train: '#0072B2', validation: '#D55E00' } as const;

/** Dataset splits (Okabe–Ito blue, vermillion, bluish green), matching the training-curve series. */
export const SPLITS = { train: '#0072B2', validation: '#D55E00', test: '#009E73' } as const;

/** Vega-Lite config shared by every chart. */
export const THEME: Config = {
  background: BACKGROUND,
  padding: 12,
  font: FONT_FAMILY,
  view: { stroke: null },
  title: { font: FONT_FAMILY, fontSize: 15, fontWeight: 'bold', color: INK, anchor: 'start', offset: 10 },
  axis: {
    labelFont: FONT_FAMILY,
    labelFontSize: 11,
    labelColor: INK_MUTED,
    titleFont: FONT_FAMILY,
    titleFontSize: 12,
    titleFontWeight: 'bold',
    titleColor: INK,
    titlePadding: 8,
    domainColor: '#9ca3af',
    tickColor: '#9ca3af',
    gridColor: GRID,
  },
  legend: {
    labelFont: FONT_FAMILY,
    labelFontSize: 11,
    labelColor: INK,
    titleFont: FONT_FAMILY,
    titleFontSize: 12,
    titleFontWeight: 'bold',
    titleColor: INK,
    symbolStrokeWidth: 2.5,
  },
  header: {
    labelFont: FONT_FAMILY,
    titleFont: FONT_FAMILY,
    labelFontSize: 13,
    labelFontWeight: 'bold',
    labelColor: INK,
    titleColor: INK,
  },
  text: { font: FONT_FAMILY, color: INK },
  line: { strokeWidth: 2 },
  point: { size: 36, filled: true },
};

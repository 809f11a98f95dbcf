/**
 * SVG → PNG with resvg, using only the bundled fonts (system fonts off), so a PNG is the same
 * bytes on every machine whatever fonts it has installed.
 */
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import { FONT_FAMILY, fontFiles } from './fonts.ts';

/** Options for {@link svgToPng}. */
export interface RasterOptions {
  /** Device pixels per CSS pixel; 2 gives crisp figures on high-density screens and in print. */
  scale?: number;
}

/** The resvg options every rasterization uses; exported so tests can assert system fonts stay off. */
export function resvgOptions(scale: number): ResvgRenderOptions {
  const files = fontFiles();
  return {
    fitTo: { mode: 'zoom', value: scale },
    font: {
      loadSystemFonts: false,
      fontFiles: [files.regular, files.bold],
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
    shapeRendering: 2,
    textRendering: 1,
    imageRendering: 0,
  };
}

/** Rasterizes an SVG document to PNG at `scale` × its CSS pixel size (default 2). */
export function svgToPng(svg: string, { scale = 2 }: RasterOptions = {}): Buffer {
  if (!(scale > 0)) {
    throw new Error(`svgToPng: scale must be a positive number of device pixels per CSS pixel; received ${scale}.`);
  }
  return new Resvg(svg, resvgOptions(scale)).render().asPng();
}

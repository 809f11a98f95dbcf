/**
 * The one font every figure uses: DejaVu Sans, bundled through the `dejavu-fonts-ttf` package so
 * layout (vega) and rasterization (resvg) see the same glyphs on every machine.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** CSS font-family name written into every chart; matches the TTFs' family name. */
export const FONT_FAMILY = 'DejaVu Sans';

/** Absolute paths of the bundled TTF files. */
export interface FontFiles {
  regular: string;
  bold: string;
}

let cached: FontFiles | undefined;

/** Absolute paths of the bundled DejaVu Sans regular and bold TTFs (resolved once). */
export function fontFiles(): FontFiles {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('dejavu-fonts-ttf/package.json'));
  cached = {
    regular: join(root, 'ttf', 'DejaVuSans.ttf'),
    bold: join(root, 'ttf', 'DejaVuSans-Bold.ttf'),
  };
  return cached;
}

type SatoriFonts = { name: string; data: Buffer; weight: 400 | 700; style: 'normal' }[];
let satoriCache: SatoriFonts | undefined;

/** The bundled DejaVu Sans regular and bold, read once, in satori's font format (diagrams, cards, image grids). */
export function satoriFonts(): SatoriFonts {
  if (!satoriCache) {
    const files = fontFiles();
    satoriCache = [
      { name: FONT_FAMILY, data: readFileSync(files.regular), weight: 400, style: 'normal' },
      { name: FONT_FAMILY, data: readFileSync(files.bold), weight: 700, style: 'normal' },
    ];
  }
  return satoriCache;
}

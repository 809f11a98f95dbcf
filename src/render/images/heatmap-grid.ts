/**
 * Grids of heatmaps: one row per image, one column per map (a method, a class, a layer's
 * channel…), each column on one shared colour scale with its legend underneath, so equal
 * colours mean equal values within a column. The image itself can lead each row.
 */
import { colorize, colormapLut, overlay, type ColorScale } from '../colormaps.ts';
import { INK_MUTED } from '../theme.ts';
import { gridSvg, h, img, type Element } from './layout.ts';
import { imageDataUri, tileScale, type TileShape } from './tile.ts';

/** One column of maps (one per row), all on `scale`. */
export interface MapColumn {
  title: string;
  /** h·w values per row, at the image's resolution. */
  maps: Float32Array[];
  scale: ColorScale;
  /** Draw the map over the (greyed) image at this opacity instead of on its own (maps at the image's size only). */
  overlay?: number;
  /** [height, width] of the maps when not the image's (feature maps of a deeper layer): drawn at the same display size. */
  mapShape?: [number, number];
}

export interface HeatmapGridInput {
  /** Shape of the images (and, [h, w], of the maps). */
  shape: TileShape;
  /** Row labels, e.g. "#12 Coat → Shirt (0.61)". */
  rows: string[];
  /** The images (h·w·c bytes each), shown first in each row unless `showImages` is false. */
  images: Uint8Array[];
  showImages?: boolean;
  columns: MapColumn[];
  note?: string;
}

/**
 * A legend value in two significant digits without trailing zeros ("3", "0.012", "−1.5e-5"); a
 * value within a thousandth of the scale's span of zero reads "0".
 */
export function legendNumber(v: number, span: number): string {
  if (v === 0 || Math.abs(v) < span * 1e-3) return '0';
  const a = Math.abs(v);
  const text = a >= 1e-3 && a < 1e4 ? String(Number(v.toPrecision(2))) : v.toExponential(1).replace('e-', 'e−').replace('.0e', 'e');
  return text.replace(/^-/, '−');
}

/** A gradient bar with its ends (and the centre of a diverging scale) labelled. */
export function legend(scale: ColorScale, width: number): Element {
  const lut = colormapLut(scale.colormap);
  const stops = Array.from({ length: 9 }, (_, i) => {
    const j = Math.round((i / 8) * 255) * 3;
    return `rgb(${lut[j]}, ${lut[j + 1]}, ${lut[j + 2]}) ${(i / 8) * 100}%`;
  });
  const label = (text: string) => h('div', { display: 'flex', fontSize: 9, color: INK_MUTED }, text);
  const clip = scale.clipped !== undefined ? `${scale.kind === 'diverging' ? '±' : '≤'} p${scale.clipped}` : '';
  return h('div', { display: 'flex', flexDirection: 'column', width, gap: 1 }, [
    h('div', { display: 'flex', width, height: 6, backgroundImage: `linear-gradient(to right, ${stops.join(', ')})` }),
    h('div', { display: 'flex', justifyContent: 'space-between', width }, [
      label(legendNumber(scale.min, scale.max - scale.min)),
      ...(scale.kind === 'diverging' ? [label('0')] : clip ? [label(clip)] : []),
      label(legendNumber(scale.max, scale.max - scale.min)),
    ]),
  ]);
}

/** Render the grid to SVG. */
export async function heatmapGrid(input: HeatmapGridInput): Promise<{ svg: string; width: number; height: number }> {
  const { shape } = input;
  const [hh, ww, c] = shape;
  const scale = tileScale(shape, 80);
  const size = Math.max(hh, ww) * scale;
  const showImages = input.showImages ?? true;
  const tile = (bytes: Uint8Array, channels: number) => imageDataUri(bytes, [hh, ww, channels], scale);
  const header = {
    label: '',
    height: 28,
    cells: [...(showImages ? ['Image'] : []), ...input.columns.map((col) => col.title)].map((t) =>
      h('div', { display: 'flex', width: size, fontSize: 10, color: INK_MUTED, justifyContent: 'center', textAlign: 'center' }, t),
    ),
  };
  const rows = await Promise.all(
    input.rows.map(async (label, r) => {
      const image = input.images[r]!;
      const cells: Element[] = [];
      if (showImages) cells.push(img(await tile(image, c), ww * scale, hh * scale));
      for (const col of input.columns) {
        const heat = colorize(col.maps[r]!, col.scale);
        if (col.mapShape) {
          // A deeper layer's map: scale it up to the image's display size by whole pixels where possible.
          const [mh, mw] = col.mapShape;
          const s = Math.max(1, Math.floor(size / Math.max(mh, mw)));
          cells.push(img(await imageDataUri(heat, [mh, mw, 3], s), size, size));
          continue;
        }
        const rgb = col.overlay !== undefined ? overlay(image, c, heat, col.overlay) : heat;
        cells.push(img(await tile(rgb, 3), ww * scale, hh * scale));
      }
      return { label, cells };
    }),
  );
  const legends = {
    label: '',
    height: 22,
    cells: [...(showImages ? [h('div', { display: 'flex', width: size })] : []), ...input.columns.map((col) => legend(col.scale, size))],
  };
  const labelWidth = Math.min(170, Math.max(60, 6.5 * Math.max(...input.rows.map((l) => l.length))));
  const out = await gridSvg([header, ...rows, legends], size, size, { labelWidth, gap: 4, ...(input.note !== undefined && { note: input.note }) });
  return out;
}

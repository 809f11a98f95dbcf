/**
 * Test images with what the model said about them: each cell shows the image, the predicted
 * class with its probability (marked wrong, with the true class, when it is), and the three
 * highest class probabilities as bars. Used for sample predictions and for the most confident
 * mistakes.
 */
import { INK, INK_MUTED, SERIES } from '../theme.ts';
import { gridSvg, h, img, type Element } from './layout.ts';
import { imageDataUri, tileScale, type TileShape } from './tile.ts';

/** One test image and the model's answer. */
export interface PredictionItem {
  /** Index in the test set. */
  index: number;
  pixels: Uint8Array;
  trueClass: string;
  predictedClass: string;
  /** The highest class probabilities, highest first (three are drawn). */
  top: { className: string; probability: number }[];
}

const PER_ROW = 8;
const BAR_ROWS = 3;

function bars(top: PredictionItem['top'], width: number, right: string): Element {
  return h(
    'div',
    { display: 'flex', flexDirection: 'column', gap: 1, width },
    top.slice(0, BAR_ROWS).map((t) =>
      h('div', { display: 'flex', flexDirection: 'column', width }, [
        h('div', { display: 'flex', justifyContent: 'space-between', width, fontSize: 8, color: INK_MUTED }, [
          h('div', { display: 'flex', overflow: 'hidden', whiteSpace: 'nowrap', maxWidth: width - 26 }, t.className),
          h('div', { display: 'flex' }, t.probability.toFixed(2)),
        ]),
        h('div', { display: 'flex', width, height: 3, background: '#e5e7eb' }, [
          h('div', { display: 'flex', width: Math.max(1, Math.round(t.probability * width)), height: 3, background: t.className === right ? SERIES.train : '#9ca3af' }),
        ]),
      ]),
    ),
  );
}

/** The grid as SVG; `caption` goes under it. */
export async function predictionGrid(items: readonly PredictionItem[], shape: TileShape, caption: string): Promise<{ svg: string; width: number; height: number }> {
  const scale = tileScale(shape, 72);
  const size = Math.max(shape[0], shape[1]) * scale;
  const width = Math.max(size, 96);
  const cells = await Promise.all(
    items.map(async (item) => {
      const wrong = item.predictedClass !== item.trueClass;
      const p = item.top.find((t) => t.className === item.predictedClass)?.probability ?? 0;
      return h('div', { display: 'flex', flexDirection: 'column', alignItems: 'center', width, gap: 2 }, [
        img(await imageDataUri(item.pixels, shape, scale), shape[1] * scale, shape[0] * scale),
        h('div', { display: 'flex', fontSize: 9, color: INK_MUTED }, `#${item.index}`),
        h('div', { display: 'flex', fontSize: 10, color: wrong ? SERIES.validation : INK, maxWidth: width, overflow: 'hidden', whiteSpace: 'nowrap' }, `${wrong ? '✗ ' : ''}${item.predictedClass} ${p.toFixed(2)}`),
        h('div', { display: 'flex', fontSize: 9, color: INK_MUTED, maxWidth: width, overflow: 'hidden', whiteSpace: 'nowrap' }, wrong ? `true: ${item.trueClass}` : ' '),
        bars(item.top, width, item.trueClass),
      ]);
    }),
  );
  const rows = [];
  for (let r = 0; r * PER_ROW < cells.length; r++) rows.push({ label: '', cells: cells.slice(r * PER_ROW, (r + 1) * PER_ROW) });
  const cellHeight = size + 3 * 13 + BAR_ROWS * 14 + 4;
  return gridSvg(rows, width, cellHeight, { labelWidth: 0, gap: 8, note: caption });
}

/** The top `count` classes of one probability row, highest first (ties: lower class index first). */
export function topClasses(probs: ArrayLike<number>, row: number, classes: readonly string[], count = BAR_ROWS): PredictionItem['top'] {
  const k = classes.length;
  const order = Array.from({ length: k }, (_, j) => j).sort((a, b) => probs[row * k + b]! - probs[row * k + a]! || a - b);
  return order.slice(0, count).map((j) => ({ className: classes[j]!, probability: probs[row * k + j]! }));
}

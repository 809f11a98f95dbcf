import { readFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { confusionJson, historyCsv, renderFigure } from '../../../src/render/figure.ts';
import { FONT_FAMILY } from '../../../src/render/fonts.ts';
import { resvgOptions, svgToPng } from '../../../src/render/raster.ts';
import { confusionMatrixAlt, confusionMatrixSpec } from '../../../src/render/specs/confusion-matrix.ts';
import { trainingCurvesSpec, type HistoryRow } from '../../../src/render/specs/training-curves.ts';
import { measureText } from '../../../src/render/text-metrics.ts';
import { renderVegaLite } from '../../../src/render/vega.ts';

const fashion = JSON.parse(readFileSync(new URL('../../fixtures/render/fashion-confusion.json', import.meta.url), 'utf8')) as {
  classes: string[];
  matrix: number[][];
};
const history: HistoryRow[] = Array.from({ length: 6 }, (_, i) => ({
  epoch: i + 1,
  loss: 0.6 - 0.07 * i,
  accuracy: 0.78 + 0.02 * i,
  val_loss: 0.55 - 0.04 * i,
  val_accuracy: 0.74 + 0.025 * i,
  lr: 0.001,
}));

/** Text content of every <text> element in an SVG. */
const svgTexts = (svg: string) => [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

/** Pixels of a PNG that are not (near-)white. */
async function inkPixels(png: Buffer): Promise<number> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let n = 0;
  for (let i = 0; i < data.length; i += info.channels) if (data[i]! < 200 || data[i + 1]! < 200 || data[i + 2]! < 200) n++;
  return n;
}

describe('renderVegaLite', () => {
  it('confusion matrix SVG carries axis titles and every class name as text, in the bundled font', async () => {
    const { svg } = await renderVegaLite(confusionMatrixSpec(fashion.classes, fashion.matrix));
    const texts = svgTexts(svg);
    expect(texts).toContain('Predicted');
    expect(texts).toContain('True');
    for (const c of fashion.classes) expect(texts).toContain(c);
    expect(svg).toContain(`font-family="${FONT_FAMILY}"`);
  });

  it('training curves SVG names both panels and series; no Validation when there is none', async () => {
    const withVal = svgTexts((await renderVegaLite(trainingCurvesSpec(history))).svg);
    for (const t of ['Loss', 'Accuracy', 'Epoch', 'Training', 'Validation']) expect(withVal).toContain(t);
    const noVal = history.map((r) => ({ ...r, val_loss: null, val_accuracy: null }));
    expect(svgTexts((await renderVegaLite(trainingCurvesSpec(noVal))).svg)).not.toContain('Validation');
  });

  it('is byte-identical when rendered twice, even with other figures rendered in between', async () => {
    const spec = confusionMatrixSpec(fashion.classes, fashion.matrix, 'normalized');
    const a = await renderVegaLite(spec);
    await renderVegaLite(trainingCurvesSpec(history));
    const b = await renderVegaLite(spec);
    expect(b.svg).toBe(a.svg);
    expect(svgToPng(b.svg).equals(svgToPng(a.svg))).toBe(true);
  });
});

describe('text metrics', () => {
  it('match the width resvg draws with the bundled font (independent oracle: the rasterizer)', () => {
    for (const [text, weight] of [['Ankle boot', 'normal'], ['T-shirt/top', 'bold'], ['Accuracy 0.91', 'normal']] as const) {
      const size = 100;
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="2000" height="200"><text x="10" y="150" font-family="${FONT_FAMILY}" font-size="${size}" font-weight="${weight}">${text}</text></svg>`;
      const ink = new Resvg(svg, resvgOptions(1)).getBBox()!;
      const ours = measureText({ fontSize: size, fontWeight: weight }, text);
      // Ink box excludes side bearings and kerning, advances include them: agree within 4%.
      expect(Math.abs(ours - ink.width) / ours).toBeLessThan(0.04);
    }
  });

  it('cap a limited label at its limit and treat 600+ as bold', () => {
    expect(measureText({ fontSize: 11, limit: 20 }, 'a very long label indeed')).toBe(20);
    expect(measureText({ fontSize: 11, fontWeight: 700 }, 'Wide')).toBeGreaterThan(measureText({ fontSize: 11 }, 'Wide'));
  });
});

describe('svgToPng', () => {
  const titleOnly = { title: { text: 'Validation accuracy', fontSize: 24 }, data: { values: [] }, mark: 'point' } as const;

  it('draws glyphs with system fonts off: a title-only chart is not blank', async () => {
    expect(resvgOptions(2).font).toMatchObject({ loadSystemFonts: false, defaultFontFamily: FONT_FAMILY });
    const { svg } = await renderVegaLite(titleOnly);
    expect(await inkPixels(svgToPng(svg))).toBeGreaterThan(500);
    // Control: the same SVG with no font files at all draws nothing, so the count above proves the bundled font.
    const bare = new Resvg(svg, { font: { loadSystemFonts: false, fontFiles: [] } }).render().asPng();
    expect(await inkPixels(bare)).toBe(0);
  });

  it('produces a PNG at 2x the SVG CSS size by default and at the requested scale', async () => {
    const { svg, width, height } = await renderVegaLite(trainingCurvesSpec(history));
    expect(await sharp(svgToPng(svg)).metadata()).toMatchObject({ format: 'png', width: 2 * width, height: 2 * height });
    expect(await sharp(svgToPng(svg, { scale: 1 })).metadata()).toMatchObject({ width, height });
    expect(() => svgToPng(svg, { scale: 0 })).toThrow(/scale must be a positive number/);
  });
});

describe('renderFigure and figure data', () => {
  it('returns SVG, a 2x PNG, the data and its extension', async () => {
    const fig = await renderFigure({
      name: 'confusion-counts',
      title: 'Confusion matrix',
      spec: confusionMatrixSpec(fashion.classes, fashion.matrix),
      alt: confusionMatrixAlt(fashion.classes, fashion.matrix),
      data: confusionJson(fashion.classes, fashion.matrix),
    });
    expect(fig).toMatchObject({ name: 'confusion-counts', title: 'Confusion matrix', dataExt: 'json' });
    expect(fig.alt).toBe(
      'Confusion matrix over 10,000 test images; 89.3% on the diagonal. Most confused: Shirt predicted as T-shirt/top (140 images).',
    );
    const meta = await sharp(fig.png).metadata();
    expect([meta.width, meta.height]).toEqual([2 * fig.width, 2 * fig.height]);
    const data = JSON.parse(fig.data) as { classes: string[]; matrix: number[][]; normalized: number[][] };
    expect(data.classes).toEqual(fashion.classes);
    expect(data.matrix).toEqual(fashion.matrix);
    expect(data.normalized[6]![0]).toBe(140 / 1000);
  });

  it('history CSV has the fixed header and empty cells for missing validation', () => {
    const csv = historyCsv([
      { epoch: 1, loss: 0.5, accuracy: 0.8, val_loss: null, val_accuracy: null, lr: 0.001 },
      { epoch: 2, loss: 0.1 + 0.2, accuracy: 0.9, val_loss: 0.4, val_accuracy: 0.85, lr: 1e-4 },
    ]);
    expect(csv).toEqual({ kind: 'csv', text: 'epoch,loss,accuracy,val_loss,val_accuracy,lr\n1,0.5,0.8,,,0.001\n2,0.30000000000000004,0.9,0.4,0.85,0.0001\n' });
  });
});

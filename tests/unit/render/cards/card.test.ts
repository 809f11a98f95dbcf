/**
 * The social card: sparkline geometry and text fitting against hand-worked values, the card's
 * words from a report entry, and the PNG itself (1200×630, self-contained, same bytes for the
 * same input, different bytes for a different one).
 */
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CARD, socialCard, type CardInput } from '../../../../src/render/cards/card.ts';
import { cardInput } from '../../../../src/render/cards/from-entry.ts';
import { sparkline, sparkPath } from '../../../../src/render/cards/sparkline.ts';
import { ellipsize, measure, wrapText } from '../../../../src/render/text-fit.ts';
import { ReportSchema } from '../../../../src/site/report.ts';

const report = ReportSchema.parse(JSON.parse(readFileSync(new URL('../../../fixtures/site/report/report.json', import.meta.url), 'utf8')));

const input: CardInput = {
  id: 'fashion-tiny',
  title: 'Fashion-MNIST — tiny CNN',
  dataset: 'fashion-mnist · 10 classes · 28×28×1',
  model: '4 layers · 6,810 parameters',
  testAccuracy: 0.79,
  curve: { label: 'validation accuracy', values: [0.52, 0.66, 0.7, 0.69] },
  backend: 'wasm',
};

describe('sparkline', () => {
  const box = { x: 10, y: 20, width: 100, height: 50 };
  it('spreads epochs across the width and the values over the height, skipping gaps in place', () => {
    expect(sparkline([0.5, null, 1.0], box)).toEqual({ points: [[10, 70], [110, 20]], min: 0.5, max: 1 });
    expect(sparkline([1, 2, 3, 2, 1], box)!.points).toEqual([[10, 70], [35, 45], [60, 20], [85, 45], [110, 70]]);
  });
  it('puts one value, or equal values, at mid-height, and has nothing to draw without values', () => {
    expect(sparkline([0.8], box)!.points).toEqual([[60, 45]]);
    expect(sparkline([0.8, 0.8], box)!.points).toEqual([[10, 45], [110, 45]]);
    expect(sparkline([null, null], box)).toBeUndefined();
    expect(sparkline([], box)).toBeUndefined();
  });
  it('is written as path data with two decimals', () => {
    expect(sparkPath([[10, 70], [35.333333, 45]])).toBe('M10,70L35.33,45');
  });
});

describe('card text', () => {
  it('wraps whole words to the width, cutting what is left after the last line with an ellipsis', () => {
    const width = measure('alpha beta', 20, true);
    expect(wrapText('alpha beta gamma', width, 20, true, 2)).toEqual(['alpha beta', 'gamma']);
    const one = wrapText('alpha beta gamma', width, 20, true, 1);
    expect(one).toHaveLength(1);
    expect(one[0]!.endsWith('…')).toBe(true);
    expect(measure(one[0]!, 20, true)).toBeLessThanOrEqual(width);
    expect(one[0]!.startsWith('alpha')).toBe(true);
    // A word wider than a line is cut on its own line.
    const cut = wrapText('supercalifragilistic ok', measure('supercal', 20, false), 20, false, 3);
    expect(cut[0]!.endsWith('…')).toBe(true);
    expect(cut[1]).toBe('ok');
    expect(ellipsize('short', 500, 20)).toBe('short');
  });
});

describe('cardInput', () => {
  it('words the dataset and model and takes validation accuracy per epoch', () => {
    expect(cardInput(report.experiments[0]!)).toEqual({
      id: 'fashion-tiny',
      title: 'Fashion-MNIST — tiny CNN',
      dataset: 'fashion-mnist · 10 classes · 28×28×1',
      model: '4 layers · 6,810 parameters',
      testAccuracy: 0.79,
      curve: { label: 'validation accuracy', values: [0.52, 0.66, 0.7, 0.69] },
      backend: 'tensorflow',
    });
  });
  it('counts layers without the input layer, as the rest of the report does', () => {
    const entry = report.experiments[0]!;
    const input = { name: 'input', type: 'InputLayer', outputShape: '(None, 28, 28, 1)', params: 0, trainable: false, connectedTo: [] };
    const withInput = { ...entry, model: { ...entry.model, layers: [input, ...entry.model.layers] } };
    expect(cardInput(withInput).model).toBe('4 layers · 6,810 parameters');
  });
  it('falls back to training accuracy, saying so, without a validation set', () => {
    const card = cardInput(report.experiments[1]!);
    expect(card.curve.label).toBe('training accuracy (no validation set)');
    expect(card.curve.values).toEqual(report.experiments[1]!.history.map((r) => r.accuracy));
  });
});

describe('socialCard', () => {
  it('is a 1200×630 PNG from a self-contained SVG, byte-identical for the same input', async () => {
    const a = await socialCard(input);
    const b = await socialCard({ ...input, curve: { ...input.curve, values: [...input.curve.values] } });
    expect(a.png.equals(b.png)).toBe(true);
    expect(a.svg).toBe(b.svg);
    const meta = await sharp(a.png).metadata();
    expect([meta.width, meta.height, meta.format]).toEqual([CARD.width, CARD.height, 'png']);
    expect(a.svg).not.toMatch(/<text|<image|href=/);
  });

  it('changes when what it shows changes', async () => {
    const a = await socialCard(input);
    const other = await socialCard({ ...input, testAccuracy: 0.8 });
    const noCurve = await socialCard({ ...input, curve: { label: 'validation accuracy', values: [] } });
    expect(other.png.equals(a.png)).toBe(false);
    expect(noCurve.svg).not.toMatch(/stroke-width="4"/);
    expect(a.svg).toMatch(/stroke-width="4"/);
  });
});

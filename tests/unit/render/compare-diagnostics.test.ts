/** The compare page's overlaid curves and confusion-difference heatmap: data, colours, alt text. */
import { describe, expect, it } from 'vitest';
import { confusionDifference, confusionDifferenceAlt, confusionDifferenceSpec, overlaidCurvesAlt, overlaidCurvesSpec } from '../../../src/render/specs/compare-diagnostics.ts';
import { COMPARE_PALETTE } from '../../../src/render/specs/compare-palette.ts';
import { renderVegaLite } from '../../../src/render/vega.ts';

const curves = [
  { id: 'cnn', x: [0, 0.1, 1], y: [0, 0.9, 1], score: 0.991 },
  { id: 'resnet', x: [0, 0.05, 1], y: [0, 0.95, 1], score: 0.994 },
];

describe('overlaid curves', () => {
  it('draws one line per experiment in the comparison colours, the diagonal for ROC and reliability only', () => {
    const spec = overlaidCurvesSpec('roc', curves) as any;
    const line = spec.layer.at(-1);
    expect(line.encoding.color.scale).toEqual({ domain: ['cnn · micro AUC 0.991', 'resnet · micro AUC 0.994'], range: [COMPARE_PALETTE[0], COMPARE_PALETTE[1]] });
    expect(line.data.values).toHaveLength(6);
    expect(spec.layer).toHaveLength(2);
    expect((overlaidCurvesSpec('pr', curves) as any).layer).toHaveLength(1);
  });

  it('says which model is best, with the right direction for calibration', () => {
    expect(overlaidCurvesAlt('roc', curves, 10000)).toBe('ROC (micro-average) curves of 2 models on the same 10,000 test images: resnet has the highest micro AUC (0.994; cnn 0.991).');
    expect(overlaidCurvesAlt('reliability', [{ ...curves[0]!, score: 0.02 }, { ...curves[1]!, score: 0.05 }], 200)).toBe(
      'Reliability curves of 2 models on the same 200 test images: cnn is the best calibrated (expected calibration error 0.020; resnet 0.050).',
    );
  });

  it('says so when the scores tie to three decimals', () => {
    expect(overlaidCurvesAlt('roc', [curves[0]!, { ...curves[1]!, score: 0.9914 }], 10)).toBe('ROC (micro-average) curves of 2 models on the same 10 test images: all have the same micro AUC to three decimals (0.991).');
  });

  it('renders to SVG', async () => {
    const { svg } = await renderVegaLite(overlaidCurvesSpec('reliability', curves));
    expect(svg).toContain('<svg');
  });
});

describe('confusion difference', () => {
  const classes = ['Cat', 'Dog', 'Fox'];
  const a = [[8, 2, 0], [3, 6, 1], [0, 0, 10]];
  const b = [[9, 1, 0], [1, 8, 1], [0, 2, 8]];

  it('is B − A cell by cell, and refuses matrices of different sizes', () => {
    expect(confusionDifference(a, b)).toEqual([[1, -1, 0], [-2, 2, 0], [0, 2, -2]]);
    expect(() => confusionDifference(a, b.slice(0, 2))).toThrow('The confusion matrices have 3 and 2 rows; both models must have the same classes.');
  });

  it('colours gains blue and losses orange on and off the diagonal, and labels every cell', () => {
    const spec = confusionDifferenceSpec(classes, confusionDifference(a, b), 'a', 'b') as any;
    const cell = (t: string, p: string) => spec.data.values.find((c: any) => c.true === t && c.predicted === p);
    expect(cell('Dog', 'Dog')).toMatchObject({ diff: 2, better: 2, label: '+2' });
    expect(cell('Dog', 'Cat')).toMatchObject({ diff: -2, better: 2, label: '-2' });
    expect(cell('Fox', 'Dog')).toMatchObject({ diff: 2, better: -2, label: '+2' });
    expect(spec.layer[0].encoding.color.scale).toEqual({ domain: [-2, 0, 2], range: ['#d55e00', '#f7f7f7', '#0072b2'] });
  });

  it('says the largest changes in words', () => {
    expect(confusionDifferenceAlt(classes, confusionDifference(a, b), 'a', 'b')).toBe(
      'Confusion matrix of b minus that of a: 2 more Dog images right, 2 fewer Fox images right, 1 more Cat images right; the largest change among the mistakes is Dog taken for Cat, 2 fewer times.',
    );
    expect(confusionDifferenceAlt(classes, confusionDifference(a, a), 'a', 'b')).toBe('b and a have identical confusion matrices.');
  });
});

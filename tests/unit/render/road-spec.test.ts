/**
 * The ROAD figure: one row per method, order and fraction; MoRF then LeRF panels with their
 * directions; colours as in the deletion/insertion figure; axis and panel titles rendered as
 * text; alt text worded from the numbers.
 */
import { describe, expect, it } from 'vitest';
import { roadAlt, roadSpec, type RoadCurves } from '../../../src/render/specs/road.ts';
import { faithfulnessSpec } from '../../../src/render/specs/faithfulness.ts';
import { renderVegaLite } from '../../../src/render/vega.ts';

const curves: RoadCurves[] = [
  { method: 'Grad-CAM', fractions: [0.1, 0.5, 0.9], morf: [0.6, 0.3, 0.1], lerf: [0.9, 0.85, 0.6], morfArea: 1 / 3, lerfArea: 0.7833 },
  { method: 'Occlusion', fractions: [0.1, 0.5, 0.9], morf: [0.8, 0.5, 0.2], lerf: [0.95, 0.9, 0.8], morfArea: 0.5, lerfArea: 0.8833 },
];
type Spec = {
  data: { values: { order: string; method: string; fraction: number; probability: number }[] };
  facet: { column: { sort: string[] } };
  spec: { encoding: { color: { scale: { domain: string[]; range: string[] } } } };
};

describe('ROAD figure', () => {
  it('has a row per method, order and fraction, MoRF panel first', () => {
    const spec = roadSpec(curves) as unknown as Spec;
    expect(spec.data.values).toHaveLength(12);
    expect(spec.data.values.slice(0, 2)).toEqual([
      { order: 'Most relevant removed first (lower is better)', method: 'Grad-CAM', fraction: 0.1, probability: 0.6 },
      { order: 'Least relevant removed first (higher is better)', method: 'Grad-CAM', fraction: 0.1, probability: 0.9 },
    ]);
    expect(spec.data.values.at(-1)).toEqual({ order: 'Least relevant removed first (higher is better)', method: 'Occlusion', fraction: 0.9, probability: 0.8 });
    expect(spec.facet.column.sort).toEqual(['Most relevant removed first (lower is better)', 'Least relevant removed first (higher is better)']);
    expect(spec.spec.encoding.color.scale).toEqual({ domain: ['Grad-CAM', 'Occlusion'], range: ['#0072B2', '#D55E00'] });
    // The same method colours as the deletion/insertion figure.
    const faithfulness = faithfulnessSpec(curves.map((c) => ({ method: c.method, fractions: [0, 1], deletion: [1, 0], insertion: [0, 1], deletionAuc: 0.5, insertionAuc: 0.5 }))) as unknown as Spec;
    expect(spec.spec.encoding.color.scale.range).toEqual(faithfulness.spec.encoding.color.scale.range);
  });

  it('renders its panel and axis titles as text', async () => {
    const { svg } = await renderVegaLite(roadSpec(curves));
    const texts = [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    for (const t of ['Fraction of pixels removed', 'Probability of the class', 'Most relevant removed first (lower is better)', 'Least relevant removed first (higher is better)', 'Grad-CAM', 'Occlusion']) expect(texts).toContain(t);
  });

  it('alt text names the lowest MoRF and highest LeRF method; one method reads its own numbers', () => {
    expect(roadAlt(curves, 8)).toBe(
      'ROAD curves of 2 explanation methods over 8 test images, with the removed pixels filled in from their neighbours: Grad-CAM has the lowest mean probability (0.33) when the most relevant pixels go first, Occlusion the highest (0.88) when the least relevant go first.',
    );
    expect(roadAlt(curves.slice(0, 1), 1)).toBe(
      'ROAD curves of Grad-CAM over 1 test image, with the removed pixels filled in from their neighbours: the class probability averages 0.33 when the most relevant pixels go first and 0.78 when the least relevant go first.',
    );
    expect(roadAlt([], 8)).toBe('No explanation method was evaluated with ROAD.');
  });
});

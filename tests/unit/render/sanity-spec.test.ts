/**
 * The sanity-check figure: its data (original at 1, then the steps in cascade order, both
 * panels), flagged methods dashed, a real render through vega, and alt texts that name the
 * methods whose maps stayed similar.
 */
import { describe, expect, it } from 'vitest';
import type { SanityResult } from '../../../src/analysis/explain/sanity.ts';
import { sanityAlt, sanitySpec } from '../../../src/render/specs/sanity.ts';
import { renderVegaLite } from '../../../src/render/vega.ts';

const result = (flags: [boolean, boolean]): SanityResult => ({
  steps: [
    { label: 'dense_2', layers: ['dense_2'] },
    { label: 'dense_1 … conv2d_2', layers: ['dense_1', 'conv2d_2'] },
    { label: 'conv2d_1', layers: ['conv2d_1'] },
  ],
  methods: [
    { method: 'Grad-CAM', spearman: [0.4, 0.2, 0.1], ssim: [0.5, 0.3, -0.05], flagged: flags[0] },
    { method: 'Integrated Gradients', spearman: [0.9, 0.8, 0.7], spearmanSigned: [0.6, 0.4, 0.3], ssim: [0.8, 0.7, 0.65], flagged: flags[1] },
  ],
  images: [3, 14, 15, 92],
  threshold: 0.5,
});

type Row = { method: string; measure: string; step: string; similarity: number; behaviour: string };
type Spec = {
  data: { values: Row[] };
  facet: { column: { sort: string[] } };
  spec: { encoding: { x: { sort: string[] }; y: { scale: { domain: number[] } }; strokeDash: { scale: { domain: string[]; range: number[][] } } } };
};

describe('sanity-check figure', () => {
  it('puts the original first at 1, then the steps in cascade order, in both panels', () => {
    const spec = sanitySpec(result([false, true])) as unknown as Spec;
    expect(spec.spec.encoding.x.sort).toEqual(['original', 'dense_2', 'dense_1 … conv2d_2', 'conv2d_1']);
    const rows = spec.data.values;
    expect(rows).toHaveLength(2 * 2 * 4);
    const [spearman, ssim] = spec.facet.column.sort;
    const line = (method: string, measure: string) => rows.filter((r) => r.method === method && r.measure === measure).map((r) => [r.step, r.similarity]);
    expect(line('Integrated Gradients', spearman!)).toEqual([['original', 1], ['dense_2', 0.9], ['dense_1 … conv2d_2', 0.8], ['conv2d_1', 0.7]]);
    expect(line('Grad-CAM', ssim!)).toEqual([['original', 1], ['dense_2', 0.5], ['dense_1 … conv2d_2', 0.3], ['conv2d_1', -0.05]]);
    // Negative similarities stay on the plot.
    expect(spec.spec.encoding.y.scale.domain).toEqual([-0.05, 1]);
  });

  it('dashes the flagged methods only', () => {
    const spec = sanitySpec(result([false, true])) as unknown as Spec;
    const dash = spec.spec.encoding.strokeDash.scale;
    const dashOf = (method: string) => new Set(spec.data.values.filter((r) => r.method === method).map((r) => dash.range[dash.domain.indexOf(r.behaviour)]));
    expect([...dashOf('Integrated Gradients')]).toEqual([[6, 4]]);
    expect([...dashOf('Grad-CAM')]).toEqual([[1, 0]]);
  });

  it('renders with the step labels as text and one dashed line per panel', async () => {
    const { svg } = await renderVegaLite(sanitySpec(result([false, true])));
    const texts = [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    for (const t of ['original', 'dense_2', 'conv2d_1', 'Grad-CAM', 'stays similar (flagged)']) expect(texts).toContain(t);
    expect(svg.match(/stroke-dasharray="6,4"/g)?.length).toBeGreaterThanOrEqual(2);
  });

  it('alt text names the methods that stayed similar, and says so when none did', () => {
    expect(sanityAlt(result([false, true]))).toBe(
      'Weights re-initialized cumulatively from the output layer (dense_2) down to the input (conv2d_1) in 3 steps, on 4 test images: ' +
        'with every weight random, Integrated Gradients stayed similar to its original maps (mean Spearman correlation of |map| 0.70, above 0.50), ' +
        'so its maps do not show what the network learned; the other method fell: Grad-CAM to 0.10.',
    );
    const none = { ...result([false, false]), methods: result([false, false]).methods.map((m) => ({ ...m, spearman: [0.3, 0.2, 0.1] })) };
    expect(sanityAlt(none)).toBe(
      'Weights re-initialized cumulatively from the output layer (dense_2) down to the input (conv2d_1) in 3 steps, on 4 test images: ' +
        "every method's maps changed (mean Spearman correlation of |map| with the original at the last step: Grad-CAM 0.10 and Integrated Gradients 0.10; none above 0.50).",
    );
    const both = { ...result([true, true]), methods: result([true, true]).methods.map((m, i) => (i === 0 ? { ...m, spearman: [0.9, 0.8, 0.6] } : m)) };
    expect(sanityAlt(both)).toMatch(/Grad-CAM and Integrated Gradients stayed similar to their original maps \(mean Spearman correlation of \|map\| 0\.60 and 0\.70, above 0\.50\), so their maps do not show what the network learned\.$/);
    expect(sanityAlt({ ...result([false, false]), methods: [] })).toMatch(/No explanation method/);
    expect(sanityAlt({ ...result([false, false]), steps: [] })).toMatch(/no weights/);
  });
});

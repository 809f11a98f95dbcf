/**
 * Adebayo et al.'s cascading randomization as a figure: how similar each method's maps stay to
 * the trained model's as the weights are re-initialized from the output layer down. One line per
 * method from "original" (1 by definition) through the cascade steps, in two panels: Spearman's
 * rank correlation of |map| and SSIM. Methods whose maps stay similar with every weight random
 * (flagged) are dashed and named in the alt text.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { SanityResult } from '../../analysis/explain/sanity.ts';
import { fmtValue } from '../format.ts';

/** Okabe–Ito without yellow, as the faithfulness figure; past seven methods a larger categorical scheme. */
const METHOD_COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#56B4E9', '#E69F00', '#000000'];
const ORIGINAL = 'original';
const PANELS = ['Spearman rank correlation of |map|', 'SSIM of min–max normalized |map|'] as const;
const BEHAVIOUR = ['changes with the weights', 'stays similar (flagged)'] as const;

/** Two panels, x the cascade steps (original first), y the similarity, one line per method; flagged methods dashed. */
export function sanitySpec(result: SanityResult): TopLevelSpec {
  const steps = [ORIGINAL, ...result.steps.map((s) => s.label)];
  const rows = result.methods.flatMap((m) => {
    const behaviour = BEHAVIOUR[m.flagged ? 1 : 0];
    return [m.spearman, m.ssim].flatMap((values, panel) =>
      [1, ...values].map((similarity, i) => ({ method: m.method, measure: PANELS[panel], step: steps[i]!, similarity, behaviour })),
    );
  });
  const methods = result.methods.map((m) => m.method);
  const lowest = Math.min(0, ...rows.map((r) => r.similarity));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: rows },
    facet: { column: { field: 'measure', type: 'nominal', title: null, sort: [...PANELS] } },
    spec: {
      width: 260,
      height: 200,
      mark: { type: 'line', strokeWidth: 2, point: true },
      encoding: {
        x: { field: 'step', type: 'ordinal', title: 'Layers randomized (cumulative)', sort: steps, axis: { labelAngle: -30, labelLimit: 120 } },
        y: { field: 'similarity', type: 'quantitative', title: 'Similarity to the original maps', scale: { domain: [lowest, 1] } },
        color: {
          field: 'method',
          type: 'nominal',
          title: null,
          scale: methods.length <= METHOD_COLOURS.length ? { domain: methods, range: METHOD_COLOURS.slice(0, methods.length) } : { domain: methods, scheme: 'tableau20' },
          legend: { orient: 'top', columns: 4 },
        },
        strokeDash: { field: 'behaviour', type: 'nominal', title: null, scale: { domain: [...BEHAVIOUR], range: [[1, 0], [6, 4]] }, legend: { orient: 'top', symbolType: 'stroke', symbolSize: 300, symbolStrokeWidth: 2 } },
        tooltip: [
          { field: 'method', type: 'nominal' },
          { field: 'step', type: 'ordinal' },
          { field: 'similarity', type: 'quantitative', format: '.2f' },
        ],
      },
    },
  } as TopLevelSpec;
}

/** "A, B and C" */
const list = (items: readonly string[]) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);

/**
 * "Weights re-initialized from the output layer (logits) down to the input (conv2d), in 3 steps, on 4 test
 * images: with every weight random, saliency stayed similar to its original maps (mean Spearman correlation
 * of |map| 0.81, above 0.5), so its maps do not show what the network learned; Grad-CAM fell to 0.12."
 */
export function sanityAlt(result: SanityResult): string {
  if (result.methods.length === 0) return 'No explanation method was put through the randomization test.';
  if (result.steps.length === 0) return 'The model has no weights, so the randomization test had nothing to randomize.';
  const first = result.steps[0]!.layers[0]!;
  const lastStep = result.steps[result.steps.length - 1]!;
  const last = lastStep.layers[lastStep.layers.length - 1]!;
  const images = result.images.length;
  const opening =
    `Weights re-initialized cumulatively from the output layer (${first}) down to the input (${last}) in ${result.steps.length} step${result.steps.length === 1 ? '' : 's'}, ` +
    `on ${images} test image${images === 1 ? '' : 's'}: `;
  const final = (m: SanityResult['methods'][number]) => m.spearman[m.spearman.length - 1]!;
  const flagged = result.methods.filter((m) => m.flagged);
  const others = result.methods.filter((m) => !m.flagged);
  if (flagged.length === 0) {
    const values = list(result.methods.map((m) => `${m.method} ${fmtValue(final(m))}`));
    return `${opening}every method's maps changed (mean Spearman correlation of |map| with the original at the last step: ${values}; none above ${fmtValue(result.threshold)}).`;
  }
  const fell = list(others.map((m) => `${m.method} to ${fmtValue(final(m))}`));
  const one = flagged.length === 1;
  return (
    `${opening}with every weight random, ${list(flagged.map((m) => m.method))} stayed similar to ${one ? 'its' : 'their'} original maps ` +
    `(mean Spearman correlation of |map| ${list(flagged.map((m) => fmtValue(final(m))))}, above ${fmtValue(result.threshold)}), ` +
    `so ${one ? 'its maps do' : 'their maps do'} not show what the network learned` +
    (fell ? `; ${others.length === 1 ? 'the other method fell' : 'the others fell'}: ${fell}.` : '.')
  );
}

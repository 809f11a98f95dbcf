/**
 * The trust table: fractional ranks with ties by hand, each column's direction, ROAD as
 * LeRF − MoRF, columns only some methods have ranked but left out of the mean rank, the overall
 * order by hand, and the page's sentences word for word.
 */
import { describe, expect, it } from 'vitest';
import { fractionalRanks, TRUST_COLUMNS, TRUST_OVERALL_SENTENCE, trustTable, type TrustInput } from '../../../../src/analysis/explain/trust.ts';

describe('fractionalRanks', () => {
  it('ranks 1 = best in the direction; equal values share the mean of their places', () => {
    expect(fractionalRanks([0.3, 0.1, 0.3, 0.5], 'lower')).toEqual([2.5, 1, 2.5, 4]);
    expect(fractionalRanks([0.3, 0.1, 0.3, 0.5], 'higher')).toEqual([2.5, 4, 2.5, 1]);
    expect(fractionalRanks([2, 2, 2], 'lower')).toEqual([2, 2, 2]);
    expect(fractionalRanks([], 'lower')).toEqual([]);
    // Float rounding ties; a real difference does not.
    expect(fractionalRanks([0.9 - 0.4, 0.85 - 0.35, 0.5 + 1e-6], 'higher')).toEqual([2.5, 2.5, 1]);
  });
});

describe('trustTable', () => {
  const rows: TrustInput[] = [
    { method: 'Grad-CAM', deletionAuc: 0.2, insertionAuc: 0.7, roadMorf: 0.3, roadLerf: 0.8, maxSensitivity: 0.1, sparseness: 0.4, sanitySimilarity: 0.1 },
    { method: 'Saliency', deletionAuc: 0.4, insertionAuc: 0.5, roadMorf: 0.5, roadLerf: 0.6, maxSensitivity: 0.9, sparseness: 0.8, sanitySimilarity: 0.6 },
    { method: 'Integrated Gradients', deletionAuc: 0.2, insertionAuc: 0.6, roadMorf: 0.4, roadLerf: 0.9, maxSensitivity: 0.5, sparseness: 0.6, completenessError: 0.01, sanitySimilarity: Number.NaN },
    { method: 'Expected Gradients', deletionAuc: 0.3, insertionAuc: 0.6, roadMorf: 0.35, roadLerf: 0.85, maxSensitivity: 0.5, sparseness: 0.5, completenessError: 0.05, sanitySimilarity: 0.3 },
  ];
  const table = trustTable(rows);
  const row = (method: string) => table.rows.find((r) => r.method === method)!;

  it('ranks each column in its direction, ties averaged; ROAD is LeRF − MoRF', () => {
    expect(row('Grad-CAM').ranks).toEqual({ deletion: 1.5, insertion: 1, road: 2, sensitivity: 1, sparseness: 4, sanity: 1 });
    expect(row('Integrated Gradients').ranks).toEqual({ deletion: 1.5, insertion: 2.5, road: 2, sensitivity: 2.5, sparseness: 2, completeness: 1 });
    expect(row('Expected Gradients').ranks.completeness).toBe(2);
    // ROAD: 0.8 − 0.3, 0.9 − 0.4 and 0.85 − 0.35 tie at 0.5 (float rounding aside): places 1–3 share 2.
    expect(row('Expected Gradients').ranks.road).toBe(2);
    expect(row('Saliency').ranks.road).toBe(4);
    expect(row('Saliency').values.road).toBeCloseTo(0.1, 12);
    expect(row('Grad-CAM').values.road).toBeCloseTo(0.5, 12);
    // NaN counts as missing.
    expect(row('Integrated Gradients').values.sanity).toBeUndefined();
  });

  it('averages only the columns every method has; orders by the mean rank, ties averaged', () => {
    expect(table.columns.map((c) => [c.key, c.inOverall])).toEqual([
      ['deletion', true],
      ['insertion', true],
      ['road', true],
      ['sensitivity', true],
      ['sparseness', true],
      ['completeness', false],
      ['sanity', false],
    ]);
    // Grad-CAM (1.5 + 1 + 2 + 1 + 4) / 5 = 1.9; IG (1.5 + 2.5 + 2 + 2.5 + 2) / 5 = 2.1;
    // EG (3 + 2.5 + 2 + 2.5 + 3) / 5 = 2.6; saliency (4 + 4 + 4 + 4 + 1) / 5 = 3.4.
    expect(table.rows.map((r) => r.method)).toEqual(['Grad-CAM', 'Integrated Gradients', 'Expected Gradients', 'Saliency']);
    expect(table.rows.map((r) => r.meanRank)).toEqual([1.9, 2.1, 2.6, 3.4].map((m) => expect.closeTo(m, 12)));
    expect(table.rows.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
    const tied = trustTable([
      { method: 'a', deletionAuc: 0.1, insertionAuc: 0.5 },
      { method: 'b', deletionAuc: 0.2, insertionAuc: 0.6 },
      { method: 'c', deletionAuc: 0.3, insertionAuc: 0.4 },
    ]);
    expect(tied.rows.map((r) => [r.method, r.meanRank, r.rank])).toEqual([['a', 1.5, 1.5], ['b', 1.5, 1.5], ['c', 3, 3]]);
  });

  it('without a shared column each method’s own columns count; a method with no number comes last, unranked', () => {
    const sparse = trustTable([
      { method: 'a', deletionAuc: 0.1 },
      { method: 'b', insertionAuc: 0.5 },
      { method: 'c', deletionAuc: 0.3, insertionAuc: 0.9 },
      { method: 'd' },
    ]);
    expect(sparse.columns.map((c) => c.inOverall)).toEqual([false, false]);
    // deletion: a 1, c 2; insertion: c 1, b 2 → means a 1, c 1.5, b 2.
    expect(sparse.rows.map((r) => [r.method, r.meanRank, r.rank])).toEqual([['a', 1, 1], ['c', 1.5, 2], ['b', 2, 3], ['d', NaN, NaN]]);
    expect(trustTable([]).rows).toEqual([]);
  });

  it('says what each column means and which way is better, word for word', () => {
    expect(TRUST_COLUMNS.map((c) => [c.key, c.title, c.better])).toEqual([
      ['deletion', 'Deletion area', 'lower'],
      ['insertion', 'Insertion area', 'higher'],
      ['road', 'ROAD gap (LeRF − MoRF)', 'higher'],
      ['sensitivity', 'Max-sensitivity', 'lower'],
      ['sparseness', 'Sparseness (Gini)', 'higher'],
      ['completeness', 'Completeness error', 'lower'],
      ['sanity', 'Sanity-check similarity', 'lower'],
    ]);
    expect(table.columns.map((c) => c.sentence)).toEqual([
      'Deletion area is the class probability averaged while the pixels the map ranks highest are replaced by the baseline first; lower is better, because removing truly important pixels should make the prediction collapse quickly.',
      'Insertion area is the class probability averaged while the pixels the map ranks highest are restored first into a blurred copy of the image; higher is better, because restoring truly important pixels should bring the prediction back quickly.',
      'ROAD gap is the mean class probability when the least relevant pixels are removed minus that when the most relevant are, the removed pixels filled in from their neighbours so that the filling gives nothing away; higher is better, because a faithful map separates the pixels the model needs from those it does not.',
      'Max-sensitivity is the largest change of the map, relative to its size, when the image is perturbed by small random noise; lower is better, because a map that changes under barely visible noise is unstable.',
      "Sparseness is the Gini index of the map's absolute values, from 0 when every pixel gets the same share to nearly 1 when a few pixels get it all; higher is better for reading the map, though a concentrated map is not thereby a correct one.",
      "Completeness error is how far the attributions' sum is from the change in the class probability between the image and its reference input, relative to that change; lower is better, and only additive methods (Integrated and Expected Gradients) have one.",
      "Sanity-check similarity is how much the map still resembles itself after the model's weights are randomized; lower is better, because a map that survives randomization does not depend on what the model learned.",
    ]);
    expect(table.overall).toBe(TRUST_OVERALL_SENTENCE);
    expect(TRUST_OVERALL_SENTENCE).toBe('The overall rank orders the methods by their mean rank (1 = best in a column, ties sharing the average place) over the columns every method has; a lower mean rank is better.');
    for (const c of TRUST_COLUMNS) expect(c.sentence).toContain(`; ${c.better} is better`);
  });
});

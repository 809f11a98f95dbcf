/**
 * "Which map to trust": the faithfulness and robustness numbers of every method side by side,
 * each column ranked, and an overall order. Pure, over plain numbers; the sentences go on the
 * page as they are.
 *
 * Ranking: in each column the methods with a value (finite) are ranked 1 = best in the
 * column's direction; equal values (to 1e-9, so that float rounding cannot break a tie) share
 * the mean of the places they occupy (fractional ranking: 1, 2.5, 2.5, 4). A method's mean rank
 * averages its ranks over the columns that every method has; a column only some methods have
 * (completeness: additive methods only) is ranked among those and shown, but left out of the
 * mean, since a rank among two does not compare with a rank among seven. When no column is
 * shared, each method's own columns count. The overall rank ranks the mean ranks the same way
 * (lower is better).
 */

/** The table's columns, in page order. */
export type TrustKey = 'deletion' | 'insertion' | 'road' | 'sensitivity' | 'sparseness' | 'completeness' | 'sanity';

/** One method's numbers (any may be missing). */
export interface TrustInput {
  /** The method's display name. */
  method: string;
  /** Mean deletion and insertion areas (faithfulness.ts). */
  deletionAuc?: number;
  insertionAuc?: number;
  /** Mean ROAD areas (road.ts): the class probability averaged over the fractions, most / least relevant removed first. */
  roadMorf?: number;
  roadLerf?: number;
  /** Mean max-sensitivity (sensitivity.ts). */
  maxSensitivity?: number;
  /** Mean Gini index (sparseness.ts). */
  sparseness?: number;
  /** Relative completeness error |Σ attributions − Δ| / |Δ| (additive methods). */
  completenessError?: number;
  /** Similarity of the map to the map of the randomized model (sanity check). */
  sanitySimilarity?: number;
}

export interface TrustColumn {
  key: TrustKey;
  title: string;
  better: 'lower' | 'higher';
  /** What the column means and which direction is better, one sentence for the page. */
  sentence: string;
  /** Whether the column enters the mean rank (every method has a value). */
  inOverall: boolean;
}

export interface TrustRow {
  method: string;
  /** The column values (ROAD: LeRF − MoRF); missing where the method has none. */
  values: Partial<Record<TrustKey, number>>;
  /** Rank per column, 1 = best; ties averaged. */
  ranks: Partial<Record<TrustKey, number>>;
  /** Mean of the ranks of the columns in the overall (NaN without any). */
  meanRank: number;
  /** Rank of the mean rank, 1 = best; ties averaged. */
  rank: number;
}

export interface TrustTable {
  /** The columns some method has a value in, in page order. */
  columns: TrustColumn[];
  /** Best first (ties in input order). */
  rows: TrustRow[];
  /** How the overall rank is made, one sentence for the page. */
  overall: string;
}

/** Every column: title, direction and sentence. */
export const TRUST_COLUMNS: readonly Omit<TrustColumn, 'inOverall'>[] = [
  {
    key: 'deletion',
    title: 'Deletion area',
    better: 'lower',
    sentence: 'Deletion area is the class probability averaged while the pixels the map ranks highest are replaced by the baseline first; lower is better, because removing truly important pixels should make the prediction collapse quickly.',
  },
  {
    key: 'insertion',
    title: 'Insertion area',
    better: 'higher',
    sentence: 'Insertion area is the class probability averaged while the pixels the map ranks highest are restored first into a blurred copy of the image; higher is better, because restoring truly important pixels should bring the prediction back quickly.',
  },
  {
    key: 'road',
    title: 'ROAD gap (LeRF − MoRF)',
    better: 'higher',
    sentence: 'ROAD gap is the mean class probability when the least relevant pixels are removed minus that when the most relevant are, the removed pixels filled in from their neighbours so that the filling gives nothing away; higher is better, because a faithful map separates the pixels the model needs from those it does not.',
  },
  {
    key: 'sensitivity',
    title: 'Max-sensitivity',
    better: 'lower',
    sentence: 'Max-sensitivity is the largest change of the map, relative to its size, when the image is perturbed by small random noise; lower is better, because a map that changes under barely visible noise is unstable.',
  },
  {
    key: 'sparseness',
    title: 'Sparseness (Gini)',
    better: 'higher',
    sentence: "Sparseness is the Gini index of the map's absolute values, from 0 when every pixel gets the same share to nearly 1 when a few pixels get it all; higher is better for reading the map, though a concentrated map is not thereby a correct one.",
  },
  {
    key: 'completeness',
    title: 'Completeness error',
    better: 'lower',
    sentence: "Completeness error is how far the attributions' sum is from the change in the class probability between the image and its reference input, relative to that change; lower is better, and only additive methods (Integrated and Expected Gradients) have one.",
  },
  {
    key: 'sanity',
    title: 'Sanity-check similarity',
    better: 'lower',
    sentence: "Sanity-check similarity is how much the map still resembles itself after the model's weights are randomized; lower is better, because a map that survives randomization does not depend on what the model learned.",
  },
];

/** The page's sentence on the overall rank. */
export const TRUST_OVERALL_SENTENCE =
  'The overall rank orders the methods by their mean rank (1 = best in a column, ties sharing the average place) over the columns every method has; a lower mean rank is better.';

/** A row's value of each column (ROAD: LeRF − MoRF), finite values only. */
function valuesOf(input: TrustInput): Partial<Record<TrustKey, number>> {
  const raw: Record<TrustKey, number | undefined> = {
    deletion: input.deletionAuc,
    insertion: input.insertionAuc,
    road: input.roadLerf !== undefined && input.roadMorf !== undefined ? input.roadLerf - input.roadMorf : undefined,
    sensitivity: input.maxSensitivity,
    sparseness: input.sparseness,
    completeness: input.completenessError,
    sanity: input.sanitySimilarity,
  };
  return Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && Number.isFinite(v))) as Partial<Record<TrustKey, number>>;
}

/** Equal up to float rounding (1e-9, relative beyond 1): 0.9 − 0.4 and 0.85 − 0.35 tie. */
const same = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** Fractional ranks of `values` (1 = best in the direction), equal values (to 1e-9) sharing their mean place. */
export function fractionalRanks(values: readonly number[], better: 'lower' | 'higher'): number[] {
  const order = values.map((_, i) => i).sort((a, b) => (better === 'lower' ? values[a]! - values[b]! : values[b]! - values[a]!));
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && same(values[order[end + 1]!]!, values[order[start]!]!)) end++;
    for (let k = start; k <= end; k++) ranks[order[k]!] = (start + end) / 2 + 1;
    start = end + 1;
  }
  return ranks;
}

/** The trust table of `rows` (one per method). */
export function trustTable(rows: readonly TrustInput[]): TrustTable {
  const values = rows.map(valuesOf);
  const present = TRUST_COLUMNS.filter((c) => values.some((v) => v[c.key] !== undefined));
  const shared = present.filter((c) => values.every((v) => v[c.key] !== undefined)).map((c) => c.key);
  const columns = present.map((c) => ({ ...c, inOverall: shared.includes(c.key) }));
  const ranks = rows.map((): Partial<Record<TrustKey, number>> => ({}));
  for (const column of columns) {
    const holders = values.flatMap((v, i) => (v[column.key] !== undefined ? [i] : []));
    const r = fractionalRanks(holders.map((i) => values[i]![column.key]!), column.better);
    holders.forEach((i, k) => (ranks[i]![column.key] = r[k]!));
  }
  const meanRanks = ranks.map((own) => {
    const keys = shared.length > 0 ? shared : (Object.keys(own) as TrustKey[]);
    return keys.length > 0 ? keys.reduce((s, k) => s + own[k]!, 0) / keys.length : NaN;
  });
  const ranked = meanRanks.map((m, i) => [m, i] as const).filter(([m]) => Number.isFinite(m));
  const overall = fractionalRanks(ranked.map(([m]) => m), 'lower');
  const rank = new Array<number>(rows.length).fill(NaN);
  ranked.forEach(([, i], k) => (rank[i] = overall[k]!));
  const out = rows.map((row, i) => ({ method: row.method, values: values[i]!, ranks: ranks[i]!, meanRank: meanRanks[i]!, rank: rank[i]! }));
  const order = out.map((_, i) => i).sort((a, b) => (Number.isNaN(rank[a]!) ? 1 : 0) - (Number.isNaN(rank[b]!) ? 1 : 0) || rank[a]! - rank[b]! || a - b);
  return { columns, rows: order.map((i) => out[i]!), overall: TRUST_OVERALL_SENTENCE };
}

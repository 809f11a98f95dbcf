/**
 * Paired percentile bootstrap over test images: how much the difference between two models'
 * scores (B − A) moves when the test set is redrawn.
 *
 *   1. resample r draws n test indices uniformly with replacement from the stream
 *      mulberry32(mixSeed(deriveSeed(seed, 'bootstrap'), r)) (src/lib/rng.ts), index ⌊u·n⌋;
 *      both models are scored on the same drawn images (paired)
 *   2. each resample's two confusion matrices → classificationReport (metrics/report.ts):
 *      accuracy, per-class and macro precision/recall/F1, and their differences B − A
 *   3. the interval of each difference: numpy's 'linear' percentiles 50·(1 − c) and 100 − that
 *      of its `resamples` values (Efron's percentile interval); `delta` is the difference on the
 *      full test set
 *
 * Counting, not copying: images are grouped once by their (true, A, B) classes, a resample only
 * counts how often it drew each group, and the confusion matrices are built from those counts,
 * so a resample costs n random draws and increments, whatever the number of classes.
 */
import { deriveSeed, mixSeed, mulberry32 } from '../../lib/rng.ts';
import { confusionMatrix } from '../metrics/classification.ts';
import { classificationReport, type ClassificationReport } from '../metrics/report.ts';
import { centralPercentiles, percentileSorted } from './percentile.ts';

/** How to bootstrap; `seed` is published with the result so anyone can redraw the same resamples. */
export interface BootstrapOptions {
  /** Resamples of the test set (default 2000). */
  resamples?: number;
  /** uint32; the resample streams are derived from it by name ('bootstrap'). */
  seed: number;
  /** Share of the bootstrap distribution inside the interval (default 0.95). */
  confidence?: number;
}

/** A difference B − A on the full test set and its bootstrap interval. */
export interface Interval {
  delta: number;
  low: number;
  high: number;
}

/** Intervals of the precision, recall and F1 differences of one class (or their macro average). */
export interface ScoreIntervals {
  precision: Interval;
  recall: Interval;
  f1: Interval;
}

/** The bootstrap's settings and every interval. */
export interface PairedBootstrap {
  resamples: number;
  seed: number;
  confidence: number;
  /** The percentiles taken (2.5 and 97.5 for 0.95). */
  percentiles: [number, number];
  /** Test images (the size of every resample). */
  n: number;
  accuracy: Interval;
  macro: ScoreIntervals;
  /** By class index. */
  perClass: ScoreIntervals[];
}

/** Default resample count: enough for stable 2.5/97.5 percentiles (Efron & Tibshirani suggest ≥ 1000). */
export const DEFAULT_RESAMPLES = 2000;

/** The random stream of resample `r` (0-based) for `seed`. */
export function resampleRandom(seed: number, r: number): () => number {
  return mulberry32(mixSeed(deriveSeed(seed, 'bootstrap'), r));
}

/** Fill `out` with test indices drawn uniformly from 0..n−1 (⌊u·n⌋) with replacement; returns `out`. */
export function drawResample(random: () => number, n: number, out: Int32Array): Int32Array {
  for (let j = 0; j < out.length; j++) out[j] = Math.floor(random() * n);
  return out;
}

const KEYS = ['precision', 'recall', 'f1'] as const;

function checkInputs(labels: ArrayLike<number>, predA: ArrayLike<number>, predB: ArrayLike<number>, classes: number, resamples: number, seed: number): void {
  const n = labels.length;
  if (n === 0) throw new RangeError('The bootstrap needs at least one test image; received none.');
  if (predA.length !== n || predB.length !== n) throw new RangeError(`Paired predictions need one prediction of each model per test image; received ${n} labels, ${predA.length} predictions of A and ${predB.length} of B.`);
  if (!Number.isInteger(classes) || classes < 1) throw new RangeError(`The number of classes must be a whole number of at least 1; received ${classes}.`);
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a whole number of at least 1; received ${resamples}.`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`The bootstrap seed must be a whole number from 0 to 4294967295; received ${seed}.`);
  for (const [name, values] of [['labels', labels], ['predictions of A', predA], ['predictions of B', predB]] as const) {
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      if (!Number.isInteger(v) || v < 0 || v >= classes) throw new RangeError(`${name}[${i}] is ${v}, not a class index from 0 to ${classes - 1}.`);
    }
  }
}

/** B − A of every statistic, in the order `record` stores them: accuracy, macro P/R/F1, then per class P/R/F1. */
function differences(a: ClassificationReport, b: ClassificationReport, out: Float64Array, column: number, stride: number): void {
  let s = 0;
  out[s++ * stride + column] = b.accuracy - a.accuracy;
  for (const key of KEYS) out[s++ * stride + column] = b.macro[key] - a.macro[key];
  for (let c = 0; c < a.perClass.length; c++) for (const key of KEYS) out[s++ * stride + column] = b.perClass[c]![key] - a.perClass[c]![key];
}

/**
 * Paired percentile bootstrap of the accuracy, macro and per-class precision/recall/F1
 * differences B − A over `classes` classes (see the module comment).
 */
export function pairedBootstrap(labels: ArrayLike<number>, predA: ArrayLike<number>, predB: ArrayLike<number>, classes: number, options: BootstrapOptions): PairedBootstrap {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const confidence = options.confidence ?? 0.95;
  const { seed } = options;
  checkInputs(labels, predA, predB, classes, resamples, seed);
  const percentiles = centralPercentiles(confidence);
  const n = labels.length;
  const k = classes;

  // Group images by (true, A, B): a resample only needs how often it drew each group.
  const groupOf = new Int32Array(n);
  const groups: [t: number, a: number, b: number][] = [];
  const ids = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = (labels[i]! * k + predA[i]!) * k + predB[i]!;
    let id = ids.get(key);
    if (id === undefined) {
      id = groups.length;
      ids.set(key, id);
      groups.push([labels[i]!, predA[i]!, predB[i]!]);
    }
    groupOf[i] = id;
  }

  const stats = 4 + 3 * k;
  // Row s holds statistic s of every resample, contiguous, ready to sort.
  const values = new Float64Array(stats * resamples);
  const counts = new Int32Array(groups.length);
  const confA = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const confB = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let r = 0; r < resamples; r++) {
    const random = resampleRandom(seed, r);
    counts.fill(0);
    for (let j = 0; j < n; j++) counts[groupOf[Math.floor(random() * n)]!]!++;
    for (let t = 0; t < k; t++) {
      confA[t]!.fill(0);
      confB[t]!.fill(0);
    }
    for (let g = 0; g < groups.length; g++) {
      const [t, a, b] = groups[g]!;
      confA[t]![a]! += counts[g]!;
      confB[t]![b]! += counts[g]!;
    }
    differences(classificationReport(confA), classificationReport(confB), values, r, resamples);
  }

  const full = new Float64Array(stats);
  differences(classificationReport(confusionMatrix(labels, predA, k)), classificationReport(confusionMatrix(labels, predB, k)), full, 0, 1);
  const interval = (s: number): Interval => {
    const sorted = values.subarray(s * resamples, (s + 1) * resamples).sort();
    return { delta: full[s]!, low: percentileSorted(sorted, percentiles[0]), high: percentileSorted(sorted, percentiles[1]) };
  };
  const scores = (first: number): ScoreIntervals => ({ precision: interval(first), recall: interval(first + 1), f1: interval(first + 2) });
  return {
    resamples,
    seed,
    confidence,
    percentiles,
    n,
    accuracy: interval(0),
    macro: scores(1),
    perClass: Array.from({ length: k }, (_, c) => scores(4 + 3 * c)),
  };
}

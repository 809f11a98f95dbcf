/**
 * Two classifiers on the same test images, image by image: which predictions flipped, and
 * McNemar's test of whether the two are equally often right.
 *
 * Arrays are paired by position: `labels[i]`, `predA[i]` and `predB[i]` are the true class and
 * the two models' predicted classes of test image i (class indices). Definitions: README.md.
 */
import { chiSquare1Sf } from './erfc.ts';

/** Test images whose two predictions differ, with the same (true, A, B) classes. */
export interface FlipPair {
  /** True class index. */
  true: number;
  /** A's predicted class index. */
  a: number;
  /** B's predicted class index (≠ a). */
  b: number;
  count: number;
  /** Test indices, ascending. */
  indices: number[];
}

/** Where two models' predictions part ways; every list of test indices is ascending. */
export interface Flips {
  /** A right, B wrong. */
  rightToWrong: number[];
  /** A wrong, B right. */
  wrongToRight: number[];
  /** Both wrong, with different predicted classes. */
  bothWrongDifferently: number[];
  /** Both right. */
  bothRight: number;
  /** Both wrong with the same predicted class. */
  bothWrongSame: number;
  /** Every (true, A, B) with A ≠ B, by count descending, then true, a, b ascending. */
  byPair: FlipPair[];
}

function checkPaired(labels: ArrayLike<number>, predA: ArrayLike<number>, predB: ArrayLike<number>): void {
  if (predA.length !== labels.length || predB.length !== labels.length) {
    throw new RangeError(`Paired predictions need one label and one prediction of each model per test image; received ${labels.length} labels, ${predA.length} predictions of A and ${predB.length} of B.`);
  }
}

/** Flips from A to B over the test images (see `Flips`). */
export function flips(labels: ArrayLike<number>, predA: ArrayLike<number>, predB: ArrayLike<number>): Flips {
  checkPaired(labels, predA, predB);
  const rightToWrong: number[] = [];
  const wrongToRight: number[] = [];
  const bothWrongDifferently: number[] = [];
  let bothRight = 0;
  let bothWrongSame = 0;
  const pairs = new Map<string, FlipPair>();
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i]!;
    const a = predA[i]!;
    const b = predB[i]!;
    if (a === b) {
      if (a === t) bothRight++;
      else bothWrongSame++;
      continue;
    }
    if (a === t) rightToWrong.push(i);
    else if (b === t) wrongToRight.push(i);
    else bothWrongDifferently.push(i);
    const key = `${t},${a},${b}`;
    const pair = pairs.get(key) ?? { true: t, a, b, count: 0, indices: [] };
    pair.count++;
    pair.indices.push(i);
    pairs.set(key, pair);
  }
  const byPair = [...pairs.values()].sort((x, y) => y.count - x.count || x.true - y.true || x.a - y.a || x.b - y.b);
  return { rightToWrong, wrongToRight, bothWrongDifferently, bothRight, bothWrongSame, byPair };
}

/** McNemar's test on the discordant counts. */
export interface McNemar {
  /** Images A got right and B wrong. */
  b: number;
  /** Images A got wrong and B right. */
  c: number;
  /** (|b − c| − 1)² / (b + c); 0 when b + c = 0. */
  statistic: number;
  /** P(chi-square(1) ≥ statistic); 1 when b + c = 0. */
  pValue: number;
  /** False when b + c = 0: no image is right for one model and wrong for the other, so there is nothing to test. */
  discordant: boolean;
}

/**
 * McNemar's chi-square test with Edwards' continuity correction, exactly as statsmodels'
 * `mcnemar([[·, b], [c, ·]], exact=False, correction=True)`: statistic (|b − c| − 1)²/(b + c)
 * (not clamped at 0, so b = c gives 1/(b + c), as statsmodels does) and the chi-square(1)
 * survival probability of it. For b + c = 0 statsmodels divides by zero (statistic inf, p 0,
 * which would claim certainty); here the statistic is 0, the p-value 1 and `discordant` false.
 */
export function mcnemar(b: number, c: number): McNemar {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) throw new RangeError(`McNemar's test counts images: b and c must be whole numbers of at least 0; received ${b} and ${c}.`);
  if (b + c === 0) return { b, c, statistic: 0, pValue: 1, discordant: false };
  const statistic = (Math.abs(b - c) - 1) ** 2 / (b + c);
  return { b, c, statistic, pValue: chiSquare1Sf(statistic), discordant: true };
}

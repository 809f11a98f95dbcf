/**
 * The comparison stage's pure parts: which experiments share a test set, which images are shown
 * (disagreements and agreements, seeded), which epoch is "final", and what the cache keys cover.
 */
import { describe, expect, it } from 'vitest';
import { groupByTestSet, testSetDigest, type TestSetInfo } from '../../../src/pipeline/stages/compare-groups.ts';
import { imageScale } from '../../../src/pipeline/stages/compare-overlays.ts';
import { agreement, comparedImages } from '../../../src/pipeline/stages/compare-select.ts';
import { comparisonKey, groupSeed, keptEpoch, type CompareExperiment } from '../../../src/pipeline/stages/compare.ts';

const testSet = (over: Partial<TestSetInfo> = {}, pixels = [1, 2, 3, 4, 5, 6, 7, 8], labels = [0, 1]): TestSetInfo => ({
  source: 'fashion-mnist',
  classes: ['a', 'b'],
  shape: [2, 2, 1],
  test: { pixels: Uint8Array.from(pixels), labels: Uint8Array.from(labels), count: labels.length },
  ...over,
});

describe('groupByTestSet', () => {
  it('groups identical test sets (by content, not identity) and drops experiments alone with theirs', () => {
    const groups = groupByTestSet([
      testSet(),
      testSet({}, [1, 2, 3, 4, 5, 6, 7, 9]), // one pixel differs
      testSet(), // a copy of the first
      testSet({ classes: ['a', 'c'] }), // same bytes, other meaning
      testSet({ source: 'mnist' }),
      testSet({}, undefined, [1, 1]), // other labels
    ]);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.members).toEqual([0, 2]);
    expect(groups[0]!.name).toBe(`fashion-mnist-${testSetDigest(testSet()).slice(0, 8)}`);
  });

  it('hashes only the test split: a view into a larger buffer hashes like a copy', () => {
    const big = Uint8Array.from([9, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const view: TestSetInfo = { ...testSet(), test: { pixels: big.subarray(2, 10), labels: Uint8Array.from([0, 1]), count: 2 } };
    expect(testSetDigest(view)).toBe(testSetDigest(testSet()));
  });
});

describe('comparedImages', () => {
  // Models agree on 0, 1, 3, 5 and disagree on 2 and 4.
  const a = [0, 1, 2, 3, 4, 5];
  const b = [0, 1, 9, 3, 9, 5];

  it('splits images by whether every model predicts the same class', () => {
    expect(agreement([a, b], 6)).toEqual({ disagree: [2, 4], agree: [0, 1, 3, 5] });
    expect(agreement([a, b, [0, 0, 2, 3, 4, 5]], 6)).toEqual({ disagree: [1, 2, 4], agree: [0, 3, 5] });
  });

  it('takes half (rounded up) from the disagreements, the rest from the agreements, in test order', () => {
    const three = comparedImages([a, b], 6, 3, 1);
    expect(three.filter((i) => i === 2 || i === 4)).toEqual([2, 4]);
    expect(three).toHaveLength(3);
    expect([...three].sort((x, y) => x - y)).toEqual(three);
    expect(comparedImages([a, b], 6, 6, 1)).toEqual([0, 1, 2, 3, 4, 5]);
    // Only two disagreements: the other six of eight cannot exist, so all six images.
    expect(comparedImages([a, b], 6, 8, 1)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('tops up from the disagreements when agreements run short', () => {
    const c = [5, 4, 3, 2, 1, 0]; // disagrees with a everywhere
    expect(comparedImages([a, c], 6, 4, 1)).toHaveLength(4);
  });

  it('is the same for the same seed and varies with it', () => {
    expect(comparedImages([a, b], 6, 3, 7)).toEqual(comparedImages([a, b], 6, 3, 7));
    const picks = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((seed) => comparedImages([a, b], 6, 3, seed).join()));
    expect(picks.size).toBeGreaterThan(1);
  });
});

describe('keptEpoch and keys', () => {
  const history = [1, 2, 3, 4].map((epoch) => ({ epoch, loss: 1, accuracy: 0.5, val_loss: 1, val_accuracy: 0.5, lr: 0.1 }));
  it('the kept epoch is the last phase’s restored one, else the last epoch', () => {
    expect(keptEpoch([{ phase: 'train', firstEpoch: 1, lastEpoch: 4, stoppedEpoch: 4, restoredEpoch: 2 }], history)).toBe(2);
    expect(keptEpoch([{ phase: 'train', firstEpoch: 1, lastEpoch: 4 }], history)).toBe(4);
    // Fine-tuning after a restored first phase keeps its own last epoch.
    expect(keptEpoch([{ phase: 'train', firstEpoch: 1, lastEpoch: 2, restoredEpoch: 1 }, { phase: 'fineTune', firstEpoch: 3, lastEpoch: 4 }], history)).toBe(4);
    expect(keptEpoch([], [])).toBeUndefined();
  });

  const experiment = (id: string, train: string, seed: number): CompareExperiment => ({
    id,
    title: id,
    report: { explainLayer: { type: 'auto' }, seed },
    dataset: testSet(),
    run: { key: train, saved: { modelJson: '{}', weights: Buffer.alloc(0) }, history, phases: [], normalization: undefined },
    analysis: { key: `${train}-analysis`, probs: new Float32Array(4) },
  });

  it('a group key follows its models, and the picking seed is the first experiment’s by id', () => {
    const [group] = groupByTestSet([testSet(), testSet()]);
    const members = [experiment('b', 't1', 5), experiment('a', 't2', 9)];
    expect(groupSeed(members)).toBe(9);
    const key = comparisonKey(group!, members, 8);
    expect(comparisonKey(group!, [experiment('b', 't1', 5), experiment('a', 't2', 9)], 8)).toBe(key);
    expect(comparisonKey(group!, [experiment('b', 't1-retrained', 5), experiment('a', 't2', 9)], 8)).not.toBe(key);
    expect(comparisonKey(group!, members, 6)).not.toBe(key);
  });
});

describe('imageScale', () => {
  it('runs from 0 to the largest value of any model’s map of the image (1 when every map is 0)', () => {
    expect(imageScale([Float32Array.of(0, 0.5), undefined, Float32Array.of(2, 1)])).toEqual({ kind: 'sequential', colormap: 'viridis', min: 0, max: 2 });
    expect(imageScale([Float32Array.of(0, 0)]).max).toBe(1);
  });
});

/**
 * Sharding (src/pipeline/shard.ts): the cost estimate against hand-worked FLOP and image counts,
 * and LPT's promises for random experiment sets: a partition, independent of input order, and
 * within Graham's bound of the optimum (checked by brute force on small sets).
 */
import { describe, expect, it } from 'vitest';
import { parseExperiment } from '../../../src/config/index.ts';
import type { ExperimentSpec } from '../../../src/config/spec.ts';
import { mulberry32, shuffleInPlace } from '../../../src/lib/rng.ts';
import { assignShards, estimateCost, estimatedImages, flopsPerImage, IMPORTED_FLOPS_PER_IMAGE, shareOf, type Costed } from '../../../src/pipeline/shard.ts';

function spec(id: string, yaml: string): ExperimentSpec {
  const parsed = parseExperiment(`${id}.yaml`, yaml);
  if ('errors' in parsed) throw new Error(JSON.stringify(parsed.errors));
  return parsed.spec;
}

const SMALL = `title: small
data: { source: fashion-mnist, split: { validation: 0.1 } }
model:
  layers:
    - conv2d: { filters: 16, kernel: 3, padding: same, activation: relu }
    - maxPool: 2
    - flatten: {}
    - dense: { units: 10, activation: softmax }
train: { epochs: 3 }
`;

describe('estimateCost', () => {
  it('counts forward FLOPs of a layer list by hand: conv 2·k²·Cin·Cout·H·W, pool k²·out, dense 2·in·out', () => {
    const conv = 2 * 9 * 1 * 16 * 28 * 28; // 225,792
    const pool = 4 * 14 * 14 * 16; // 12,544
    const dense = 2 * (14 * 14 * 16) * 10; // 62,720
    expect(flopsPerImage(spec('small', SMALL))).toBe(conv + pool + dense);
  });

  it('valid padding and strides shrink the output as Keras does', () => {
    const s = spec('v', SMALL.replace('padding: same', 'padding: valid, strides: 2'));
    // (28 − 3) / 2 + 1 = 13 → 13×13×16, pooled to 6×6×16
    expect(flopsPerImage(s)).toBe(2 * 9 * 16 * 13 * 13 + 4 * 6 * 6 * 16 + 2 * 6 * 6 * 16 * 10);
  });

  it('training images: the source pool after its fixed test set, limit.train, then the validation fraction', () => {
    expect(estimatedImages(spec('a', SMALL).data)).toEqual({ train: 54_000, test: 10_000 });
    const limited = spec('b', SMALL.replace('split: { validation: 0.1 }', 'split: { validation: 0.2 }, limit: { train: 1000, test: 500 }'));
    expect(estimatedImages(limited.data)).toEqual({ train: 800, test: 500 });
    // mnist has no fixed test set: 10,000 images, split.test 0.2 → 8,000 pool, validation 0.1 → 7,200
    const mnist = spec('m', SMALL.replace('fashion-mnist', 'mnist'));
    expect(estimatedImages(mnist.data)).toEqual({ train: 7_200, test: 2_000 });
  });

  it('cost = epochs × training images × FLOPs per image; fine-tuning epochs count', () => {
    const s = spec('small', SMALL);
    expect(estimateCost(s)).toEqual({ epochs: 3, images: 54_000, flopsPerImage: flopsPerImage(s), runs: 1, cost: 3 * 54_000 * flopsPerImage(s) });
  });

  it('repeated runs multiply the cost (train.repeats, or the listed seeds)', () => {
    const withTrain = (extra: string) => SMALL.replace('train: { epochs: 3 }', `train: { epochs: 3, ${extra} }`);
    const repeated = spec('rep', withTrain('repeats: 3'));
    expect(estimateCost(repeated)).toMatchObject({ runs: 3, cost: 3 * estimateCost(spec('small', SMALL)).cost });
    expect(estimateCost(spec('seeds', withTrain('seeds: [4, 5]')))).toMatchObject({ runs: 2, cost: 2 * estimateCost(spec('small', SMALL)).cost });
  });

  it('an imported model costs its test-set evaluation only', () => {
    const s = spec('imp', 'title: imp\ndata: { source: mnist, limit: { test: 300 } }\nmodel:\n  load: tests/fixtures/models/keras-h5/dl4j-cnn2d_101.h5\n');
    expect(estimateCost(s)).toEqual({ epochs: 0, images: 300, flopsPerImage: IMPORTED_FLOPS_PER_IMAGE, runs: 1, cost: 300 * IMPORTED_FLOPS_PER_IMAGE });
  });

  it('ranks the bundled experiments as they train: the residual network costs more than the small CNN', async () => {
    const { readFileSync } = await import('node:fs');
    const cnn = spec('fashion-mnist-cnn', readFileSync('experiments/fashion-mnist-cnn.yaml', 'utf8'));
    const resnet = spec('fashion-mnist-resnet', readFileSync('experiments/fashion-mnist-resnet.yaml', 'utf8'));
    expect(estimateCost(resnet).cost).toBeGreaterThan(5 * estimateCost(cnn).cost);
    expect(shareOf([cnn, resnet], 1, 2).ids).toEqual(['fashion-mnist-resnet']);
    expect(shareOf([resnet, cnn], 2, 2).ids).toEqual(['fashion-mnist-cnn']);
    expect(shareOf([cnn, resnet], 3, 3)).toEqual({ ids: [], costShare: 0 });
  });
});

function randomItems(random: () => number): Costed[] {
  const n = Math.floor(random() * 14);
  // Few distinct costs, so ties (broken by id) happen often.
  return Array.from({ length: n }, (_, i) => ({ id: `exp-${String.fromCharCode(97 + Math.floor(random() * 26))}${i}`, cost: 1 + Math.floor(random() * 6) * Math.floor(1 + random() * 3) }));
}

const loadsOf = (shards: string[][], items: Costed[]) => shards.map((ids) => ids.reduce((sum, id) => sum + items.find((i) => i.id === id)!.cost, 0));

/** The optimal makespan by trying every assignment (small sets only). */
function optimum(costs: number[], n: number): number {
  let best = Infinity;
  const loads = new Array<number>(n).fill(0);
  const place = (k: number) => {
    if (Math.max(...loads) >= best) return;
    if (k === costs.length) return void (best = Math.max(...loads));
    for (let s = 0; s < n; s++) {
      loads[s]! += costs[k]!;
      place(k + 1);
      loads[s]! -= costs[k]!;
    }
  };
  place(0);
  return best;
}

describe('assignShards (LPT)', () => {
  it('every experiment is in exactly one shard, for random sets and N from 1 to 8', () => {
    const random = mulberry32(15);
    for (let round = 0; round < 200; round++) {
      const items = randomItems(random);
      for (let n = 1; n <= 8; n++) {
        const shards = assignShards(items, n);
        expect(shards).toHaveLength(n);
        expect(shards.flat().sort()).toEqual(items.map((i) => i.id).sort());
      }
    }
  });

  it('the assignment does not depend on the order of the experiments', () => {
    const random = mulberry32(16);
    for (let round = 0; round < 200; round++) {
      const items = randomItems(random);
      const n = 1 + Math.floor(random() * 8);
      const shuffled = shuffleInPlace([...items], random);
      expect(assignShards(shuffled, n)).toEqual(assignShards(items, n));
      expect(assignShards([...items].reverse(), n)).toEqual(assignShards(items, n));
    }
  });

  it('the largest load is at most the mean load + the largest item, and within (4/3 − 1/3N) of the optimum', () => {
    const random = mulberry32(17);
    for (let round = 0; round < 300; round++) {
      const items = randomItems(random).slice(0, 9);
      const n = 1 + Math.floor(random() * 8);
      const loads = loadsOf(assignShards(items, n), items);
      const costs = items.map((i) => i.cost);
      const total = costs.reduce((a, b) => a + b, 0);
      const max = Math.max(0, ...loads);
      expect(max).toBeLessThanOrEqual(total / n + Math.max(0, ...costs));
      if (items.length > 0 && n <= 4) expect(max).toBeLessThanOrEqual((4 / 3 - 1 / (3 * n)) * optimum(costs, n) + 1e-9);
    }
  });

  it('balances by cost, not count: one expensive experiment alone against many cheap ones', () => {
    const items = [{ id: 'big', cost: 100 }, ...Array.from({ length: 6 }, (_, i) => ({ id: `small-${i}`, cost: 10 }))];
    expect(assignShards(items, 2)).toEqual([['big'], ['small-0', 'small-1', 'small-2', 'small-3', 'small-4', 'small-5']]);
  });

  it('equal costs are placed by id in code-point order, the lowest shard first', () => {
    expect(assignShards([{ id: 'b', cost: 1 }, { id: 'B', cost: 1 }, { id: 'a', cost: 1 }], 2)).toEqual([['B', 'b'], ['a']]);
  });

  it('more shards than experiments leaves the last shards empty', () => {
    expect(assignShards([{ id: 'x', cost: 5 }], 3)).toEqual([['x'], [], []]);
  });
});

/**
 * Assembling model inputs from uint8 splits: the one place that knows the order
 *
 *   gather (x/255) → augment (training; per image, seeded) → mixup (training; per batch)
 *   → standardize (per channel, training statistics) → the model
 *
 * Training batches may be assembled in parts (a replica takes rows [lo, hi) of the batch): every
 * image's augmentation depends only on (augment seed, epoch, position in the epoch), and the mixup
 * plan only on (augment seed, epoch, batch), so the parts put together equal the whole batch,
 * whichever process assembles them. Evaluation inputs are only gathered and standardized.
 */
import type { AugmentSpec } from '../config/spec.ts';
import { createAugmenter, imageSeed, imageSeeds, mixLabels, mixupPlan, mixupSeed, type Augmenter } from '../data/augment/index.ts';
import { standardize } from '../data/normalize.ts';
import { gatherBatch, gatherLabels } from '../data/preprocess.ts';

/**
 * How pixels become model inputs beyond x/255: per-channel (x − mean)/std with the training
 * split's statistics, or nothing more. Plain data: stored with the run and published.
 */
export type InputNormalization = { mean: number[]; std: number[] } | undefined;

/** Standardize `length` floats of a batch in place (a no-op without normalization). */
export function normalizeInputs(batch: Float32Array, normalization: InputNormalization, length: number): void {
  if (!normalization) return;
  standardize(batch, normalization, length);
}

/** What a training batch needs besides the data. */
export interface BatchSettings {
  shape: [number, number, number];
  numClasses: number;
  augment?: AugmentSpec;
  augmentSeed: number;
  normalization?: InputNormalization;
}

/** One assembled part of a training batch (views into reused buffers, valid until the next call). */
export interface BatchPart {
  n: number;
  pixels: Float32Array;
  labels: Int32Array;
  /** Soft targets [n × classes] when mixup blended the labels; otherwise the labels are the targets. */
  targets?: Float32Array;
}

/** Reused buffers and the augmenter for assembling training batches of one split. */
export class TrainBatches {
  private readonly split: { pixels: Uint8Array; labels: Uint8Array };
  private readonly settings: BatchSettings;
  private readonly size: number;
  private readonly augmenter: Augmenter | undefined;
  private readonly pixels: Float32Array;
  private readonly partners: Float32Array;
  private readonly labels: Int32Array;
  private readonly allLabels: Int32Array;
  private readonly targets: Float32Array;
  private readonly seeds: Uint32Array;
  private readonly indices: Int32Array;

  /** `maxRows`: the most rows one part holds; `maxBatch`: the largest whole batch (mixup plans over it). */
  constructor(split: { pixels: Uint8Array; labels: Uint8Array }, settings: BatchSettings, maxRows: number, maxBatch: number) {
    this.split = split;
    this.settings = settings;
    const [h, w, c] = settings.shape;
    this.size = h * w * c;
    const augment = settings.augment;
    this.augmenter = augment ? createAugmenter(augment, settings.shape) : undefined;
    this.pixels = new Float32Array(maxRows * this.size);
    this.partners = new Float32Array(augment?.mixup ? maxRows * this.size : 0);
    this.labels = new Int32Array(maxRows);
    this.allLabels = new Int32Array(maxBatch);
    this.targets = new Float32Array(augment?.mixup ? maxBatch * settings.numClasses : 0);
    this.seeds = new Uint32Array(maxRows);
    this.indices = new Int32Array(maxRows);
  }

  /** Rows [lo, hi) of the batch covering `order[start..end)`, batch `batch` of history epoch `epoch`. */
  prepare(order: Int32Array, start: number, end: number, lo: number, hi: number, epoch: number, batch: number): BatchPart {
    const n = hi - lo;
    const { augmentSeed } = this.settings;
    gatherBatch(this.split.pixels, order, start + lo, start + hi, this.size, this.pixels);
    gatherLabels(this.split.labels, order, start + lo, start + hi, this.labels);
    if (this.augmenter?.active) this.augmenter.augment(this.pixels, imageSeeds(augmentSeed, epoch, start + lo, n, this.seeds), n);
    let targets: Float32Array | undefined;
    const mixup = this.settings.augment?.mixup;
    if (mixup) targets = this.mix(order, start, end, lo, hi, epoch, batch, mixup.alpha);
    normalizeInputs(this.pixels, this.settings.normalization, n * this.size);
    return {
      n,
      pixels: this.pixels.subarray(0, n * this.size),
      labels: this.labels.subarray(0, n),
      ...(targets && { targets }),
    };
  }

  /** Blend rows [lo, hi) with their partners (augmented the same way their own rows are) and return the blended targets. */
  private mix(order: Int32Array, start: number, end: number, lo: number, hi: number, epoch: number, batch: number, alpha: number): Float32Array {
    const whole = end - start;
    const n = hi - lo;
    const k = this.settings.numClasses;
    const plan = mixupPlan(whole, alpha, mixupSeed(this.settings.augmentSeed, epoch, batch));
    for (let r = 0; r < n; r++) {
      const p = plan.partner[lo + r]!;
      this.indices[r] = order[start + p]!;
      this.seeds[r] = imageSeed(this.settings.augmentSeed, epoch, start + p);
    }
    gatherBatch(this.split.pixels, this.indices, 0, n, this.size, this.partners);
    if (this.augmenter?.active) this.augmenter.augment(this.partners, this.seeds, n);
    for (let r = 0; r < n; r++) {
      const l = plan.lambda[lo + r]!;
      const base = r * this.size;
      for (let i = base; i < base + this.size; i++) this.pixels[i] = l * this.pixels[i]! + (1 - l) * this.partners[i]!;
    }
    gatherLabels(this.split.labels, order, start, end, this.allLabels);
    mixLabels(this.allLabels.subarray(0, whole), plan, k, this.targets);
    return this.targets.subarray(lo * k, hi * k);
  }
}

/**
 * On-the-fly augmentation of training batches: Keras ImageDataGenerator semantics plus crop,
 * cutout and mixup, on NHWC float32 pixels in [0, 1], every image from its own seeded stream.
 * The training step's order (README.md):
 *
 *   gatherBatch (rescale x/255) → augment (per image) → mixup (per batch) → standardize
 */
export { augmentActive, augmentBatch, createAugmenter, type Augmenter } from './augmenter.ts';
export { applyParams, createScratch, type AugmentScratch } from './apply.ts';
export { drawParams, identityParams, noAugment, type AugmentParams, type Shape3 } from './params.ts';
export { imageSeed, imageSeeds, mixupSeed } from './seeds.ts';
export { mixLabels, mixRows, mixupPlan, type MixupPlan } from './mixup.ts';

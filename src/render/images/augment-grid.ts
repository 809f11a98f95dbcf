/**
 * One training image as the model sees it over successive epochs: the original, then the
 * augmentation it gets in epochs 1, 2, 3… (the same seeds training uses), so a reader can judge
 * whether the transforms keep the class recognisable. Mixup is left out: it blends two images
 * of the batch, which a single image cannot show.
 */
import type { AugmentSpec } from '../../config/spec.ts';
import { createAugmenter, imageSeed } from '../../data/augment/index.ts';
import { gridSvg, img } from './layout.ts';
import { imageDataUri, tileScale, type TileShape } from './tile.ts';

const VARIANTS = 15;
const PER_ROW = 8;

export interface AugmentGridInput {
  spec: AugmentSpec;
  /** The experiment's augment seed. */
  seed: number;
  shape: TileShape;
  /** The training split's pixels (uint8 NHWC) and the index of the image to show. */
  pixels: Uint8Array;
  index: number;
  className: string;
}

/** Float [0, 1] pixels → bytes for display. */
function toBytes(values: Float32Array): Uint8Array {
  return Uint8Array.from(values, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
}

/** The grid as SVG, alt text, and data (the epochs shown and each one's drawn parameters). */
export async function augmentGrid(input: AugmentGridInput): Promise<{ svg: string; width: number; height: number; alt: string; data: string }> {
  const { shape } = input;
  const size = shape[0] * shape[1] * shape[2];
  const original = Float32Array.from(input.pixels.subarray(input.index * size, (input.index + 1) * size), (v) => v / 255);
  const augmenter = createAugmenter({ ...input.spec, mixup: undefined } as AugmentSpec, [shape[0], shape[1], shape[2]]);
  const images = [original];
  const params = [];
  for (let epoch = 1; epoch <= VARIANTS; epoch++) {
    // Position 0 of each epoch: the seed a training image at that position would get.
    const seed = imageSeed(input.seed, epoch, 0);
    const copy = original.slice();
    augmenter.augment(copy, [seed], 1);
    images.push(copy);
    params.push({ epoch, ...augmenter.params(seed) });
  }
  const scale = tileScale(shape, 72);
  const tiles = await Promise.all(images.map(async (v) => img(await imageDataUri(toBytes(v), shape, scale), shape[1] * scale, shape[0] * scale)));
  const rows = [];
  for (let r = 0; r * PER_ROW < tiles.length; r++) rows.push({ label: r === 0 ? 'Original, then epochs 1–7' : `Epochs ${r * PER_ROW}–${Math.min(VARIANTS, r * PER_ROW + PER_ROW - 1)}`, cells: tiles.slice(r * PER_ROW, (r + 1) * PER_ROW) });
  const cell = Math.max(shape[0], shape[1]) * scale;
  const { svg, width, height } = await gridSvg(rows, cell, cell, { labelWidth: 150, gap: 4, note: `Training image ${input.index} (${input.className}); the same seeds as training, mixup not shown.` });
  const alt = `A ${input.className} training image and ${VARIANTS} augmented versions of it, as drawn in epochs 1 to ${VARIANTS}.`;
  return { svg, width, height, alt, data: JSON.stringify({ index: input.index, class: input.className, variants: params }, null, 2) + '\n' };
}

/**
 * The data section's sample grid: a few training images of every class, one row per class, as
 * the reader would see them before any augmentation. Picking is seeded, so a report shows the
 * same samples on every build.
 */
import { gridSvg, img } from './layout.ts';
import { imageDataUri, tileScale, type TileShape } from './tile.ts';

/** Up to `perClass` indices of each class, in a seeded random order (`random` draws in [0, 1)). */
export function pickPerClass(labels: ArrayLike<number>, classCount: number, perClass: number, random: () => number): number[][] {
  const byClass: number[][] = Array.from({ length: classCount }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]!]!.push(i);
  return byClass.map((indices) => {
    // Partial Fisher–Yates: only the first `perClass` positions need drawing.
    const pool = indices.slice();
    const take = Math.min(perClass, pool.length);
    for (let i = 0; i < take; i++) {
      const j = i + Math.floor(random() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    return pool.slice(0, take);
  });
}

export interface SampleGridInput {
  classes: readonly string[];
  shape: TileShape;
  /** Uint8 pixels of the split the indices point into (NHWC). */
  pixels: Uint8Array;
  /** Per class, the indices shown (pickPerClass). */
  picks: number[][];
  /** What the images are, e.g. "training split". */
  splitName: string;
}

/** The grid as SVG, its alt text, and its data (which image of the split each tile shows). */
export async function sampleGrid(input: SampleGridInput): Promise<{ svg: string; width: number; height: number; alt: string; data: string }> {
  const { shape, pixels, picks } = input;
  const size = shape[0] * shape[1] * shape[2];
  const scale = tileScale(shape, 56);
  const cell = Math.max(shape[0], shape[1]) * scale;
  const rows = await Promise.all(
    picks.map(async (indices, k) => ({
      label: input.classes[k]!,
      cells: await Promise.all(indices.map(async (i) => img(await imageDataUri(pixels.subarray(i * size, (i + 1) * size), shape, scale), shape[1] * scale, shape[0] * scale))),
    })),
  );
  const shown = picks.reduce((s, p) => s + p.length, 0);
  const note = `${shape[0]}×${shape[1]} pixels shown at ${scale}×; images from the ${input.splitName}, before augmentation.`;
  const { svg, width, height } = await gridSvg(rows, cell, cell, { labelWidth: labelWidth(input.classes), gap: 4, note });
  const perClass = Math.max(0, ...picks.map((p) => p.length));
  const alt = `${shown} sample images from the ${input.splitName}, up to ${perClass} per class, one row per class: ${input.classes.join(', ')}.`;
  const data = JSON.stringify({ split: input.splitName, classes: input.classes, indices: picks }, null, 2) + '\n';
  return { svg, width, height, alt, data };
}

/** Enough room for the longest class name at 12 px (≈ 7 px per character), within limits. */
export function labelWidth(classes: readonly string[]): number {
  return Math.min(160, Math.max(40, 7 * Math.max(...classes.map((c) => c.length)) + 8));
}

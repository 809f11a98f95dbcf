/**
 * Test or training images as a model sees them: the bytes rescaled to x/255, then the run's
 * standardization. Shared by the explain stage and the comparison's Grad-CAM.
 */
import type { InputNormalization } from '../../engine/batch.ts';
import { gatherBatch } from '../../data/preprocess.ts';

/** Images `indices` of `pixels` (h·w·c bytes each) as model inputs: x/255, then `normalization`. */
export async function modelInputs(pixels: Uint8Array, indices: ArrayLike<number>, shape: readonly [number, number, number], normalization: InputNormalization): Promise<Float32Array> {
  const { normalizeInputs } = await import('../../engine/batch.ts');
  const out = gatherBatch(pixels, indices, 0, indices.length, shape[0] * shape[1] * shape[2]);
  normalizeInputs(out, normalization, out.length);
  return out;
}

/**
 * Grad-CAM of one trained model on chosen test images, for the comparison: the tensor side,
 * returning plain arrays. Each model sees its own inputs (x/255, then its own standardization)
 * and explains the class it predicted, at the layer its experiment's report uses, so a map here
 * is the same map that experiment's own Grad-CAM figure shows.
 */
import type { LayerChoice } from '../../config/spec.ts';
import type { SavedModel } from '../../engine/model-io.ts';
import type { InputNormalization } from '../../engine/batch.ts';
import { UserError } from '../../lib/errors.ts';
import { modelInputs } from './model-inputs.ts';

/** What explaining one model needs. */
export interface CamModel {
  saved: SavedModel;
  normalization: InputNormalization;
  /** Grad-CAM's layer choice (`report.explain.layer` of the experiment). */
  layer: LayerChoice;
}

/** One map per image (h·w values at the image's resolution) and the layer they come from; or why there are none. */
export type CamResult = { maps: Float32Array[]; layer: string } | { maps?: undefined; reason: string };

/**
 * Grad-CAM maps of `targets` (one class per image) for test images `indices`. A model without
 * a convolutional layer has no Grad-CAM: the reason comes back instead of maps (the comparison
 * then shows predictions only for it). The engine must be started.
 */
export async function camMaps(model: CamModel, pixels: Uint8Array, indices: readonly number[], shape: [number, number, number], targets: readonly number[]): Promise<CamResult> {
  const { loadModel } = await import('../../engine/model-io.ts');
  const explain = await import('../../analysis/explain/index.ts');
  const loaded = await loadModel(model.saved);
  try {
    let layer;
    try {
      layer = explain.gradCamLayer(loaded, model.layer);
    } catch (error) {
      if (error instanceof UserError) return { reason: error.message };
      throw error;
    }
    if (indices.length === 0) return { maps: [], layer: layer.name };
    const batch = explain.imageBatch(await modelInputs(pixels, indices, shape, model.normalization), shape);
    const cams = explain.gradCam(loaded, batch, targets, { layer });
    return { maps: cams.maps, layer: layer.name };
  } finally {
    loaded.dispose();
  }
}

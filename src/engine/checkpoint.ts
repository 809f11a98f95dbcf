/**
 * Training checkpoints: everything needed to continue a run exactly where it stopped —
 * all model weights (batch-norm statistics included), the optimizer's slots and step count,
 * the best weights kept for early stopping, and the loop's own state (history, schedule and
 * callback state). Encoded as plain bytes; where they are stored is the pipeline's business.
 *
 * A resumed run must end with the same history as an uninterrupted one, bit for bit. Two
 * details matter for that: tensors are saved as raw float32 bytes, and Adam's running
 * β-powers are saved as the values the uninterrupted run had (tfjs's setWeights recomputes
 * them with pow(), which rounds differently from the run's repeated multiplications).
 */
import * as tf from '@tensorflow/tfjs';

/** A tensor as plain data. */
export interface SavedTensor {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  values: Float32Array | Int32Array;
}

/**
 * The arrays of every model weight, sorted by name. (Not in `model.weights` order: tfjs lists
 * trainable weights first, so that order changes when fine-tuning unfreezes layers.)
 */
export function captureWeights(model: tf.LayersModel): SavedTensor[] {
  return model.weights
    .map((w) => {
      const t = w.read();
      return { name: w.originalName, shape: [...t.shape], dtype: t.dtype as 'float32', values: (t.dataSync() as Float32Array).slice() };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Put saved weights back by name (same model structure; a mismatch fails loudly). */
export function restoreWeights(model: tf.LayersModel, saved: SavedTensor[]): void {
  const byName = new Map(saved.map((s) => [s.name, s]));
  const weights = model.weights;
  const missing = weights.filter((w) => !byName.has(w.originalName)).map((w) => w.originalName);
  if (weights.length !== saved.length || missing.length > 0) {
    throw new Error(
      `checkpoint weights (${saved.length}) do not match the model's (${weights.length}): the model definition changed under the same cache key. ` +
        `Not in the checkpoint: ${missing.join(', ') || 'none'}.`,
    );
  }
  const tensors = weights.map((w) => {
    const s = byName.get(w.originalName)!;
    return tf.tensor(s.values, s.shape, s.dtype);
  });
  model.setWeights(tensors);
  tf.dispose(tensors);
}

/** The optimizer's state: slots, step count, and Adam's running β-powers. */
export async function captureOptimizer(optimizer: tf.Optimizer): Promise<SavedTensor[]> {
  const named = await optimizer.getWeights();
  const out: SavedTensor[] = named.map(({ name, tensor }) => ({
    name,
    shape: [...tensor.shape],
    dtype: tensor.dtype as 'float32',
    values: (tensor.dataSync() as Float32Array).slice(),
  }));
  // saveIterations() returns a fresh scalar; the slot variables belong to the optimizer.
  named[0]?.tensor.dispose();
  for (const field of ['accBeta1', 'accBeta2'] as const) {
    const v = (optimizer as unknown as Record<string, tf.Variable | undefined>)[field];
    if (v) out.push({ name: `__${field}`, shape: [], dtype: 'float32', values: (v.dataSync() as Float32Array).slice() });
  }
  return out;
}

/** Restore what `captureOptimizer` saved into a fresh optimizer of the same kind. */
export async function restoreOptimizer(optimizer: tf.Optimizer, saved: SavedTensor[]): Promise<void> {
  const extra = saved.filter((s) => s.name.startsWith('__'));
  const slots = saved.filter((s) => !s.name.startsWith('__'));
  await optimizer.setWeights(slots.map((s) => ({ name: s.name, tensor: tf.tensor(s.values, s.shape, s.dtype) })));
  for (const s of extra) {
    const v = (optimizer as unknown as Record<string, tf.Variable | undefined>)[s.name.slice(2)];
    if (v) tf.tidy(() => v.assign(tf.scalar(s.values[0]!)));
  }
}

/** Tensors → (index JSON, one binary blob). */
export function encodeTensors(list: SavedTensor[]): { index: string; data: Buffer } {
  const index = list.map(({ name, shape, dtype }) => ({ name, shape, dtype }));
  const data = Buffer.concat(list.map((t) => Buffer.from(t.values.buffer, t.values.byteOffset, t.values.byteLength)));
  return { index: JSON.stringify(index), data };
}

/** Inverse of `encodeTensors`. */
export function decodeTensors(index: string, data: Buffer): SavedTensor[] {
  const entries = JSON.parse(index) as { name: string; shape: number[]; dtype: 'float32' | 'int32' }[];
  const bytes = new Uint8Array(data); // an aligned copy
  let offset = 0;
  return entries.map((e) => {
    const size = e.shape.reduce((a, b) => a * b, 1);
    const values = e.dtype === 'int32' ? new Int32Array(bytes.buffer, offset, size) : new Float32Array(bytes.buffer, offset, size);
    offset += size * 4;
    return { ...e, values };
  });
}

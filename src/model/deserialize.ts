/**
 * Reading saved models with convlens's layer classes in place of tfjs's.
 *
 * A saved convlens model names only stock classes (Conv2D, BatchNormalization, Dropout, …), so
 * any tfjs loads it. Loaded *here*, the same names become convlens's subclasses, which a model
 * needs to be trained further or to compute correctly:
 *   Conv2D, SeparableConv2D   train with dilation > 1
 *   DepthwiseConv2D           honours dilationRate (stock tfjs silently convolves undilated)
 *   BatchNormalization        keeps its moving statistics while frozen (Keras semantics)
 *   Dropout                   seeded masks per training step (never Math.random)
 *   ELU                       any alpha (stock tfjs refuses to load alpha ≠ 1)
 *
 * tfjs resolves class names through one global registry, and its `customObjects` route is not
 * passed on to the layers of a Sequential model; so the registry entries are swapped for the
 * duration of one load and restored afterwards.
 */
import * as tf from '@tensorflow/tfjs';
import { DilatedConv2D, DilatedDepthwiseConv2D, DilatedSeparableConv2D } from './layers/dilated-conv.ts';
import { FreezableBatchNorm } from './layers/batch-norm.ts';
import { SeededDropout } from './layers/seeded-dropout.ts';
import { AlphaElu } from './layers/elu.ts';

type Entry = [unknown, unknown];
interface Registered {
  className: string;
  fromConfig: unknown;
}

/** The stock class names convlens substitutes, with their convlens classes. */
export const CONVLENS_CLASSES: readonly Registered[] = [
  DilatedConv2D,
  DilatedDepthwiseConv2D,
  DilatedSeparableConv2D,
  FreezableBatchNorm,
  SeededDropout,
  AlphaElu,
] as unknown as Registered[];

/** Run `load` while tfjs deserializes the stock class names as convlens's classes. */
export async function withConvlensClasses<T>(load: () => Promise<T>): Promise<T> {
  const registry = tf.serialization.SerializationMap.getMap().classNameMap as Record<string, Entry>;
  const saved = new Map<string, Entry | undefined>();
  for (const cls of CONVLENS_CLASSES) {
    saved.set(cls.className, registry[cls.className]);
    registry[cls.className] = [cls, cls.fromConfig];
  }
  try {
    return await load();
  } finally {
    for (const [name, entry] of saved) {
      if (entry === undefined) delete registry[name];
      else registry[name] = entry;
    }
  }
}

/** The parts of a saved layers model, as `tf.io.fromMemory` takes them. */
export interface ModelArtifacts {
  modelTopology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
}

/** Load a layers model from its topology and weights with convlens's layer classes. */
export async function loadConvlensModel(artifacts: ModelArtifacts): Promise<tf.LayersModel> {
  return withConvlensClasses(() => tf.loadLayersModel(tf.io.fromMemory(artifacts)));
}

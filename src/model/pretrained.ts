/**
 * A saved tfjs LayersModel as the base of a new model: loaded with convlens's layer classes,
 * cut at `output`, frozen per selector; later partly unfrozen for fine-tuning.
 *
 *   1 read      model.json + weight files, checked (pretrained-files.ts)
 *   2 load      deserialized with convlens's classes (deserialize.ts): frozen batch norms keep
 *               their moving statistics, dilated convolutions train, dropout is seeded
 *   3 check     one image input of the dataset's shape; `output` names a layer
 *   4 cut       the base = the layers that `output` depends on; the others are freed
 *   5 freeze    the selector's base layers (build.ts, once the head is built)
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerSelector, ModelSpec } from '../config/spec.ts';
import { didYouMean } from '../config/did-you-mean.ts';
import { deriveSeed } from '../lib/rng.ts';
import { UserError } from '../lib/errors.ts';
import { loadConvlensModel } from './deserialize.ts';
import { SeededDropout } from './layers/seeded-dropout.ts';
import { messages } from './messages.ts';
import { readPretrained, type PretrainedFs } from './pretrained-files.ts';
import { allLayers, freeLayer } from './layer-walk.ts';
import { selectLayers } from './selectors.ts';

type Sym = tf.SymbolicTensor;
type PretrainedSpec = Extract<ModelSpec, { kind: 'pretrained' }>;

/** Layer classes that draw unseeded random numbers in training (tfjs offers no way to seed them per step). */
const UNSEEDED = new Set(['GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'SpatialDropout1D']);

/** A loaded base, cut at its output. */
export interface PretrainedBase {
  /** The model input (the base's input layer). */
  input: Sym;
  /** The base's output: the `output` layer's. */
  output: Sym;
  /** The base's layers up to `output`, in order, without the input layer. */
  layers: tf.layers.Layer[];
  /** Names of the saved model's layers cut away: generated head names avoid them too, to keep the report unambiguous. */
  cutAway: string[];
  /** Free the weights of every layer of the base (after a failed build). */
  dispose(): void;
}

/** What loading a base needs besides its ModelSpec. */
export interface LoadBaseOptions {
  /** Dataset image shape [height, width, channels]. */
  inputShape: [number, number, number];
  /** The experiment's dropout seed: the base's dropout layers are seeded from it and their names. */
  dropoutSeed: number;
  /** Disk access (node:fs when absent). */
  fs?: PretrainedFs;
}

/** Every layer the tensor `output` is computed from (its source layers, transitively). */
function ancestors(output: Sym): Set<tf.layers.Layer> {
  const seen = new Set<tf.layers.Layer>();
  const stack: Sym[] = [output];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (seen.has(t.sourceLayer as tf.layers.Layer)) continue;
    const layer = t.sourceLayer as tf.layers.Layer;
    seen.add(layer);
    const node = layer.inboundNodes[t.nodeIndex];
    if (node) stack.push(...(node.inputTensors as Sym[]));
  }
  return seen;
}

function checkInput(path: string, model: tf.LayersModel, data: [number, number, number]): void {
  if (model.inputs.length !== 1) throw new UserError(messages.singleInput(path, model.inputs.length));
  const shape = model.inputs[0]!.shape;
  if (shape.length !== 4) throw new UserError(messages.notImageInput(path, shape));
  // A dimension the base leaves open (null) fits any size.
  if (!shape.slice(1).every((d, i) => d === null || d === data[i])) throw new UserError(messages.inputShape(path, shape.slice(1), data));
}

function outputLayer(path: string, model: tf.LayersModel, output: string | undefined): tf.layers.Layer {
  const names = model.layers.map((l) => l.name);
  const name = output ?? names[names.length - 1]!;
  const layer = model.layers.find((l) => l.name === name);
  if (!layer) throw new UserError(messages.unknownOutput(path, name, didYouMean(name, names), names));
  if (layer.inboundNodes.length !== 1 || Array.isArray(layer.output)) throw new UserError(messages.ambiguousOutput(path, name));
  return layer;
}

/** Read, load and cut the base of `spec`. Layers after the cut are freed. */
export async function loadPretrainedBase(spec: PretrainedSpec, opts: LoadBaseOptions): Promise<PretrainedBase> {
  const files = await readPretrained(spec.path, opts.fs);
  let model: tf.LayersModel;
  try {
    model = await loadConvlensModel(files);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(messages.badModel(spec.path, (error as Error).message));
  }
  const everything = model.layers;
  try {
    checkInput(spec.path, model, opts.inputShape);
    const cut = outputLayer(spec.path, model, spec.output);
    const output = cut.output as Sym;
    const kept = ancestors(output);
    const layers = everything.filter((l) => kept.has(l) && l.getClassName() !== 'InputLayer');
    for (const layer of layers.flatMap((l) => allLayers(l))) {
      if (UNSEEDED.has(layer.getClassName())) throw new UserError(messages.unseeded(spec.path, layer.name, layer.getClassName()));
      if (layer instanceof SeededDropout) layer.streamSeed = deriveSeed(opts.dropoutSeed, layer.name);
    }
    for (const layer of everything) if (!kept.has(layer)) freeLayer(layer);
    const keptLayers = everything.filter((l) => kept.has(l));
    const cutAway = everything.filter((l) => !kept.has(l)).map((l) => l.name);
    return { input: model.inputs[0]!, output, layers, cutAway, dispose: () => keptLayers.forEach(freeLayer) };
  } catch (error) {
    everything.forEach(freeLayer);
    throw error;
  }
}

/** Set `trainable` on a layer and, for a nested model, on every layer inside it. */
function setTrainable(layer: tf.layers.Layer, trainable: boolean): void {
  for (const l of allLayers(layer)) l.trainable = trainable;
  layer.trainable = trainable;
}

/** The base layers `model.pretrained.freeze` picks (the FIRST `count` for a count). */
export function selectFrozen(baseLayers: readonly string[], selector: LayerSelector): string[] {
  return selectLayers(baseLayers, selector, { countFrom: 'first', key: 'model.pretrained.freeze' });
}

/** Set `trainable` on the named layers of `model` (and inside nested models). */
export function setLayersTrainable(model: tf.LayersModel, names: readonly string[], trainable: boolean): void {
  for (const name of names) setTrainable(model.getLayer(name), trainable);
}

/**
 * For the fine-tuning phase: make the base layers `selector` picks trainable again (the LAST
 * `count` for a count); returns their names. tfjs fixes the trained variables when a model is
 * compiled, so compile the model (again) after this.
 */
export function unfreezeBase(model: tf.LayersModel, baseLayers: readonly string[], selector: LayerSelector): string[] {
  const names = selectLayers(baseLayers, selector, { countFrom: 'last', key: 'train.fineTune.unfreeze' });
  setLayersTrainable(model, names, true);
  return names;
}

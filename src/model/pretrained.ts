/**
 * A saved model as the base of a new model: loaded with convlens's layer classes, cut at
 * `output`, frozen per selector; later partly unfrozen for fine-tuning.
 *
 *   1 read      by content: a Keras .h5/.keras file through src/import, or a tfjs model.json
 *               with its weight files, checked (pretrained-files.ts)
 *   2 size      a base saved for other images is rebuilt for the dataset's height and width
 *               when nothing between its input and `output` depends on them (base-input.ts)
 *   3 load      deserialized with convlens's classes (deserialize.ts): frozen batch norms keep
 *               their moving statistics, dilated convolutions train, dropout is seeded
 *   4 check     one image input of the dataset's shape; `output` names a layer
 *   5 cut       the base = the layers that `output` depends on; the others are freed
 *   6 freeze    the selector's base layers (build.ts, once the head is built)
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerSelector, ModelSpec } from '../config/spec.ts';
import { didYouMean } from '../config/did-you-mean.ts';
import { deriveSeed } from '../lib/rng.ts';
import { UserError } from '../lib/errors.ts';
import { loadConvlensModel, type ModelArtifacts } from './deserialize.ts';
import { SeededDropout } from './layers/seeded-dropout.ts';
import { savedInputShape, sizeDependentLayer, withInputSize, type SizeDependent } from './base-input.ts';
import { messages } from './messages.ts';
import { readPretrained, selectWeights, type PretrainedFiles, type PretrainedFs } from './pretrained-files.ts';
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
  /** Sentences for the build log: the base rebuilt for the dataset's image size. */
  notes: string[];
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

/** `blocker`: the layer that kept a base of another image size from being rebuilt, for the message. */
function checkInput(path: string, model: tf.LayersModel, data: [number, number, number], blocker: SizeDependent | undefined): void {
  if (model.inputs.length !== 1) throw new UserError(messages.singleInput(path, model.inputs.length));
  const shape = model.inputs[0]!.shape;
  if (shape.length !== 4) throw new UserError(messages.notImageInput(path, shape));
  // A dimension the base leaves open (null) fits any size.
  if (!shape.slice(1).every((d, i) => d === null || d === data[i])) throw new UserError(messages.inputShape(path, shape.slice(1), data, blocker));
}

const fits = (saved: (number | null)[], data: readonly number[], from: number, to: number) => saved.slice(from, to).every((d, i) => d === null || d === data[from + i]);

/** What tfjs loads: the saved artifacts, or those of the base rebuilt for the dataset's size (`saved` set, the layers after the cut `removed`). */
interface Sized {
  artifacts: ModelArtifacts;
  saved?: (number | null)[];
  removed: string[];
  blocker?: SizeDependent;
}

/**
 * The base's topology for the dataset's images: as saved when its size fits, else rebuilt for
 * the dataset's height and width when the part up to `output` allows it, without the layers
 * after `output` (they may depend on the size). Channels are never changed (the first
 * convolution's kernel has one slice per input channel).
 */
function sizedArtifacts(files: PretrainedFiles, output: string | undefined, data: [number, number, number]): Sized {
  const { artifacts } = files;
  const saved = savedInputShape(artifacts.modelTopology);
  if (!saved || saved.length !== 3 || fits(saved, data, 0, 3) || !fits(saved, data, 2, 3)) return { artifacts, removed: [] };
  const blocker = sizeDependentLayer(artifacts.modelTopology, output);
  if (blocker) return { artifacts, blocker, removed: [] };
  const rebuilt = withInputSize(artifacts.modelTopology, data[0], data[1], output);
  if (!rebuilt) return { artifacts, removed: [] };
  const weights = selectWeights(files.path, artifacts, rebuilt.kept);
  return { artifacts: { ...weights, modelTopology: rebuilt.topology }, saved, removed: rebuilt.removed };
}

/** A rebuilt base must keep some pixels in every layer (each stride-2 layer halves the size). */
function checkRebuilt(path: string, layers: tf.layers.Layer[], data: [number, number, number], saved: (number | null)[]): void {
  for (const layer of layers) {
    const shape = layer.outputShape as (number | null)[];
    if (shape.some((d) => d !== null && d <= 0)) throw new UserError(messages.baseTooSmall(path, layer.name, shape, data, saved));
  }
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
  const files = await readPretrained(spec.path, opts.fs, [opts.inputShape[0], opts.inputShape[1]]);
  const sized = sizedArtifacts(files, spec.output, opts.inputShape);
  let model: tf.LayersModel;
  try {
    model = await loadConvlensModel(sized.artifacts);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(messages.badModel(spec.path, (error as Error).message));
  }
  const everything = model.layers;
  try {
    checkInput(spec.path, model, opts.inputShape, sized.blocker);
    const cut = outputLayer(spec.path, model, spec.output);
    const output = cut.output as Sym;
    const kept = ancestors(output);
    const layers = everything.filter((l) => kept.has(l) && l.getClassName() !== 'InputLayer');
    for (const layer of layers.flatMap((l) => allLayers(l))) {
      if (UNSEEDED.has(layer.getClassName())) throw new UserError(messages.unseeded(spec.path, layer.name, layer.getClassName()));
      if (layer instanceof SeededDropout) layer.streamSeed = deriveSeed(opts.dropoutSeed, layer.name);
    }
    const notes: string[] = [];
    if (sized.saved) {
      checkRebuilt(spec.path, layers, opts.inputShape, sized.saved);
      notes.push(messages.baseResized(spec.path, sized.saved, opts.inputShape, cut.name));
    }
    for (const layer of everything) if (!kept.has(layer)) freeLayer(layer);
    const keptLayers = everything.filter((l) => kept.has(l));
    const cutAway = [...everything.filter((l) => !kept.has(l)).map((l) => l.name), ...sized.removed];
    return { input: model.inputs[0]!, output, layers, cutAway, dispose: () => keptLayers.forEach(freeLayer), notes };
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

/**
 * ModelSpec (config/spec.ts) → tf.LayersModel.
 *
 *   1 layers     `layers` as written; a preset expanded (presets.ts); a pretrained base loaded
 *                and cut (pretrained.ts), its layers followed by `layers` as the head
 *   2 graph      the layer list applied from `input` (or `base`) as a DAG (graph.ts), each
 *                LayerSpec through the vocabulary (vocabulary.ts)
 *   3 model      tf.model, then the head check: [batch, numClasses] through a softmax
 *   4 freeze     the pretrained base's selected layers
 *
 * Every layer gets a stable, readable name (`conv2d_1`, `residual_3_conv_a`, …; a user `name:`
 * wins) so figures, summaries and cache keys never depend on tfjs's global name counters, and
 * every initializer is seeded from the experiment's `init` seed and the layer name.
 * If anything fails, every weight created so far is freed.
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerSpec, ModelSpec } from '../config/spec.ts';
import { UserError } from '../lib/errors.ts';
import { buildGraph, locateInModelLayers, type GraphStart, type Locate } from './graph.ts';
import { activationOf } from './layer-options.ts';
import { messages } from './messages.ts';
import { LayerNames } from './names.ts';
import { freeLayer } from './layer-walk.ts';
import { loadPretrainedBase, selectFrozen, setLayersTrainable, type PretrainedBase } from './pretrained.ts';
import type { PretrainedFs } from './pretrained-files.ts';
import { presetLayers } from './presets.ts';
import type { VocabularyContext } from './vocabulary.ts';

/** What a model is built for: the dataset's images and classes, and the experiment's seeds. */
export interface BuildOptions {
  /** Input image shape [height, width, channels]. */
  inputShape: [number, number, number];
  /** Classes of the dataset: the model must end in this many softmax units. */
  numClasses: number;
  /** `init` seeds every initializer (with the layer name), `dropout` every dropout mask. */
  seeds: { init: number; dropout: number };
  /** Disk access for a pretrained base (node:fs when absent). */
  fs?: PretrainedFs;
}

/** A built model and what training needs to know about it. */
export interface BuiltModel {
  model: tf.LayersModel;
  /** The pretrained base's layer names in order (its input layer excluded); empty without a base. */
  baseLayers: string[];
  /** Names of the base layers frozen by `freeze` (to unfreeze when fine-tuning: pretrained.ts `unfreezeBase`). */
  frozenLayers: string[];
  /** The layer list built after the input or base: a preset expanded, or a pretrained model's head. */
  layers: LayerSpec[];
  /** Sentences worth a line in the build log (a pretrained base rebuilt for the dataset's image size); empty as a rule. */
  notes: string[];
}

/** The model must output one probability per class: [batch, numClasses] through a softmax. */
function checkHead(model: tf.LayersModel, numClasses: number): void {
  const shape = model.outputs[0]!.shape;
  if (shape.length !== 2) throw new UserError(messages.headNotFlat(shape, numClasses));
  if (shape[1] !== numClasses) throw new UserError(messages.headUnits(shape[1] ?? null, numClasses));
  const last = model.layers[model.layers.length - 1]!;
  const activation = activationOf(last);
  if (activation !== 'softmax') throw new UserError(messages.headActivation(last.name, activation, numClasses));
}

const userNames = (layers: readonly LayerSpec[]) => layers.flatMap((l) => (l.name !== undefined ? [l.name] : []));

/**
 * Apply `layers` from `start` and make the model; on failure free what was created.
 * `existing`: layer names already in the graph (a pretrained base); `avoid`: names generated
 * names must not take (besides the user's).
 */
function assemble(layers: readonly LayerSpec[], start: GraphStart, input: tf.SymbolicTensor, opts: BuildOptions, locate: Locate, existing: string[] = [], avoid: string[] = []): tf.LayersModel {
  const ctx: VocabularyContext = { names: new LayerNames([...userNames(layers), ...avoid], existing), seeds: opts.seeds, created: [] };
  try {
    const output = buildGraph(layers, start, ctx, locate);
    const model = tf.model({ inputs: input, outputs: output, name: 'model' });
    checkHead(model, opts.numClasses);
    return model;
  } catch (error) {
    ctx.created.forEach(freeLayer);
    throw error;
  }
}

/**
 * Build a model from a plain layer list (no pretrained base), synchronously. The network must
 * end in `numClasses` units through a softmax: every metric and explanation works on class
 * probabilities. `locate` phrases where a layer is in messages (default `model.layers[i]`).
 */
export function buildLayersModel(layers: readonly LayerSpec[], opts: BuildOptions, locate: Locate = locateInModelLayers): tf.LayersModel {
  const input = tf.input({ shape: opts.inputShape, name: 'input' });
  return assemble(layers, { nodes: { input }, first: input }, input, opts, locate);
}

async function buildPretrained(spec: Extract<ModelSpec, { kind: 'pretrained' }>, opts: BuildOptions): Promise<BuiltModel> {
  const base: PretrainedBase = await loadPretrainedBase(spec, { inputShape: opts.inputShape, dropoutSeed: opts.seeds.dropout, ...(opts.fs && { fs: opts.fs }) });
  const baseLayers = base.layers.map((l) => l.name);
  try {
    // Selected before the head is built, so a bad selector leaves nothing half-made.
    const frozenLayers = selectFrozen(baseLayers, spec.freeze);
    const start: GraphStart = { nodes: { input: base.input, base: base.output }, first: base.output };
    const existing = [base.input.sourceLayer.name, ...baseLayers];
    const model = assemble(spec.layers, start, base.input, opts, locateInModelLayers, existing, base.cutAway);
    setLayersTrainable(model, frozenLayers, false);
    return { model, baseLayers, frozenLayers, layers: spec.layers, notes: base.notes };
  } catch (error) {
    base.dispose();
    throw error;
  }
}

/**
 * Build the model `spec` describes for images of `opts.inputShape` and `opts.numClasses`
 * classes. Async because a pretrained base is read from disk.
 */
export async function buildModel(spec: ModelSpec, opts: BuildOptions): Promise<BuiltModel> {
  switch (spec.kind) {
    case 'layers':
      return { model: buildLayersModel(spec.layers, opts), baseLayers: [], frozenLayers: [], layers: spec.layers, notes: [] };
    case 'preset': {
      const layers = presetLayers(spec.preset, spec.width, opts.numClasses);
      const locate: Locate = (i, l) => `layer ${i + 1} (${l.type}) of the ${spec.preset} preset`;
      return { model: buildLayersModel(layers, opts, locate), baseLayers: [], frozenLayers: [], layers, notes: [] };
    }
    case 'pretrained':
      return buildPretrained(spec, opts);
    case 'imported':
      // The pipeline sends imported models through stages/import.ts; reaching here is a bug.
      throw new Error('buildModel: an imported model (model.load) is read by src/import/, never built');
  }
}

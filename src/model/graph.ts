/**
 * A layer list → a symbolic tfjs graph.
 *
 * A layer with `inputs` reads those nodes (`input` = the model input, `base` = a pretrained
 * base's output, or earlier layers' `name`s); otherwise it reads the previous layer. The last
 * layer is the output. config/graph-check.ts has already made the list a sound DAG (unique
 * names, earlier inputs only, arity, no unread branch); what only shows once shapes are known
 * (mismatched branches, images shrunk to nothing) is reported here, naming the layer.
 */
import type * as tf from '@tensorflow/tfjs';
import type { LayerSpec } from '../config/spec.ts';
import { UserError } from '../lib/errors.ts';
import { applyLayer, type VocabularyContext } from './vocabulary.ts';
import { messages, shapeText } from './messages.ts';

type Sym = tf.SymbolicTensor;

/** Where a layer list starts: the nodes it may name, and what its first layer reads by default. */
export interface GraphStart {
  /** Nodes readable by name before the first layer: `input`, and `base` with a pretrained base. */
  nodes: Record<string, Sym>;
  /** What the first layer reads when it lists no inputs. */
  first: Sym;
}

/** How messages locate layer i: `model.layers[3] (conv2d "stem")`. */
export type Locate = (index: number, spec: LayerSpec) => string;

/** Locations in the experiment's `model.layers` list. */
export const locateInModelLayers: Locate = (i, spec) => `model.layers[${i}] (${spec.type}${spec.name !== undefined ? ` "${spec.name}"` : ''})`;

/**
 * tfjs-layers' own shape errors (its ValueError sets no `name`, so go by the class); anything
 * else is a defect of ours and must stay one.
 */
const isTfjsValueError = (e: unknown) => e instanceof Error && e.constructor.name === 'ValueError';

/** Apply `layers` from `start`; returns the output of the last layer (`start.first` for an empty list). */
export function buildGraph(layers: readonly LayerSpec[], start: GraphStart, ctx: VocabularyContext, locate: Locate): Sym {
  const nodes = new Map<string, Sym>(Object.entries(start.nodes));
  let previous = start.first;
  layers.forEach((spec, i) => {
    const where = locate(i, spec);
    const inputs = (spec.inputs ?? []).map((ref) => {
      const node = nodes.get(ref);
      // graph-check.ts rejects unknown names with a located message; reaching this is a defect.
      if (node === undefined) throw new Error(`buildGraph: ${where} reads unknown node "${ref}"`);
      return node;
    });
    if (inputs.length === 0) inputs.push(previous);
    let output: Sym;
    try {
      output = applyLayer(ctx, spec, inputs, where);
    } catch (error) {
      if (!isTfjsValueError(error)) throw error;
      throw new UserError(messages.cannotApply(where, inputs.map((x) => shapeText(x.shape)).join(' and '), (error as Error).message));
    }
    if (output.shape.slice(1).some((d) => d !== null && d <= 0)) {
      throw new UserError(messages.emptyOutput(where, inputs.map((x) => shapeText(x.shape)).join(' and '), shapeText(output.shape)));
    }
    if (spec.name !== undefined) nodes.set(spec.name, output);
    previous = output;
  });
  return previous;
}

/**
 * Running a LayersModel's graph ourselves, layer by layer, so explanations can read and replace
 * the output of any layer — also one inside a nested model (a pretrained base saved as a model
 * of its own). tfjs's `model.predict` only offers the model's outputs, and a sub-model
 * `tf.model({ outputs: inner.output })` cannot reach inside a nested model.
 *
 * An `Evaluation` computes symbolic tensors on demand from the input, memoized, in inference
 * mode (as `predict`): only the ancestors of what is asked for run. `feeds` replace a layer's
 * output with a given tensor, which is how gradients with respect to a layer are taken: compute
 * the layer's output A once, then differentiate the rest of the network as a function of A.
 *
 * Class scores come as logits when the softmax can be bypassed (see `scoreSource`).
 *
 * For gradients (`unfused`), Conv2D and Dense layers are computed as their separate ops
 * (convolution or product, bias, activation) instead of tfjs's fused kernels: a fused op's
 * gradient computes the weights' gradient too, needed or not, while the separate ops' gradients
 * are taken only along the path to what is differentiated. Explanations never need weight
 * gradients; skipping them made a saliency pass on the resnet-w16 benchmark model ~30 % faster
 * on wasm (README.md).
 */
import * as tf from '@tensorflow/tfjs';

type Sym = tf.SymbolicTensor;
type Layer = tf.layers.Layer;

/** What a class score is read from: the pre-softmax logit, or the probability. */
export type ScoreKind = 'logit' | 'probability';

/** A layer and the nested models it sits in, outermost first (the layer itself last). */
export type LayerPath = readonly Layer[];

/** Layer outputs replaced by given tensors (batch-first, same shape as the layer's output). */
export type Feeds = ReadonlyMap<Layer, tf.Tensor>;

/** A model or a nested model: anything with its own graph of layers. */
export interface Graph {
  inputs: Sym[];
  outputs: Sym[];
  layers: Layer[];
  name: string;
}

/** Whether `layer` is a model (with its own graph) used as a layer. */
export function isGraph(layer: unknown): layer is Layer & Graph {
  const l = layer as Partial<Graph>;
  return Array.isArray(l.layers) && Array.isArray(l.inputs) && Array.isArray(l.outputs);
}

/** Every symbolic tensor of a graph, by the layer producing it (walked back from the outputs). */
const producedCache = new WeakMap<Graph, Map<Layer, Sym[]>>();

/** The symbolic tensors each layer produces inside `graph` (one per use of the layer there). */
export function producedBy(graph: Graph): Map<Layer, Sym[]> {
  const cached = producedCache.get(graph);
  if (cached) return cached;
  const map = new Map<Layer, Sym[]>();
  const seen = new Set<number>();
  const stack = [...graph.outputs];
  while (stack.length > 0) {
    const s = stack.pop()!;
    if (seen.has(s.id)) continue;
    seen.add(s.id);
    const list = map.get(s.sourceLayer) ?? [];
    list.push(s);
    map.set(s.sourceLayer, list);
    stack.push(...s.inputs);
  }
  producedCache.set(graph, map);
  return map;
}

/** The one tensor `layer` produces in `graph`; throws (an internal error) for a layer used twice or not at all. */
export function outputOf(graph: Graph, layer: Layer): Sym {
  const syms = producedBy(graph).get(layer) ?? [];
  const distinctNodes = new Set(syms.map((s) => s.nodeIndex));
  if (syms.length !== 1 || distinctNodes.size !== 1) {
    throw new Error(`Layer "${layer.name}" produces ${syms.length} tensors in "${graph.name}"; explanations need a layer with exactly one output used once.`);
  }
  return syms[0]!;
}

/** Whether any fed layer lies inside `graph` (at any depth). */
function containsFeed(graph: Graph, feeds: Feeds): boolean {
  for (const layer of graph.layers) {
    if (feeds.has(layer)) return true;
    if (isGraph(layer) && containsFeed(layer, feeds)) return true;
  }
  return false;
}

const toList = (t: tf.Tensor | tf.Tensor[]) => (Array.isArray(t) ? t : [t]);

interface LayerInternals {
  activation?: { apply(x: tf.Tensor): tf.Tensor };
}

/**
 * A Conv2D or Dense layer's output from separate ops (whose gradients are lazy per input), or
 * undefined when the layer is something else (or a dilated / channels-first / higher-rank case
 * left to the layer itself).
 */
export function unfusedCall(layer: Layer, input: tf.Tensor): tf.Tensor | undefined {
  const className = layer.getClassName();
  if (className !== 'Conv2D' && className !== 'Dense') return undefined;
  const config = layer.getConfig() as { strides?: number[]; padding?: string; dilationRate?: number | number[]; dataFormat?: string; useBias?: boolean };
  const activation = (layer as unknown as LayerInternals).activation;
  const [kernel, bias] = layer.getWeights();
  if (!activation || !kernel) return undefined;
  let y: tf.Tensor;
  if (className === 'Conv2D') {
    const dilation = typeof config.dilationRate === 'number' ? [config.dilationRate, config.dilationRate] : (config.dilationRate ?? [1, 1]);
    if (input.rank !== 4 || config.dataFormat === 'channelsFirst' || dilation.some((d) => d !== 1)) return undefined;
    y = tf.conv2d(input as tf.Tensor4D, kernel as tf.Tensor4D, config.strides as [number, number], config.padding as 'same' | 'valid');
  } else {
    if (input.rank !== 2) return undefined;
    y = tf.matMul(input as tf.Tensor2D, kernel as tf.Tensor2D);
  }
  if (config.useBias !== false && bias) y = tf.add(y, bias);
  return activation.apply(y);
}

/** Values of one graph's symbolic tensors for given input values. Create and use inside tf.tidy. */
export class Evaluation {
  readonly graph: Graph;
  private readonly feeds: Feeds;
  private readonly unfused: boolean;
  private readonly values = new Map<number, tf.Tensor>();
  private readonly inner = new Map<Layer, Evaluation>();

  /** `unfused`: compute Conv2D and Dense layers as separate ops (for gradients; see the file comment). */
  constructor(graph: Graph, inputs: readonly tf.Tensor[], feeds: Feeds = new Map(), unfused = false) {
    if (inputs.length !== graph.inputs.length) throw new Error(`"${graph.name}" takes ${graph.inputs.length} inputs; received ${inputs.length}.`);
    this.graph = graph;
    this.feeds = feeds;
    this.unfused = unfused;
    graph.inputs.forEach((s, i) => this.values.set(s.id, inputs[i]!));
  }

  /** The value of symbolic tensor `s` of this graph. */
  value(s: Sym): tf.Tensor {
    const known = this.values.get(s.id);
    if (known) return known;
    // Iterative depth-first order: deep models would overflow a recursive walk's stack.
    const stack: Sym[] = [s];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (this.values.has(top.id)) {
        stack.pop();
        continue;
      }
      const layer = top.sourceLayer;
      const fed = this.feeds.get(layer);
      if (fed) {
        this.values.set(top.id, fed);
        stack.pop();
        continue;
      }
      if (top.inputs.length === 0) throw new Error(`Input "${top.name}" of "${this.graph.name}" was given no value.`);
      const missing = top.inputs.filter((i) => !this.values.has(i.id));
      if (missing.length > 0) {
        stack.push(...missing);
        continue;
      }
      stack.pop();
      this.compute(top);
    }
    return this.values.get(s.id)!;
  }

  /** Apply the layer producing `s` to the values of its inputs; store every output of that call. */
  private compute(s: Sym): void {
    const layer = s.sourceLayer;
    const inputs = s.inputs.map((i) => this.values.get(i.id)!);
    const unfused = this.unfused && inputs.length === 1 ? unfusedCall(layer, inputs[0]!) : undefined;
    const outputs = unfused
      ? [unfused]
      : isGraph(layer) && (this.unfused || this.inner.has(layer) || containsFeed(layer, this.feeds))
        ? this.innerEvaluation(layer, s).outputs()
        : toList(layer.apply(inputs.length === 1 ? inputs[0]! : inputs, { training: false }) as tf.Tensor | tf.Tensor[]);
    // Sibling outputs of the same call share the node; tensorIndex says which is which.
    const node = layer.inboundNodes[s.nodeIndex]!;
    node.outputTensors.forEach((o, i) => this.values.set(o.id, outputs[i]!));
    this.values.set(s.id, outputs[s.tensorIndex] ?? outputs[0]!);
  }

  /** The evaluation of nested graph `layer` at its use `s` in this graph (memoized). */
  private innerEvaluation(layer: Layer & Graph, s?: Sym): Evaluation {
    const known = this.inner.get(layer);
    if (known) return known;
    const use = s ?? outputOf(this.graph, layer);
    const evaluation = new Evaluation(layer, use.inputs.map((i) => this.value(i)), this.feeds, this.unfused);
    this.inner.set(layer, evaluation);
    return evaluation;
  }

  /** The values of this graph's outputs. */
  outputs(): tf.Tensor[] {
    return this.graph.outputs.map((o) => this.value(o));
  }

  /** The output of the layer at `path` (relative to this graph). */
  layerOutput(path: LayerPath): tf.Tensor {
    return this.at(path, (graph, layer) => outputOf(graph, layer));
  }

  /** The (first) input of the layer at `path` (relative to this graph). */
  layerInput(path: LayerPath): tf.Tensor {
    return this.at(path, (graph, layer) => {
      const input = outputOf(graph, layer).inputs[0];
      if (!input) throw new Error(`Layer "${layer.name}" has no input.`);
      return input;
    });
  }

  private at(path: LayerPath, pick: (graph: Graph, layer: Layer) => Sym): tf.Tensor {
    const [first, ...rest] = path;
    if (!first) throw new Error('An empty layer path has no output.');
    if (rest.length === 0) return this.value(pick(this.graph, first));
    if (!isGraph(first)) throw new Error(`"${first.name}" is not a model, so it contains no layer "${rest[0]!.name}".`);
    return this.innerEvaluation(first).at(rest, pick);
  }
}

const configOf = (layer: Layer) => layer.getConfig() as { activation?: string; useBias?: boolean };

/**
 * Where the model's logits are: `dense` for a final Dense layer with a softmax activation (the
 * logits are its pre-activation, x·kernel + bias), `input` for a final Activation/Softmax layer
 * (the logits are its input), `none` otherwise (scores are probabilities).
 */
export function scoreSource(model: Graph): 'dense' | 'input' | 'none' {
  const last = model.outputs[0]!.sourceLayer;
  const className = last.getClassName();
  if (className === 'Dense' && configOf(last).activation === 'softmax') return 'dense';
  if ((className === 'Activation' && configOf(last).activation === 'softmax') || className === 'Softmax') return 'input';
  return 'none';
}

/** The score kind actually used for a request: a logit is only possible when the softmax can be bypassed. */
export function resolveScore(model: Graph, requested: ScoreKind): ScoreKind {
  return requested === 'logit' && scoreSource(model) === 'none' ? 'probability' : requested;
}

/** Class scores [batch, classes] of the evaluation's graph: logits (softmax bypassed) or probabilities. */
export function classScores(evaluation: Evaluation, kind: ScoreKind): tf.Tensor2D {
  const graph = evaluation.graph;
  const out = graph.outputs[0]!;
  const source = kind === 'logit' ? scoreSource(graph) : 'none';
  if (source === 'none') return evaluation.value(out) as tf.Tensor2D;
  const before = evaluation.value(out.inputs[0]!) as tf.Tensor2D;
  if (source === 'input') return before;
  const last = out.sourceLayer;
  const [kernel, bias] = last.getWeights();
  const linear: tf.Tensor2D = tf.matMul(before, kernel as tf.Tensor2D);
  return configOf(last).useBias === false || !bias ? linear : tf.add<tf.Tensor2D>(linear, bias);
}

/** Run `model` on `x` (inputs in the model's units) and return class scores [batch, classes]. */
export function scores(model: tf.LayersModel, x: tf.Tensor, kind: ScoreKind, feeds?: Feeds): tf.Tensor2D {
  return classScores(new Evaluation(model, [x], feeds), kind);
}

/** Σ over rows of score[row, target[row]]: the quantity whose gradient every gradient method takes. */
export function targetScoreSum(scoreMatrix: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  const classes = scoreMatrix.shape[1];
  return tf.sum(tf.mul(scoreMatrix, tf.oneHot(targets, classes)));
}

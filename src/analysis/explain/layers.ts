/**
 * Which layers the explanations look at.
 *
 * - Grad-CAM (`gradCamLayer`): the output of the block the last convolution belongs to. From the
 *   last convolutional layer (in topological order, looking inside nested models) we follow the
 *   signal forward while it passes through element-wise, shape-keeping layers that are its only
 *   reader: batch norm, activations, dropout, and the merges `add`/`concatenate`. In a residual
 *   block that ends at the block's output (`residual_k_out`, after the shortcut is added and
 *   rectified): the last conv alone (`conv_b`) leaves out the shortcut's share of what the head
 *   sees, and its pre-BN values are not what the classifier reads. In a chain it ends at the
 *   conv's activation (or the batch norm after it); in an Inception-style module at the
 *   concatenation of its branches.
 * - Feature maps (`featureMapLayers`, auto): every block output — where such a forward walk from a
 *   convolution ends AND the whole signal passes through that one tensor (every path from the
 *   input to the output crosses it). That is each conv+BN+activation of a chain, each residual
 *   block's output (not the relu between its two convolutions, which the shortcut bypasses),
 *   each Inception module's concatenation; inside a nested base, the same rule at its own level.
 *   At most `cap` (evenly spaced, first and last kept) so early and deep layers both show.
 * - Layer-CAM (`layerCamLayers`, auto): Grad-CAM's layer, then the deepest block output at each
 *   finer resolution before it, at most 3.
 * - Filter patterns (`filterLayers`, auto): convolutional layers, evenly spaced, at most `cap`.
 * - First-layer weights (`firstConvolution`): the first convolutional layer.
 *
 * A layer named in the spec may be any layer with a 4-D output, written as its name or, inside
 * a nested model, as "<model>/<layer>".
 */
import type * as tf from '@tensorflow/tfjs';
import type { LayerChoice } from '../../config/spec.ts';
import { didYouMean } from '../../config/did-you-mean.ts';
import { UserError } from '../../lib/errors.ts';
import { isGraph, outputOf, producedBy, type Graph, type LayerPath } from './graph.ts';
import { messages } from './messages.ts';

type Layer = tf.layers.Layer;
type Sym = tf.SymbolicTensor;

/** A layer explanations can read: where it is, what it is called in the report, its output shape. */
export interface ExplainLayer {
  /** Nested models outermost first, the layer last. */
  path: LayerPath;
  /** The layer's name, prefixed by the nested models it sits in: "conv2d_3", "base/block5_conv3". */
  name: string;
  /** Output shape without the batch: [height, width, channels] (null where the model leaves it open). */
  shape: [number | null, number | null, number | null];
  /** tfjs class name (Conv2D, Activation, Add, …). */
  className: string;
}

const CONVOLUTIONS = new Set(['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D']);
/** Layers a block's signal passes through unchanged in layout: element-wise maps and merges. */
const PASS_THROUGH = new Set([
  'BatchNormalization',
  'LayerNormalization',
  'Activation',
  'ReLU',
  'LeakyReLU',
  'PReLU',
  'ELU',
  'ThresholdedReLU',
  'Dropout',
  'SpatialDropout2D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
  'Add',
  'Average',
  'Maximum',
  'Minimum',
  'Multiply',
  'Concatenate',
]);

/** Whether a layer is convolutional (also convlens's dilated subclasses, which keep the stock class names). */
export const isConvolution = (layer: Layer) => CONVOLUTIONS.has(layer.getClassName());

interface Entry {
  path: Layer[];
  graph: Graph;
  sym: Sym;
}

/** Every layer of `model` except input layers, topologically ordered, a nested model's layers before the nested model itself. */
function entries(graph: Graph, prefix: Layer[] = []): Entry[] {
  const produced = producedBy(graph);
  const out: Entry[] = [];
  for (const layer of graph.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const syms = produced.get(layer);
    if (!syms || syms.length !== 1) continue;
    if (isGraph(layer)) out.push(...entries(layer, [...prefix, layer]));
    out.push({ path: [...prefix, layer], graph, sym: syms[0]! });
  }
  return out;
}

const nameOf = (path: readonly Layer[]) => path.map((l) => l.name).join('/');
const isSpatial = (e: Entry) => e.sym.shape.length === 4;
/**
 * A convolution whose output is a map to look at: 4-D and more than one pixel. Keras's MobileNet
 * ends in a 1×1 Conv2D over the globally pooled features (`conv_preds`): a classifier written as
 * a convolution, with nothing spatial left for Grad-CAM, feature maps or filter patterns.
 */
const isMapConvolution = (e: Entry) => isSpatial(e) && isConvolution(e.path[e.path.length - 1]!) && (e.sym.shape[1] !== 1 || e.sym.shape[2] !== 1);

function describe(e: Entry): ExplainLayer {
  const [, h, w, c] = e.sym.shape;
  return { path: e.path, name: nameOf(e.path), shape: [h ?? null, w ?? null, c ?? null], className: e.path[e.path.length - 1]!.getClassName() };
}

const readersCache = new WeakMap<Graph, Map<number, Sym[]>>();

/** Readers of each symbolic tensor inside a graph. */
function readers(graph: Graph): Map<number, Sym[]> {
  const cached = readersCache.get(graph);
  if (cached) return cached;
  const map = new Map<number, Sym[]>();
  for (const syms of producedBy(graph).values()) {
    for (const s of syms) for (const i of s.inputs) map.set(i.id, [...(map.get(i.id) ?? []), s]);
  }
  readersCache.set(graph, map);
  return map;
}

/** Whether every path from the graph's inputs to its outputs passes through `cut`. */
function isCut(graph: Graph, cut: Sym): boolean {
  const inputs = new Set(graph.inputs.map((s) => s.id));
  if (inputs.has(cut.id)) return true;
  const seen = new Set<number>([cut.id]);
  const stack = graph.outputs.filter((o) => o.id !== cut.id);
  while (stack.length > 0) {
    const s = stack.pop()!;
    if (seen.has(s.id)) continue;
    seen.add(s.id);
    if (inputs.has(s.id)) return false;
    stack.push(...s.inputs);
  }
  return true;
}

/** The entry for a symbolic tensor of `graph` at nesting `prefix`. */
function entryOf(all: Entry[], graph: Graph, sym: Sym): Entry | undefined {
  return all.find((e) => e.graph === graph && e.sym.id === sym.id);
}

/** The entry the signal passes on to: the only reader of `e`'s tensor, when it is a pass-through layer keeping height and width. */
function passesTo(all: Entry[], e: Entry): Entry | undefined {
  const reading = readers(e.graph).get(e.sym.id) ?? [];
  const next = reading.length === 1 ? reading[0]! : undefined;
  const [, h, w] = e.sym.shape;
  if (!next || !PASS_THROUGH.has(next.sourceLayer.getClassName()) || next.shape.length !== 4 || next.shape[1] !== h || next.shape[2] !== w) return undefined;
  return entryOf(all, e.graph, next);
}

/**
 * Where a convolution's block ends: forward through pass-through layers that are the only reader
 * of the current tensor and keep its height and width; out of a nested model when the walk
 * reaches its output. Returns the entry, and whether each level's tensor is a cut of its graph.
 */
function blockEnd(all: Entry[], start: Entry): { end: Entry; cut: boolean } {
  let current = start;
  for (;;) {
    const next = passesTo(all, current);
    if (next) {
      current = next;
      continue;
    }
    // At a nested model's output the walk may go on in the parent graph; if it does not, the
    // inner name is kept (its value is the nested model's output, and the name says more).
    const graph = current.graph;
    if (current.path.length > 1 && graph.outputs.length === 1 && graph.outputs[0]!.id === current.sym.id) {
      const parent = all.find((e) => e.path.length === current.path.length - 1 && (e.path[e.path.length - 1] as unknown) === graph);
      const after = parent && passesTo(all, parent);
      if (after) {
        current = after;
        continue;
      }
    }
    break;
  }
  // A cut at every level: the tensor inside its graph, and each enclosing nested model in its own.
  let cut = isCut(current.graph, current.sym);
  for (let depth = current.path.length - 1; cut && depth > 0; depth--) {
    const container = all.find((e) => e.path.length === depth && e.path[depth - 1] === current.path[depth - 1]);
    cut = !!container && isCut(container.graph, container.sym);
  }
  return { end: current, cut };
}

/** `count` items evenly spaced over `items`, keeping the first and the last. */
export function evenlySpaced<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  if (count <= 1) return items.slice(-1);
  return Array.from({ length: count }, (_, i) => items[Math.round((i * (items.length - 1)) / (count - 1))]!);
}

/** Every layer with a 4-D output, by report name (topological order). */
export function spatialLayers(model: tf.LayersModel): ExplainLayer[] {
  return entries(model).filter(isSpatial).map(describe);
}

/** The layer named `name` ("layer" or "model/layer"), checked to have a 4-D output used once. */
export function layerByName(model: tf.LayersModel, name: string, key: string): ExplainLayer {
  const all = entries(model);
  const candidates = all.filter(isSpatial).map((e) => nameOf(e.path));
  let matches = all.filter((e) => nameOf(e.path) === name);
  if (matches.length === 0) matches = all.filter((e) => e.path[e.path.length - 1]!.name === name);
  if (matches.length > 1) throw new UserError(messages.ambiguousLayer(key, name, matches.map((e) => nameOf(e.path))));
  const match = matches[0];
  if (!match) {
    // A layer used twice is left out of `entries`; say so rather than "unknown".
    if (anyLayerNamed(model, name)) throw new UserError(messages.sharedLayer(key, name));
    throw new UserError(messages.unknownLayer(key, name, didYouMean(name, candidates), candidates));
  }
  if (!isSpatial(match)) throw new UserError(messages.notSpatial(key, name, match.sym.shape, candidates));
  return describe(match);
}

function anyLayerNamed(graph: Graph, name: string): boolean {
  return graph.layers.some((l) => l.name === name || (isGraph(l) && anyLayerNamed(l, name)));
}

/** Grad-CAM's layer: the block output of the last convolution (see the file comment), or the named layer. */
export function gradCamLayer(model: tf.LayersModel, choice: LayerChoice = { type: 'auto' }, key = 'report.explain.layer'): ExplainLayer {
  if (choice.type === 'names') return layerByName(model, choice.names[0]!, key);
  const all = entries(model);
  const convs = all.filter(isMapConvolution);
  const last = convs[convs.length - 1];
  if (!last) throw new UserError(messages.noConvolution(key));
  return describe(blockEnd(all, last).end);
}

/** Feature-map layers: the named ones, or (auto) every block output, at most `cap`, evenly spaced. */
export function featureMapLayers(model: tf.LayersModel, choice: LayerChoice, cap = 8, key = 'report.featureMaps.layers'): ExplainLayer[] {
  if (choice.type === 'names') return choice.names.map((n) => layerByName(model, n, key));
  const all = entries(model);
  const ends: Entry[] = [];
  for (const e of all) {
    if (!isMapConvolution(e)) continue;
    const { end, cut } = blockEnd(all, e);
    if (cut && !ends.includes(end)) ends.push(end);
  }
  // Topological order of the block outputs themselves (a projection shortcut's walk can finish after a later conv's).
  ends.sort((a, b) => all.indexOf(a) - all.indexOf(b));
  return evenlySpaced(ends, cap).map(describe);
}

/**
 * Layer-CAM's layers, deepest first: the named ones (in the order given), or (auto) `deepest`
 * (default: Grad-CAM's layer) and then, going towards the input, the deepest block output at each
 * finer resolution (more pixels than the last layer chosen: 4×4 → 8×8 → 16×16), at most `cap`.
 * One layer per resolution because Layer-CAM's point is the finer map an earlier layer gives; a
 * second layer at the same resolution adds little. When there are fewer resolutions than `cap`
 * (a model whose blocks all keep one size, or whose sizes are open), the places left go to the
 * other earlier block outputs, evenly spaced.
 */
export function layerCamLayers(model: tf.LayersModel, choice: LayerChoice, deepest?: ExplainLayer, cap = 3, key = 'report.explain.layerCam.layers'): ExplainLayer[] {
  if (choice.type === 'names') return choice.names.map((n) => layerByName(model, n, key));
  const last = deepest ?? gradCamLayer(model, { type: 'auto' }, key);
  const order = new Map(spatialLayers(model).map((l, i) => [l.name, i]));
  const position = (l: ExplainLayer) => order.get(l.name) ?? -1;
  const pixels = (l: ExplainLayer) => (l.shape[0] ?? NaN) * (l.shape[1] ?? NaN);
  const earlier = featureMapLayers(model, { type: 'auto' }, Infinity, key).filter((l) => position(l) < position(last));
  const chosen = [last];
  for (let i = earlier.length - 1; i >= 0 && chosen.length < cap; i--) {
    if (pixels(earlier[i]!) > pixels(chosen[chosen.length - 1]!)) chosen.push(earlier[i]!);
  }
  const rest = earlier.filter((l) => !chosen.includes(l));
  if (chosen.length < cap && rest.length > 0) chosen.push(...evenlySpaced(rest, cap - chosen.length));
  return chosen.sort((a, b) => position(b) - position(a));
}

/** Filter-pattern layers: the named ones, or (auto) the convolutional layers, at most `cap`, evenly spaced. */
export function filterLayers(model: tf.LayersModel, choice: LayerChoice, cap = 4, key = 'report.filters.layers'): ExplainLayer[] {
  if (choice.type === 'names') return choice.names.map((n) => layerByName(model, n, key));
  const convs = entries(model).filter(isMapConvolution);
  return evenlySpaced(convs, cap).map(describe);
}

/** The first convolutional layer (the one whose weights are shown), or undefined for a model without one. */
export function firstConvolution(model: tf.LayersModel): ExplainLayer | undefined {
  const first = entries(model).find((e) => isSpatial(e) && isConvolution(e.path[e.path.length - 1]!));
  return first && describe(first);
}

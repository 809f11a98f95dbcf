/**
 * RawModel (any Keras version) → the Keras-2 topology tfjs-layers deserializes, with every
 * tensor's shape and the list of layers that own weights (in model order, nested models
 * flattened with their path). Pure: no tfjs.
 *
 *   1. each layer's class is resolved (aliases), refused if custom or unsupported
 *   2. layers are converted in dependency order, so each knows its input shapes
 *      (needed for weight shapes and for re-expressing grouped convolutions)
 *   3. Sequential models keep their form; the InputLayer entry becomes the first layer's
 *      batch_input_shape, as Keras 2 and tfjs write it
 */
import { UserError } from '../lib/errors.ts';
import { customOrigin, isCustom, type Json, type RawLayer, type RawModel, type TensorRef } from './keras-config.ts';
import { ALIASES, LAYER_CLASSES, SUPPORTED_CLASSES, convertLayer, declaredInputShape, type ExpectedWeight, type LayerContext, type Shape } from './layers.ts';
import { messages } from './messages.ts';

/** A layer that owns weights. */
export interface WeightedLayer {
  /** Layer names from the outermost model's layer down to this one. */
  path: string[];
  className: string;
  expected: ExpectedWeight[];
}

/** A converted model. */
export interface ConvertedModel {
  /** {class_name, config} as tfjs's model deserializer reads it. */
  topology: { class_name: string; config: Json };
  inputs: Shape[];
  outputs: Shape[];
  weighted: WeightedLayer[];
  /** Class names of the file's layers (as Keras names them), including nested ones, first-seen order. */
  classes: string[];
}

const key = (r: TensorRef) => `${r.layer}\0${r.node}\0${r.tensor}`;

function resolveClass(ctx: LayerContext, layer: RawLayer): string {
  if (isCustom(layer)) throw new UserError(messages.customLayer(ctx.path, layer.name, layer.className, customOrigin(layer)));
  const name = ALIASES[layer.className] ?? layer.className;
  if (name === 'InputLayer' || name === 'Sequential' || name === 'Functional' || LAYER_CLASSES.has(name)) return name;
  throw new UserError(messages.unsupportedLayer(ctx.path, layer.name, layer.className, SUPPORTED_CLASSES));
}

function inputLayerEntry(ctx: LayerContext, layer: RawLayer): { entry: { class_name: string; config: Json }; shape: Shape } {
  const shape = declaredInputShape(layer.config);
  if (!shape) throw new UserError(messages.noInputShape(ctx.path));
  return { entry: { class_name: 'InputLayer', config: { batch_input_shape: [null, ...shape], dtype: 'float32', sparse: false, name: layer.name } }, shape };
}

/** Convert a whole model; `prefix` is the path of the layer it is nested in. */
export function convertModel(ctx: LayerContext, model: RawModel, prefix: string[] = []): ConvertedModel {
  const classes: string[] = [];
  const weighted: WeightedLayer[] = [];
  const note = (c: string) => {
    if (!classes.includes(c)) classes.push(c);
  };
  const addNested = (inner: ConvertedModel) => {
    inner.classes.forEach(note);
    weighted.push(...inner.weighted);
  };
  return model.kind === 'Sequential' ? sequential(ctx, model, prefix, note, addNested, weighted, classes) : functional(ctx, model, prefix, note, addNested, weighted, classes);
}

function sequential(
  ctx: LayerContext, model: RawModel, prefix: string[], note: (c: string) => void, addNested: (m: ConvertedModel) => void,
  weighted: WeightedLayer[], classes: string[],
): ConvertedModel {
  const layers: { class_name: string; config: Json }[] = [];
  let shape: Shape | undefined;
  let inputShape: Shape | undefined;
  for (const [i, layer] of model.layers.entries()) {
    const cls = resolveClass(ctx, layer);
    note(layer.className);
    if (cls === 'InputLayer') {
      inputShape = shape = inputLayerEntry(ctx, layer).shape;
      continue;
    }
    if (shape === undefined) {
      inputShape = shape = layer.nested ? convertModel(ctx, layer.nested, [...prefix, layer.name]).inputs[0] : declaredInputShape(layer.config);
      if (!shape) throw new UserError(messages.noInputShape(ctx.path));
    }
    const first = layers.length === 0;
    if (layer.nested) {
      const inner = convertModel(ctx, layer.nested, [...prefix, layer.name]);
      addNested(inner);
      layers.push(withInputShape(inner.topology, first ? shape : undefined));
      shape = inner.outputs[0]!;
      continue;
    }
    const converted = convertLayer(ctx, layer, cls, [shape]);
    if (converted.weights.length > 0) weighted.push({ path: [...prefix, layer.name], className: cls, expected: converted.weights });
    converted.entries.forEach((e, j) => layers.push(withInputShape(e, first && j === 0 ? shape : undefined)));
    shape = converted.output;
    if (i === model.layers.length - 1 && !shape) break;
  }
  if (!inputShape || !shape) throw new UserError(messages.noInputShape(ctx.path));
  return { topology: { class_name: 'Sequential', config: { name: model.name, layers } }, inputs: [inputShape], outputs: [shape], weighted, classes };
}

function withInputShape(entry: { class_name: string; config: Json }, shape: Shape | undefined) {
  return shape ? { class_name: entry.class_name, config: { ...entry.config, batch_input_shape: [null, ...shape] } } : entry;
}

function functional(
  ctx: LayerContext, model: RawModel, prefix: string[], note: (c: string) => void, addNested: (m: ConvertedModel) => void,
  weighted: WeightedLayer[], classes: string[],
): ConvertedModel {
  if (model.inputs.length === 0 && model.layers.length === 1) resolveClass(ctx, model.layers[0]!);
  // A nested model's calls: Keras 2, tf.keras, tfjs (and Keras 3 for Functional) number them from 1,
  // node 0 being the model's own input→output node; Keras 3 numbers a nested Sequential's from 0.
  // Refs are read as call indices here and written back from 1, as tfjs resolves them.
  const offsets = new Map<string, number>();
  const allRefs = [...model.layers.flatMap((l) => l.inbound.flat()), ...model.outputs];
  for (const l of model.layers) {
    if (!l.nested) continue;
    const highest = Math.max(-1, ...allRefs.filter((r) => r.layer === l.name).map((r) => r.node));
    offsets.set(l.name, highest >= l.inbound.length ? 1 : 0);
  }
  const call = (r: TensorRef): TensorRef => ({ ...r, node: r.node - (offsets.get(r.layer) ?? 0) });
  const written = (r: TensorRef) => [r.layer, offsets.has(r.layer) ? call(r).node + 1 : r.node, r.tensor];
  const shapes = new Map<string, Shape>();
  const done = new Map<string, Json[]>();
  const pending = [...model.layers];
  while (pending.length > 0) {
    const before = pending.length;
    for (let i = 0; i < pending.length; i++) {
      const layer = pending[i]!;
      const ready = layer.inbound.every((node) => node.every((r) => shapes.has(key(call(r)))));
      if (!ready) continue;
      pending.splice(i--, 1);
      done.set(layer.name, convertFunctionalLayer(ctx, layer, prefix, shapes, note, addNested, weighted, call, written));
    }
    if (pending.length === before) {
      const stuck = pending[0]!;
      throw new UserError(messages.badConfig(ctx.path, `layer "${stuck.name}"`, 'its inputs come from layers that are missing or form a cycle'));
    }
  }
  const layers = model.layers.flatMap((l) => done.get(l.name) ?? []);
  const lookup = (r: TensorRef, where: string) => {
    const s = shapes.get(key(call(r)));
    if (!s) throw new UserError(messages.badConfig(ctx.path, where, `no layer "${r.layer}" produces this tensor`));
    return s;
  };
  const inputs = model.inputs.map((r) => lookup(r, 'input_layers'));
  const outputs = model.outputs.map((r) => lookup(r, 'output_layers'));
  const refs = (rs: TensorRef[]) => rs.map(written);
  return {
    topology: { class_name: 'Model', config: { name: model.name, layers, input_layers: refs(model.inputs), output_layers: refs(model.outputs) } },
    inputs,
    outputs,
    weighted,
    classes,
  };
}

function convertFunctionalLayer(
  ctx: LayerContext, layer: RawLayer, prefix: string[], shapes: Map<string, Shape>, note: (c: string) => void,
  addNested: (m: ConvertedModel) => void, weighted: WeightedLayer[],
  call: (r: TensorRef) => TensorRef, written: (r: TensorRef) => unknown[],
): Json[] {
  const cls = resolveClass(ctx, layer);
  note(layer.className);
  const nodes = (_name: string, inbound: TensorRef[][]) => inbound.map((node) => node.map((r) => [...written(r), {}]));
  if (cls === 'InputLayer') {
    const { entry, shape } = inputLayerEntry(ctx, layer);
    shapes.set(key({ layer: layer.name, node: 0, tensor: 0 }), shape);
    return [{ ...entry, name: layer.name, inbound_nodes: [] }];
  }
  if (layer.nested) {
    const inner = convertModel(ctx, layer.nested, [...prefix, layer.name]);
    addNested(inner);
    layer.inbound.forEach((_, n) => inner.outputs.forEach((s, t) => shapes.set(key({ layer: layer.name, node: n, tensor: t }), s)));
    const config = { ...inner.topology.config, name: layer.name };
    return [{ class_name: inner.topology.class_name, config, name: layer.name, inbound_nodes: nodes(layer.name, layer.inbound) }];
  }
  let first: ReturnType<typeof convertLayer> | undefined;
  layer.inbound.forEach((node, n) => {
    const converted = convertLayer(ctx, layer, cls, node.map((r) => shapes.get(key(call(r)))!));
    first ??= converted;
    shapes.set(key({ layer: layer.name, node: n, tensor: 0 }), converted.output);
  });
  if (!first) return [];
  if (first.weights.length > 0) weighted.push({ path: [...prefix, layer.name], className: cls, expected: first.weights });
  const [head, tail] = first.entries;
  if (!tail) return [{ ...head!, name: layer.name, inbound_nodes: nodes(layer.name, layer.inbound) }];
  // A layer expressed as two (global pooling with keepdims): the second reads the first.
  const headName = head!.config['name'] as string;
  return [
    { ...head!, name: headName, inbound_nodes: nodes(headName, layer.inbound) },
    { ...tail, name: layer.name, inbound_nodes: layer.inbound.map((_, n) => [[headName, n, 0, {}]]) },
  ];
}

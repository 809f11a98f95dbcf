/**
 * A Keras model configuration of any version → one plain graph (`RawModel`).
 *
 * The versions differ in shape, not in meaning:
 *   Keras 1–2.1   Sequential config is a bare list of layers
 *   Keras 2.2+    {name, layers}; inbound nodes [[[layer, node, tensor, kwargs], …]]
 *   Keras 3       entries carry module/registered_name; inbound nodes are
 *                 {args: [{class_name: '__keras_tensor__', config: {keras_history: [layer, node, tensor]}}], kwargs}
 *                 and a single input/output may be written as one flat [layer, node, tensor]
 * Layer configs are kept as written; `layers.ts` reads each class's options.
 */
import { UserError } from '../lib/errors.ts';
import { messages } from './messages.ts';

/** A JSON object. */
export type Json = Record<string, unknown>;

/** One tensor of the graph: output `tensor` of call `node` of layer `layer`. */
export interface TensorRef {
  layer: string;
  node: number;
  tensor: number;
}

/** One layer entry as the configuration wrote it. */
export interface RawLayer {
  className: string;
  name: string;
  config: Json;
  /** Keras 3 only: the Python module (null or a non-keras module for custom classes). */
  module: string | null | undefined;
  /** Keras 3 only: "package>Class" for registered custom classes. */
  registeredName: string | null | undefined;
  /** The layer's calls, each with the tensors it was called on. Empty in Sequential models. */
  inbound: TensorRef[][];
  /** Set when the layer is itself a model (Sequential or Functional). */
  nested?: RawModel;
}

/** A Sequential or Functional model. */
export interface RawModel {
  kind: 'Sequential' | 'Functional';
  /** The class name as written ('Sequential', 'Model', 'Functional'). */
  className: string;
  name: string;
  layers: RawLayer[];
  /** Functional only. */
  inputs: TensorRef[];
  outputs: TensorRef[];
}

const MODEL_CLASSES = new Set(['Sequential', 'Model', 'Functional']);

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

function fail(path: string, where: string, detail: string): never {
  throw new UserError(messages.badConfig(path, where, detail));
}

/** [layer, node, tensor, kwargs?] (Keras 2) → TensorRef. */
function tensorRef(path: string, where: string, v: unknown): TensorRef {
  if (!Array.isArray(v) || typeof v[0] !== 'string') fail(path, where, `expected [layer, node, tensor], found ${JSON.stringify(v)?.slice(0, 80)}`);
  return { layer: v[0] as string, node: Number(v[1] ?? 0), tensor: Number(v[2] ?? 0) };
}

/** input_layers/output_layers: a list of refs, or (Keras 3, single tensor) one flat ref. */
function refList(path: string, where: string, v: unknown): TensorRef[] {
  if (!Array.isArray(v)) fail(path, where, 'expected a list of [layer, node, tensor]');
  if (typeof v[0] === 'string') return [tensorRef(path, where, v)];
  return v.map((r, i) => tensorRef(path, `${where}[${i}]`, r));
}

/** Every `__keras_tensor__` in a Keras 3 call's arguments, in order. */
function kerasTensors(v: unknown, out: TensorRef[], path: string, where: string): void {
  if (Array.isArray(v)) for (const x of v) kerasTensors(x, out, path, where);
  else if (isObject(v)) {
    if (v['class_name'] === '__keras_tensor__' && isObject(v['config'])) {
      out.push(tensorRef(path, where, (v['config'] as Json)['keras_history']));
    } else for (const x of Object.values(v)) kerasTensors(x, out, path, where);
  }
}

function inboundNodes(path: string, where: string, v: unknown): TensorRef[][] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(path, where, 'inbound_nodes is not a list');
  return v.map((node, i) => {
    const at = `${where}[${i}]`;
    if (isObject(node)) {
      const refs: TensorRef[] = [];
      kerasTensors(node['args'], refs, path, at);
      return refs;
    }
    if (!Array.isArray(node)) fail(path, at, 'a node is neither a list nor an object');
    return node.map((r, j) => tensorRef(path, `${at}[${j}]`, r));
  });
}

function parseLayer(path: string, where: string, entry: unknown): RawLayer {
  if (!isObject(entry) || typeof entry['class_name'] !== 'string') fail(path, where, 'a layer entry has no class_name');
  const className = entry['class_name'] as string;
  const config = isObject(entry['config']) || Array.isArray(entry['config']) ? (entry['config'] as Json) : {};
  const name = (typeof entry['name'] === 'string' ? entry['name'] : undefined) ?? (typeof config['name'] === 'string' ? (config['name'] as string) : className);
  const layer: RawLayer = {
    className,
    name,
    config: Array.isArray(config) ? {} : config,
    module: entry['module'] as string | null | undefined,
    registeredName: entry['registered_name'] as string | null | undefined,
    inbound: inboundNodes(path, `${where}.inbound_nodes`, entry['inbound_nodes']),
  };
  if (MODEL_CLASSES.has(className) && !isCustom(layer)) layer.nested = parseModel(path, entry, `${where} (${name})`);
  return layer;
}

/** Whether a Keras 3 entry names a class from outside Keras (its module or registered package). */
export function isCustom(layer: Pick<RawLayer, 'module' | 'registeredName' | 'className'>): boolean {
  if (typeof layer.registeredName === 'string' && layer.registeredName.includes('>')) return true;
  if (typeof layer.module === 'string' && !/^(keras|tf_keras|tensorflow)(\.|$)/.test(layer.module)) return true;
  return layer.module === null && typeof layer.registeredName === 'string' && layer.registeredName !== layer.className;
}

/** Where a custom class comes from, for the message. */
export function customOrigin(layer: Pick<RawLayer, 'module' | 'registeredName'>): string {
  if (typeof layer.registeredName === 'string' && layer.registeredName.includes('>'))
    return `registered as ${JSON.stringify(layer.registeredName)}`;
  return `from the Python module ${JSON.stringify(layer.module)}`;
}

/** {class_name, config} of a whole model → RawModel. Throws UserError naming `path`. */
export function parseModel(path: string, entry: Json, where = 'model_config'): RawModel {
  const className = entry['class_name'];
  if (typeof className !== 'string') fail(path, where, 'no class_name');
  const config = entry['config'];
  if (className === 'Sequential') {
    const list = Array.isArray(config) ? config : isObject(config) ? config['layers'] : undefined;
    if (!Array.isArray(list)) fail(path, where, 'a Sequential model without a list of layers');
    const name = isObject(config) && typeof config['name'] === 'string' ? (config['name'] as string) : 'sequential';
    const layers = list.map((l, i) => parseLayer(path, `${where}.layers[${i}]`, l));
    return { kind: 'Sequential', className, name, layers, inputs: [], outputs: [] };
  }
  if (className === 'Model' || className === 'Functional') {
    if (!isObject(config) || !Array.isArray(config['layers'])) fail(path, where, 'a functional model without a list of layers');
    const layers = (config['layers'] as unknown[]).map((l, i) => parseLayer(path, `${where}.layers[${i}]`, l));
    return {
      kind: 'Functional',
      className,
      name: typeof config['name'] === 'string' ? (config['name'] as string) : 'model',
      layers,
      inputs: refList(path, `${where}.input_layers`, config['input_layers']),
      outputs: refList(path, `${where}.output_layers`, config['output_layers']),
    };
  }
  // A whole file whose top object is a single (custom or other) layer class.
  return { kind: 'Functional', className, name: String((isObject(config) && config['name']) ?? className), layers: [parseLayer(path, where, entry)], inputs: [], outputs: [] };
}

/** Parse JSON text from a file, with a located error. */
export function parseJson(path: string, where: string, text: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UserError(messages.badConfigJson(path, where, (error as Error).message));
  }
  if (!isObject(value)) throw new UserError(messages.badConfigJson(path, where, 'not a JSON object'));
  return value;
}

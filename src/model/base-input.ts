/**
 * A pretrained base at another image size, decided on its saved topology (plain JSON, before
 * tfjs builds anything).
 *
 * A convolutional base computes the same function of each neighbourhood whatever the image
 * size; only layers that fix the number of positions (Flatten, Reshape, a nested model, …)
 * tie it to the size it was saved with. So, as Keras does for `include_top=False` with another
 * `input_shape`, the base is rebuilt for the dataset's size when every layer between its input
 * and the cut point is size-independent; the weights are the same tensors either way.
 *
 * "Between" means: the layer reads a tensor that still has the image's height and width. A
 * global pooling layer ends that (its output is [batch, channels] at any size), so a classifier
 * after it (MobileNet's Reshape + 1×1 conv head) does not stop the rebuild.
 */

type Json = Record<string, unknown>;
type Shape = (number | null)[];

/** A layer that ties the base to its saved image size. */
export interface SizeDependent {
  name: string;
  className: string;
}

/** Layer classes whose computation and weights do not depend on the input's height and width. */
const SIZE_FREE = new Set([
  'InputLayer', 'Conv2D', 'Conv2DTranspose', 'DepthwiseConv2D', 'SeparableConv2D', 'BatchNormalization',
  'Activation', 'ReLU', 'LeakyReLU', 'ELU', 'ThresholdedReLU', 'Softmax', 'Rescaling', 'Dense',
  'Dropout', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout',
  'ZeroPadding2D', 'Cropping2D', 'UpSampling2D', 'MaxPooling2D', 'AveragePooling2D',
  'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate',
]);
/** Their output has no height or width left. */
const GLOBAL_POOLING = new Set(['GlobalAveragePooling2D', 'GlobalMaxPooling2D']);

interface Entry {
  class_name: string;
  name: string;
  config: Json;
  inbound_nodes?: unknown;
}

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `{class_name, config}` of the model in a tfjs modelTopology (with or without `model_config`). */
function modelConfig(topology: object): { class_name: string; config: Json; layers: Entry[] } | undefined {
  const t = topology as Json;
  const model = (isObject(t['model_config']) ? t['model_config'] : t) as Json;
  const config = model['config'];
  // Keras < 2.2 wrote a Sequential's config as the bare layer list.
  const layers = Array.isArray(config) ? config : isObject(config) ? config['layers'] : undefined;
  if (typeof model['class_name'] !== 'string' || !Array.isArray(layers) || !layers.every((l) => isObject(l) && typeof l['class_name'] === 'string')) return undefined;
  const named = (layers as Entry[]).map((l) => ({ ...l, name: typeof l.name === 'string' ? l.name : String(l.config?.['name']) }));
  return { class_name: model['class_name'], config: isObject(config) ? config : {}, layers: named };
}

const sequential = (className: string) => className === 'Sequential';

/** The batch shape a layer entry declares (InputLayer or a Sequential's first layer). */
function declared(entry: Entry): Shape | undefined {
  const c = entry.config ?? {};
  const batch = (c['batch_input_shape'] ?? c['batch_shape']) as Shape | undefined;
  if (Array.isArray(batch)) return batch.slice(1);
  const shape = c['input_shape'] as Shape | undefined;
  return Array.isArray(shape) ? [...shape] : undefined;
}

/** The entry that declares the model's input, or undefined when it is a nested model or not found. */
function inputEntry(model: NonNullable<ReturnType<typeof modelConfig>>): Entry | undefined {
  if (sequential(model.class_name)) {
    const first = model.layers[0];
    return first && (first.class_name === 'InputLayer' || SIZE_FREE.has(first.class_name)) ? first : undefined;
  }
  const inputs = model.config['input_layers'] as unknown[][] | undefined;
  if (!Array.isArray(inputs) || inputs.length !== 1 || !Array.isArray(inputs[0])) return undefined;
  return model.layers.find((l) => l.name === inputs[0]![0] && l.class_name === 'InputLayer');
}

/** The saved input shape [height, width, channels] of the topology, when it declares one. */
export function savedInputShape(topology: object): Shape | undefined {
  const model = modelConfig(topology);
  const entry = model && inputEntry(model);
  return entry && declared(entry);
}

/** Names of the layers a Functional layer entry reads (Keras-2 inbound_nodes: [[[name, node, tensor, kwargs], …], …]). */
function inboundNames(entry: Entry): string[] {
  const nodes = Array.isArray(entry.inbound_nodes) ? entry.inbound_nodes : [];
  return nodes.flatMap((node: unknown) => (Array.isArray(node) ? node : [])).flatMap((ref: unknown) => (Array.isArray(ref) && typeof ref[0] === 'string' ? [ref[0]] : []));
}

/** Whether `entry`, reading a tensor that has the image's height and width, computes the same at any size. */
function sizeFree(entry: Entry): boolean {
  if (!SIZE_FREE.has(entry.class_name)) return entry.class_name === 'PReLU' && sharesSpatialAxes(entry.config);
  // A dropout mask of a fixed spatial shape ties it to that shape.
  const noise = entry.config?.['noise_shape'];
  if (Array.isArray(noise)) return noise.slice(1, 3).every((d) => d === null || d === 1);
  return true;
}

/** PReLU's alpha has one value per position unless it is shared over height and width. */
function sharesSpatialAxes(config: Json): boolean {
  const shared = config?.['shared_axes'];
  return Array.isArray(shared) && shared.includes(1) && shared.includes(2);
}

/**
 * The first layer (in the saved order) between the base's input and `output` (default: the
 * whole model) that depends on the image size; undefined when the base can be rebuilt for
 * another size. A topology this cannot read counts as size-dependent (`className` '?').
 */
export function sizeDependentLayer(topology: object, output: string | undefined): SizeDependent | undefined {
  const model = modelConfig(topology);
  const input = model && inputEntry(model);
  if (!model || !input) return { name: model?.layers[0]?.name ?? '?', className: model?.layers[0]?.class_name ?? '?' };
  const offenders = new Set<Entry>();
  if (sequential(model.class_name)) {
    const end = output === undefined ? model.layers.length - 1 : model.layers.findIndex((l) => l.name === output);
    for (const entry of model.layers.slice(0, end + 1)) {
      if (!sizeFree(entry)) return { name: entry.name, className: entry.class_name };
      if (GLOBAL_POOLING.has(entry.class_name)) break;
    }
    return undefined;
  }
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  // Whether a layer's output still has the image's height and width (memoized; layers are few).
  const spatial = new Map<string, boolean>();
  const visit = (name: string): boolean => {
    const known = spatial.get(name);
    if (known !== undefined) return known;
    spatial.set(name, false); // a cycle cannot occur in a saved graph; this only guards the recursion
    const entry = byName.get(name);
    if (!entry) return false;
    let result: boolean;
    if (entry === input) result = true;
    else {
      const readsImage = inboundNames(entry).map(visit).some(Boolean);
      if (readsImage && !sizeFree(entry)) offenders.add(entry);
      result = readsImage && !GLOBAL_POOLING.has(entry.class_name);
    }
    spatial.set(name, result);
    return result;
  };
  const outputs = output !== undefined ? [output] : ((model.config['output_layers'] as unknown[][] | undefined) ?? []).map((o) => String(o[0]));
  outputs.forEach(visit);
  const first = model.layers.find((l) => offenders.has(l));
  return first && { name: first.name, className: first.class_name };
}

/** Every layer name of a layer list, nested models' layers included. */
function allNames(layers: Entry[]): string[] {
  return layers.flatMap((l) => {
    const inner = modelConfig(l);
    return [l.name, ...(inner ? allNames(inner.layers) : [])];
  });
}

/** A base rebuilt for another image size. */
export interface Rebuilt {
  /** The saved topology, input resized and cut after `output`. */
  topology: object;
  /** Names of the layers kept, nested models' layers included (their weights are needed). */
  kept: Set<string>;
  /** Names of the saved model's layers left out (after the cut). */
  removed: string[];
}

/**
 * A copy of `topology` whose input takes images of `height`×`width` (channels as saved), cut
 * after `output` (the layers after it may depend on the size, and would not build); undefined
 * when its input cannot be found.
 */
export function withInputSize(topology: object, height: number, width: number, output: string | undefined): Rebuilt | undefined {
  const copy = structuredClone(topology) as Json;
  const model = modelConfig(copy);
  const input = model && inputEntry(model);
  const shape = input && declared(input);
  if (!model || !input || !shape || shape.length !== 3) return undefined;
  // modelConfig copies each entry's top level; the config objects are the copy's own.
  const config = input.config;
  const batch = ((config['batch_input_shape'] ?? config['batch_shape']) as Shape | undefined)?.[0] ?? null;
  delete config['input_shape'];
  delete config['batch_shape'];
  config['batch_input_shape'] = [batch, height, width, shape[2]];

  let keep = new Set(model.layers);
  if (output !== undefined && sequential(model.class_name)) {
    const end = model.layers.findIndex((l) => l.name === output);
    if (end >= 0) keep = new Set(model.layers.slice(0, end + 1));
  } else if (output !== undefined && model.layers.some((l) => l.name === output)) {
    const byName = new Map(model.layers.map((l) => [l.name, l]));
    keep = new Set();
    const stack = [output];
    while (stack.length > 0) {
      const entry = byName.get(stack.pop()!);
      if (!entry || keep.has(entry)) continue;
      keep.add(entry);
      stack.push(...inboundNames(entry));
    }
    model.config['output_layers'] = [[output, 0, 0]];
  }
  const raw = (isObject(copy['model_config']) ? copy['model_config'] : copy) as Json;
  const layers = (Array.isArray(raw['config']) ? raw['config'] : (raw['config'] as Json)['layers']) as Json[];
  const kept = layers.filter((_, i) => keep.has(model.layers[i]!));
  if (Array.isArray(raw['config'])) raw['config'] = kept;
  else (raw['config'] as Json)['layers'] = kept;
  return {
    topology: copy,
    kept: new Set(allNames(model.layers.filter((l) => keep.has(l)))),
    removed: model.layers.filter((l) => !keep.has(l)).map((l) => l.name),
  };
}

/**
 * The ONNX graph walk: initializers and the one image input → values, nodes in file order
 * (ONNX requires topological order) → folded constants or Keras layers, the one output checked
 * to be [batch, classes]; then layers the output does not depend on are dropped.
 *
 *   1 constants   every initializer, read (tensors.ts)
 *   2 input       NCHW [N, C, H, W] → InputLayer [H, W, C]; symbolic H/W from `imageSize`
 *   3 nodes       foldable with known inputs → constant (fold.ts); else the op's converter
 *                 (ops-*.ts) → layers; unknown ops → an error listing what is supported
 *   4 output      one activation of ONNX shape [N, classes] in ONNX's feature order
 *   5 prune       keep what the output reads; name every ONNX tensor's layer (`tensorLayers`)
 */
import { UserError } from '../../lib/errors.ts';
import type { Json } from '../keras-config.ts';
import { messages } from '../messages.ts';
import { Builder, baseName, type Act, type Value, type Weight } from './builder.ts';
import { constant, type Converter, type OpContext } from './context.ts';
import { FOLDABLE, fold } from './fold.ts';
import { activationOps } from './ops-activation.ts';
import { convOps } from './ops-conv.ts';
import { denseOps } from './ops-dense.ts';
import { mergeOps } from './ops-merge.ts';
import { poolOps } from './ops-pool.ts';
import { int, type GraphProto, type NodeProto, type ValueInfoProto } from './proto.ts';
import { tensorValues, type ExternalFiles } from './tensors.ts';

const CONVERTERS: Record<string, Converter> = { ...convOps, ...poolOps, ...activationOps, ...mergeOps, ...denseOps };

/** Every ONNX operator convlens converts (shape-only ones folded when their inputs are constant). */
export const SUPPORTED_OPS = [...Object.keys(CONVERTERS), 'Constant', 'Shape', 'Gather', 'Cast', 'Slice (shape arithmetic)'];

/** What conversion needs besides the graph. */
export interface GraphOptions {
  path: string;
  opset: number;
  files: ExternalFiles;
  /** The dataset's [height, width], for inputs whose height/width the file leaves symbolic. */
  imageSize?: [number, number];
}

/** A converted graph. */
export interface ConvertedGraph {
  topology: { class_name: string; config: Json };
  weights: Weight[];
  classes: string[];
  /** [height, width, channels]. */
  inputShape: number[];
  /** [classes]. */
  outputShape: number[];
  /** ONNX tensor name → the Keras layer whose output holds it (NHWC where ONNX has NCHW). */
  tensorLayers: Record<string, string>;
}

const dimText = (d: { dim_value?: unknown; dim_param?: string }) => (d.dim_param ? d.dim_param : String(int(d.dim_value as never)));

function imageInput(opts: GraphOptions, graph: GraphProto, b: Builder): { name: string; value: Act; shape: number[] } {
  const { path } = opts;
  const constants = new Set(graph.initializer.map((t) => t.name));
  const inputs = graph.input.filter((i) => !constants.has(i.name));
  if (inputs.length !== 1) throw new UserError(messages.multipleInputs(path, inputs.length));
  const info: ValueInfoProto = inputs[0]!;
  const tensor = info.type?.tensor_type;
  const dims = tensor?.shape?.dim ?? [];
  if (!tensor || tensor.elem_type !== 1 || dims.length !== 4) throw new UserError(messages.onnxInputNotImage(path, info.name, dims.map(dimText), tensor?.elem_type ?? 0));
  // A dimension is fixed when it has a positive dim_value (unset reads as 0 in proto2 decoding).
  const fixed = (i: number) => (dims[i]!.dim_param ? undefined : int(dims[i]!.dim_value) || undefined);
  const channels = fixed(1);
  if (!channels) throw new UserError(messages.onnxInputNotImage(path, info.name, dims.map(dimText), 1));
  const size = [2, 3].map((i, k) => fixed(i) ?? opts.imageSize?.[k]);
  if (size.some((s) => !s)) throw new UserError(messages.onnxDynamicSize(path, info.name, dims.map(dimText)));
  const [h, w] = size as [number, number];
  b.declaredBatch = fixed(0) ?? null;
  const layer = b.input(info.name, [h, w, channels]);
  return { name: info.name, value: { kind: 'act', layer, shape: [null, channels, h, w], nonNegative: false }, shape: [h, w, channels] };
}

/** Convert the graph to a Keras-2 functional topology and its weights. */
export function convertGraph(opts: GraphOptions, graph: GraphProto): ConvertedGraph {
  const { path, opset } = opts;
  const b = new Builder();
  const values = new Map<string, Value>();
  for (const t of graph.initializer) {
    const data = tensorValues(path, t, opts.files);
    values.set(t.name, constant(data.dims, data.values));
  }
  const input = imageInput(opts, graph, b);
  values.set(input.name, input.value);
  const readers = new Map<string, NodeProto[]>();
  for (const n of graph.node) for (const i of n.input) readers.set(i, [...(readers.get(i) ?? []), n]);
  const fused = new Set<NodeProto>();
  for (const node of graph.node) {
    if (fused.has(node)) continue;
    const nodeName = node.name || node.output[0] || node.op_type;
    const ctx: OpContext = {
      b, path, node, opset, name: baseName(node),
      input: (i) => {
        const name = node.input[i];
        if (!name) return undefined;
        const v = values.get(name);
        if (!v) throw new UserError(messages.onnxMissingTensor(path, nodeName, node.op_type, name));
        return v;
      },
      consumers: (name) => readers.get(name) ?? [],
      valueOf: (name) => values.get(name),
      fuse: (later, value) => {
        fused.add(later);
        values.set(later.output[0]!, value);
      },
    };
    const domain = node.domain === '' || node.domain === 'ai.onnx';
    let result: Value | Value[] | undefined = domain && FOLDABLE.has(node.op_type) ? fold(ctx, opts.files) : undefined;
    if (!result) {
      const converter = domain ? CONVERTERS[node.op_type] : undefined;
      if (!converter) throw new UserError(messages.onnxUnsupportedOp(path, nodeName, domain ? node.op_type : `${node.domain}.${node.op_type}`, SUPPORTED_OPS));
      result = converter(ctx);
    }
    const list = Array.isArray(result) ? result : [result];
    node.output.forEach((name, i) => {
      if (name && list[i]) values.set(name, list[i]!);
    });
  }
  if (graph.output.length !== 1) throw new UserError(messages.onnxOutputs(path, graph.output.map((o) => o.name)));
  const outName = graph.output[0]!.name;
  const out = values.get(outName);
  if (!out || out.kind !== 'act' || out.shape.length !== 2 || (out.order && out.order.h * out.order.w > 1) || out.shape[1] === null)
    throw new UserError(messages.onnxOutputNotClasses(path, outName, out?.kind === 'act' ? out.shape : out ? out.dims : []));
  const kept = prune(b, out.layer);
  const tensorLayers: Record<string, string> = {};
  for (const [name, v] of values) if (v.kind === 'act' && kept.has(v.layer)) tensorLayers[name] = v.layer;
  const inputLayer = b.layers[0]!.name;
  return {
    topology: { class_name: 'Model', config: { name: 'onnx_model', layers: b.layers, input_layers: [[inputLayer, 0, 0]], output_layers: [[out.layer, 0, 0]] } },
    weights: b.weights,
    classes: [...new Set(b.layers.map((l) => l.class_name))],
    inputShape: input.shape,
    outputShape: [out.shape[1] as number],
    tensorLayers,
  };
}

/** Drop layers (and their weights) the output does not depend on; the names kept. */
function prune(b: Builder, output: string): Set<string> {
  const byName = new Map(b.layers.map((l) => [l.name, l]));
  const kept = new Set<string>();
  const stack = [output];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (kept.has(name)) continue;
    kept.add(name);
    for (const node of byName.get(name)!.inbound_nodes as [string][][]) for (const [src] of node) stack.push(src);
  }
  const layers = b.layers.filter((l) => kept.has(l.name));
  b.layers.splice(0, b.layers.length, ...layers);
  const weights = b.weights.filter((w) => kept.has(w.name.slice(0, w.name.lastIndexOf('/'))));
  b.weights.splice(0, b.weights.length, ...weights);
  return kept;
}

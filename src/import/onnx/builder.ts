/**
 * The values flowing through the ONNX graph walk, and the Keras-2 functional topology being
 * written (layers, their weights, names).
 *
 * A value is a constant (initializer, Constant, or folded from shapes) or an activation: the
 * output of one Keras layer. An activation keeps its ONNX shape (NCHW, batch null) while the Keras
 * tensor is NHWC; two bookkeeping marks avoid layers PyTorch's graph does not need:
 *   squeezed   ONNX [N, C, 1, 1] held as Keras [C] (after global pooling, or an Unsqueeze);
 *              a consumer that needs 4-D gets a Reshape [1, 1, C], made once
 *   order      a Flatten of NCHW [C, H, W] yields Keras features in h·W·C + w·C + c order, not
 *              ONNX's c·H·W + h·W + w; Gemm/MatMul permute their weight rows to match
 */
import type { Json } from '../keras-config.ts';
import type { NodeProto } from './proto.ts';

/** A dimension; null = the batch (or an open size). */
export type Dim = number | null;

/** The output of a Keras layer. */
export interface Act {
  kind: 'act';
  /** Keras layer name whose (only) output this is. */
  layer: string;
  /** ONNX shape, batch first (null). */
  shape: Dim[];
  squeezed?: boolean;
  /** Set on a flattened NCHW tensor whose Keras feature order is NHWC's. */
  order?: { c: number; h: number; w: number };
  /** Every element is ≥ 0 (after ReLU and the like): zero padding is then exact for max pooling. */
  nonNegative: boolean;
  /** The 4-D form of a squeezed value, once made. */
  expanded?: Act;
}

/** A value known at conversion time: float data, or integers where null is the batch size. */
export interface Const {
  kind: 'const';
  dims: number[];
  float: boolean;
  values: Float32Array | (number | null)[];
}

export type Value = Act | Const;

/** A weight for the model's weightSpecs. */
export interface Weight {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** A layer entry of a Keras-2 functional config. */
export interface LayerEntry {
  class_name: string;
  config: Json;
  name: string;
  inbound_nodes: unknown[];
}

/** Keras shape (no batch) of an activation. */
export function kerasShape(a: Act): Dim[] {
  if (a.squeezed) return [a.shape[1]!];
  if (a.shape.length === 4) return [a.shape[2]!, a.shape[3]!, a.shape[1]!];
  return a.shape.slice(1);
}

/** A readable, tfjs-valid layer name for a node: PyTorch's scope path without repeated prefixes. */
export function baseName(node: NodeProto): string {
  const raw = node.name || `${node.op_type}_${node.output[0] ?? ''}`;
  const parts = raw.split('/').filter(Boolean);
  const kept = parts.filter((p, i) => !(parts[i + 1]?.startsWith(`${p}.`)));
  let name = kept.join('_').replace(/[^A-Za-z0-9._-]/g, '_');
  if (!/^[A-Za-z0-9]/.test(name)) name = `n${name}`;
  return name;
}

/** Collects layers and weights in the order they are made (a valid topological order). */
export class Builder {
  readonly layers: LayerEntry[] = [];
  readonly weights: Weight[] = [];
  /** The batch size the file fixes (PyTorch exports without dynamic axes fix 1), else null. */
  declaredBatch: number | null = null;
  private readonly names = new Set<string>();

  /** `base`, or `base_2`, `base_3`, … if taken. */
  unique(base: string): string {
    let name = base;
    for (let i = 2; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  /** Add a layer reading `inputs`; returns its (unique) name. */
  add(className: string, base: string, config: Json, inputs: Act[], weights: Weight[] = []): string {
    const name = this.unique(base);
    const inbound = inputs.length === 0 ? [] : [inputs.map((a) => [a.layer, 0, 0, {}])];
    this.layers.push({ class_name: className, config: { name, trainable: true, dtype: 'float32', ...config }, name, inbound_nodes: inbound });
    for (const w of weights) this.weights.push({ ...w, name: `${name}/${w.name}` });
    return name;
  }

  /** The InputLayer for an NHWC `shape` (no batch); returns its name. */
  input(onnxName: string, shape: number[]): string {
    let base = onnxName.replace(/[^A-Za-z0-9._-]/g, '_');
    if (!/^[A-Za-z0-9]/.test(base)) base = `input${base}`;
    const name = this.unique(base);
    this.layers.push({ class_name: 'InputLayer', config: { batch_input_shape: [null, ...shape], dtype: 'float32', sparse: false, name }, name, inbound_nodes: [] });
    return name;
  }

  /** The activation `a` as a 4-D tensor: a squeezed one gets a Reshape to [1, 1, C] (made once). */
  as4d(a: Act): Act {
    if (!a.squeezed) return a;
    if (!a.expanded) {
      const layer = this.add('Reshape', `${a.layer}_4d`, { target_shape: [1, 1, a.shape[1]] }, [a]);
      a.expanded = { kind: 'act', layer, shape: a.shape, nonNegative: a.nonNegative };
    }
    return a.expanded;
  }
}

/** An activation made by `layer` with ONNX shape `shape`. */
export const act = (layer: string, shape: Dim[], nonNegative: boolean, extra: Partial<Act> = {}): Act => ({ kind: 'act', layer, shape, nonNegative, ...extra });

/** Product of known dims (null if any is open). */
export const product = (dims: readonly Dim[]) => dims.reduce<Dim>((a, b) => (a === null || b === null ? null : a * b), 1);

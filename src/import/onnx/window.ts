/**
 * Where a sliding window (Conv, MaxPool, AveragePool) reads, ONNX's way → tfjs's way.
 *
 * ONNX gives explicit pads [top, left, bottom, right] (or auto_pad SAME_UPPER/SAME_LOWER/VALID)
 * and, for pooling, ceil_mode. tfjs has 'valid' and 'same', where 'same' pads
 * total = max((out − 1)·s + k_eff − n, 0) with the extra pixel at the bottom/right. So:
 *   – the pads actually read are computed (`effective`): the last window may stop before the
 *     bottom pad (stride) or run past it (ceil_mode), PyTorch's rule for a last window starting
 *     in the padding included;
 *   – if they are what tfjs 'same' reads, 'same' is exact; if none, 'valid';
 *   – otherwise the caller pads explicitly (ZeroPadding2D + 'valid'), which is exact for
 *     convolutions and for counted average pooling, and for max pooling only over
 *     non-negative inputs.
 */
import { attr, type NodeProto } from './proto.ts';
import { refuse, type OpContext } from './context.ts';

/** The pads a window op reads, per spatial axis [height, width]. */
export interface Window {
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  /** Rows/columns read before the input ([top, left]). */
  begin: [number, number];
  /** Rows/columns read after it ([bottom, right]); ≥ 0 (trailing input a stride skips is not read anyway). */
  end: [number, number];
  /** The pads as written (bottom/right), to tell padding the last window reads from padding it does not. */
  declaredEnd: [number, number];
  out: [number, number];
  /** 'valid' when nothing is padded, 'same' when tfjs's same reads exactly these pads, else undefined. */
  tfjsPadding?: 'valid' | 'same';
}

const pair = (v: number[] | undefined, fallback: number): [number, number] => [v?.[0] ?? fallback, v?.[1] ?? fallback];

/** The window of `node` over an input of spatial size [h, w] with kernel `kernel`. */
export function windowOf(ctx: OpContext, node: NodeProto, size: [number, number], kernel: [number, number], ceilAllowed: boolean): Window {
  const strides = pair(attr.ints(node, 'strides'), 1);
  const dilations = pair(attr.ints(node, 'dilations'), 1);
  const autoPad = attr.string(node, 'auto_pad', 'NOTSET');
  const ceil = ceilAllowed && attr.int(node, 'ceil_mode', 0) === 1;
  const pads = attr.ints(node, 'pads') ?? [0, 0, 0, 0];
  if (pads.length !== 4) refuse(ctx, `has pads [${pads.join(', ')}], not four numbers for two spatial axes`, 'convlens converts 2-D (image) operators only.');
  if (pads.some((p) => p < 0)) refuse(ctx, `has negative pads [${pads.join(', ')}]`, 'Crop the tensor with an explicit slice instead.');
  const begin: [number, number] = [0, 0], end: [number, number] = [0, 0], declaredEnd: [number, number] = [0, 0], out: [number, number] = [0, 0];
  for (const a of [0, 1] as const) {
    const n = size[a], s = strides[a], k = (kernel[a] - 1) * dilations[a] + 1;
    let pb: number, pe: number, o: number;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      o = Math.ceil(n / s);
      const total = Math.max((o - 1) * s + k - n, 0);
      pb = autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : Math.ceil(total / 2);
      pe = total - pb;
    } else {
      [pb, pe] = autoPad === 'VALID' ? [0, 0] : [pads[a]!, pads[a + 2]!];
      const span = n + pb + pe - k;
      if (span < 0) refuse(ctx, `has a ${kernel[0]}×${kernel[1]} window larger than its padded ${size[0]}×${size[1]} input`, 'Use larger input images or a smaller window.');
      o = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
      // PyTorch (and ONNX Runtime): a last window that would start inside the end padding is dropped.
      if (ceil && (o - 1) * s >= n + pb) o--;
    }
    begin[a] = pb;
    declaredEnd[a] = pe;
    end[a] = Math.max((o - 1) * s + k - n - pb, 0);
    out[a] = o;
  }
  const w: Window = { kernel, strides, dilations, begin, end, declaredEnd, out };
  if (begin.every((p) => p === 0) && end.every((p) => p === 0)) w.tfjsPadding = 'valid';
  else if (sameReads(size, w)) w.tfjsPadding = 'same';
  return w;
}

/** Whether tfjs's 'same' reads exactly the window's pads (and gives the same output size). */
function sameReads(size: [number, number], w: Window): boolean {
  return [0, 1].every((a) => {
    const n = size[a]!, s = w.strides[a]!, k = (w.kernel[a]! - 1) * w.dilations[a]! + 1;
    const o = Math.ceil(n / s);
    const total = Math.max((o - 1) * s + k - n, 0);
    const top = Math.floor(total / 2);
    return o === w.out[a] && top === w.begin[a] && total - top === w.end[a];
  });
}

/** ZeroPadding2D's padding for a window padded explicitly. */
export const zeroPadding = (w: Window) => [[w.begin[0], w.end[0]], [w.begin[1], w.end[1]]];

/**
 * Shape arithmetic shared by the depthwise backprop kernels: tfjs's own Conv2DInfo (so padding
 * modes, explicit padding and dimRoundingMode resolve exactly as on every other backend), plus
 * the checks those kernels rely on.
 */
import { backend_util } from '@tensorflow/tfjs';

/** The attributes both depthwise backprop kernels receive from tfjs. */
export interface DepthwiseAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dilations: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Conv2DInfo for a depthwise convolution of `xShape` [N,H,W,C] with `filterShape` [KH,KW,C,M] (NHWC, dilation 1). */
export function depthwiseInfo(
  kernel: string,
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: DepthwiseAttrs,
): backend_util.Conv2DInfo {
  const dilations = attrs.dilations ?? 1;
  const [dh, dw] = typeof dilations === 'number' ? [dilations, dilations] : dilations;
  if (dh !== 1 || dw !== 1) {
    throw new Error(
      `${kernel} on wasm supports dilation 1 only, but received dilations [${dh}, ${dw}]. ` +
        `tfjs cannot differentiate a dilated depthwise convolution on any backend; use dilation 1 for trained layers.`,
    );
  }
  if (xShape.length !== 4 || filterShape.length !== 4 || xShape[3] !== filterShape[2]) {
    throw new Error(
      `${kernel} needs an NHWC input [N, H, W, C] and a filter [KH, KW, C, M] with the same C, ` +
        `but received input [${xShape}] and filter [${filterShape}].`,
    );
  }
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
}

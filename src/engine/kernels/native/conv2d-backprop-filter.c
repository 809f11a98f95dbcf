// Conv2DBackpropFilter, NHWC, any kernel size, stride and padding (dilation 1).
//
//   dW[kh][kw][ci][co] = sum over n, oh, ow of xpad[n][oh*SH + kh][ow*SW + kw][ci] * dy[n][oh][ow][co]
//
// For a fixed kh, the (kw, ci) pairs of one output pixel's patch are KW*C contiguous floats of
// the (zero-padded) input row, in the same order as dW's rows. So dW[kh] is a product of
// "row slices" of x with dy, computed without materialising im2col: per image, x is copied once
// into a zero-padded scratch image (borders become plain zeros, no bounds tests), then register
// blocks of 4 dW rows x 8 output channels accumulate over a tile of output rows that stays in L1
// (each x value is splatted, each dy vector loaded once per block row). Every block's tile sum
// starts at zero and is added into dW, so sums are blocked (tile, then images) and the order is
// fixed: results are deterministic.
#include "common.h"

// Accumulates MR dW rows x NV*4 channels over rows [0, rows) x [0, OW) of a tile.
//   x: first patch element of (oh=0, ow=0) for this block's first dW row; xrs/xcs: floats between
//   consecutive output rows / columns. dy: first channel of (0, 0); dyrs/dycs likewise. dw: the
//   block's first element; dws: floats between dW rows.
#define BLOCK(MR, NV)                                                                               \
  static void block_##MR##x##NV(const float *x, int xrs, int xcs, const float *dy, int dyrs,      \
                                int dycs, int rows, int cols, float *dw, int dws) {               \
    v128_t acc[MR][NV];                                                                            \
    for (int i = 0; i < MR; i++)                                                                   \
      for (int j = 0; j < NV; j++) acc[i][j] = wasm_f32x4_splat(0.0f);                             \
    for (int r = 0; r < rows; r++) {                                                               \
      const float *xp = x + r * xrs;                                                               \
      const float *dp = dy + r * dyrs;                                                             \
      for (int c = 0; c < cols; c++, xp += xcs, dp += dycs) {                                      \
        v128_t d[NV];                                                                              \
        for (int j = 0; j < NV; j++) d[j] = wasm_v128_load(dp + 4 * j);                            \
        for (int i = 0; i < MR; i++) {                                                             \
          v128_t s = wasm_v128_load32_splat(xp + i);                                               \
          for (int j = 0; j < NV; j++) acc[i][j] = wasm_f32x4_add(acc[i][j], wasm_f32x4_mul(s, d[j])); \
        }                                                                                          \
      }                                                                                            \
    }                                                                                              \
    for (int i = 0; i < MR; i++)                                                                   \
      for (int j = 0; j < NV; j++) {                                                               \
        float *o = dw + i * dws + 4 * j;                                                           \
        wasm_v128_store(o, wasm_f32x4_add(wasm_v128_load(o), acc[i][j]));                          \
      }                                                                                            \
  }

BLOCK(4, 2)
BLOCK(3, 2)
BLOCK(2, 2)
BLOCK(1, 2)
BLOCK(4, 1)
BLOCK(3, 1)
BLOCK(2, 1)
BLOCK(1, 1)

// One register block; a switch, not a function-pointer table (a table would be static data).
static void block(int mr, int nv, const float *x, int xrs, int xcs, const float *dy, int dyrs, int dycs, int rows,
                  int cols, float *dw, int dws) {
  switch (mr * 4 + nv) {
    case 4 * 4 + 2: block_4x2(x, xrs, xcs, dy, dyrs, dycs, rows, cols, dw, dws); break;
    case 3 * 4 + 2: block_3x2(x, xrs, xcs, dy, dyrs, dycs, rows, cols, dw, dws); break;
    case 2 * 4 + 2: block_2x2(x, xrs, xcs, dy, dyrs, dycs, rows, cols, dw, dws); break;
    case 1 * 4 + 2: block_1x2(x, xrs, xcs, dy, dyrs, dycs, rows, cols, dw, dws); break;
    case 4 * 4 + 1: block_4x1(x, xrs, xcs, dy, dyrs, dycs, rows, cols, dw, dws); break;
    case 3 * 4 + 1: block_3x1(x, xrs, xcs, dy, dyrs, dycs, rows, cols, dw, dws); break;
    case 2 * 4 + 1: block_2x1(x, xrs, xcs, dy, dyrs, dycs, rows, cols, dw, dws); break;
    default: block_1x1(x, xrs, xcs, dy, dyrs, dycs, rows, cols, dw, dws); break;
  }
}

// Copies image rows [0, HP) x [0, WP) of the padded image (input row ih = i - top) into xp.
// Shared with conv2d.c.
void pad_image(const float *x, int H, int W, int C, int top, int left, int HP, int WP, float *xp) {
  for (int i = 0; i < HP; i++) {
    float *row = xp + i * WP * C;
    int ih = i - top;
    if (ih < 0 || ih >= H) {
      __builtin_memset(row, 0, (unsigned)(WP * C) * sizeof(float));
      continue;
    }
    // Columns j with input column j - left inside [0, W).
    // Clamped to the row: a large explicit left padding can exceed the padded width that
    // strided outputs actually read.
    int j0 = left < 0 ? 0 : left > WP ? WP : left;
    int j1 = W + left < WP ? W + left : WP;
    if (j1 < j0) j1 = j0;
    if (j0 > 0) __builtin_memset(row, 0, (unsigned)(j0 * C) * sizeof(float));
    if (j1 > j0) __builtin_memcpy(row + j0 * C, x + (ih * W + (j0 - left)) * C, (unsigned)((j1 - j0) * C) * sizeof(float));
    if (WP > j1) __builtin_memset(row + j1 * C, 0, (unsigned)((WP - j1) * C) * sizeof(float));
  }
}

// dw [KH][KW*C][CO4] (CO4 = CO rounded up to 4) is overwritten. dy is read with channel stride
// CO4, so when CO is not a multiple of 4 the caller passes a copy of dy padded to CO4 channels,
// and a padded dw that it crops afterwards. scratch: HP*WP*C floats, HP = (OH-1)*SH + KH,
// WP = (OW-1)*SW + KW.
EXPORT("conv2d_backprop_filter")
void conv2d_backprop_filter(const float *x, const float *dy, float *dw, float *scratch, int N, int H, int W, int C,
                            int OH, int OW, int CO4, int KH, int KW, int SH, int SW, int top, int left) {
  const int HP = (OH - 1) * SH + KH;
  const int WP = (OW - 1) * SW + KW;
  const int K = KW * C;  // dW rows per kh
  __builtin_memset(dw, 0, (unsigned)(KH * K * CO4) * sizeof(float));
  // Output rows per tile: the tile's padded input rows and dy rows should fit in ~32 KiB.
  const int perRow = SH * WP * C + OW * CO4;
  int tileRows = (8192 - KH * WP * C) / (perRow > 0 ? perRow : 1);
  if (tileRows < 1) tileRows = 1;
  for (int n = 0; n < N; n++) {
    pad_image(x + n * H * W * C, H, W, C, top, left, HP, WP, scratch);
    const float *dyn = dy + n * OH * OW * CO4;
    for (int oh0 = 0; oh0 < OH; oh0 += tileRows) {
      const int rows = OH - oh0 < tileRows ? OH - oh0 : tileRows;
      for (int kh = 0; kh < KH; kh++) {
        const float *xt = scratch + ((oh0 * SH + kh) * WP) * C;
        for (int r0 = 0; r0 < K; r0 += 4) {
          const int mr = K - r0 < 4 ? K - r0 : 4;
          for (int co = 0; co < CO4; co += 8) {
            block(mr, CO4 - co >= 8 ? 2 : 1, xt + r0, SH * WP * C, SW * C, dyn + oh0 * OW * CO4 + co, OW * CO4, CO4, rows, OW,
              dw + (kh * K + r0) * CO4 + co, CO4);
          }
        }
      }
    }
  }
}

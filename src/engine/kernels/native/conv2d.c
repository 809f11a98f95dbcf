// Forward 2-D convolution, NHWC, any kernel size, stride and padding (dilation 1), with an
// optional per-channel bias and a fused activation.
//
//   y[n][oh][ow][co] = act(bias[co] + sum over kh, r of xpad[n][oh*SH + kh][ow*SW*C + r] * w[kh][r][co])
//
// where r = kw*C + ci runs over the KW*C contiguous floats of one padded input row segment
// (the same order as tfjs's filter layout [KH][KW][C][CO]). Per image, x is copied once into a
// zero-padded scratch image (no bounds tests). Register blocks of 4 output pixels x 8 output
// channels accumulate over kh and r: each filter vector is loaded once per block row and each x
// value is splatted. Each output is a float32 sum in a fixed order (bias, then kh, then r), so
// results are deterministic.
#include "common.h"

enum { ACT_LINEAR = 0, ACT_RELU = 1, ACT_RELU6 = 2, ACT_LEAKY = 3 };

static inline v128_t activate(int act, v128_t v, float alpha) {
  switch (act) {
    case ACT_RELU: return wasm_f32x4_pmax(v, wasm_f32x4_splat(0.0f));
    case ACT_RELU6: return wasm_f32x4_pmin(wasm_f32x4_pmax(v, wasm_f32x4_splat(0.0f)), wasm_f32x4_splat(6.0f));
    case ACT_LEAKY: {
      v128_t neg = wasm_f32x4_lt(v, wasm_f32x4_splat(0.0f));
      return wasm_v128_bitselect(wasm_f32x4_mul(v, wasm_f32x4_splat(alpha)), v, neg);
    }
    default: return v;
  }
}

// MR output pixels (x pointers xcs floats apart) x NV*4 channels; K taps per kh row, KH rows
// xrs floats apart in x and K*wrs floats apart in w (wrs = floats between filter rows).
#define BLOCK(MR, NV)                                                                                  \
  static void fwd_##MR##x##NV(const float *x, int xrs, int xcs, const float *w, int wrs, int K, int KH,  \
                              const float *bias, float *y, int ycs, int act, float alpha) {            \
    v128_t acc[MR][NV];                                                                               \
    for (int j = 0; j < NV; j++) {                                                                    \
      v128_t b = bias ? wasm_v128_load(bias + 4 * j) : wasm_f32x4_splat(0.0f);                        \
      for (int i = 0; i < MR; i++) acc[i][j] = b;                                                     \
    }                                                                                                 \
    for (int kh = 0; kh < KH; kh++) {                                                                 \
      const float *xk = x + kh * xrs;                                                                 \
      const float *wk = w + kh * K * wrs;                                                             \
      for (int r = 0; r < K; r++) {                                                                   \
        v128_t wv[NV];                                                                                \
        for (int j = 0; j < NV; j++) wv[j] = wasm_v128_load(wk + r * wrs + 4 * j);                    \
        for (int i = 0; i < MR; i++) {                                                                \
          v128_t s = wasm_v128_load32_splat(xk + i * xcs + r);                                        \
          for (int j = 0; j < NV; j++) acc[i][j] = wasm_f32x4_add(acc[i][j], wasm_f32x4_mul(s, wv[j])); \
        }                                                                                             \
      }                                                                                               \
    }                                                                                                 \
    for (int i = 0; i < MR; i++)                                                                      \
      for (int j = 0; j < NV; j++) wasm_v128_store(y + i * ycs + 4 * j, activate(act, acc[i][j], alpha)); \
  }

BLOCK(4, 2)
BLOCK(3, 2)
BLOCK(2, 2)
BLOCK(1, 2)
BLOCK(4, 1)
BLOCK(3, 1)
BLOCK(2, 1)
BLOCK(1, 1)

static void fwd_block(int mr, int nv, const float *x, int xrs, int xcs, const float *w, int wrs, int K, int KH,
                      const float *bias, float *y, int ycs, int act, float alpha) {
  switch (mr * 4 + nv) {
    case 4 * 4 + 2: fwd_4x2(x, xrs, xcs, w, wrs, K, KH, bias, y, ycs, act, alpha); break;
    case 3 * 4 + 2: fwd_3x2(x, xrs, xcs, w, wrs, K, KH, bias, y, ycs, act, alpha); break;
    case 2 * 4 + 2: fwd_2x2(x, xrs, xcs, w, wrs, K, KH, bias, y, ycs, act, alpha); break;
    case 1 * 4 + 2: fwd_1x2(x, xrs, xcs, w, wrs, K, KH, bias, y, ycs, act, alpha); break;
    case 4 * 4 + 1: fwd_4x1(x, xrs, xcs, w, wrs, K, KH, bias, y, ycs, act, alpha); break;
    case 3 * 4 + 1: fwd_3x1(x, xrs, xcs, w, wrs, K, KH, bias, y, ycs, act, alpha); break;
    case 2 * 4 + 1: fwd_2x1(x, xrs, xcs, w, wrs, K, KH, bias, y, ycs, act, alpha); break;
    default: fwd_1x1(x, xrs, xcs, w, wrs, K, KH, bias, y, ycs, act, alpha); break;
  }
}

void pad_image(const float *x, int H, int W, int C, int top, int left, int HP, int WP, float *xp);

// w: [KH][KW*C][CO4]; bias: CO4 floats or 0; y: [N][OH][OW][CO4] (CO4 = CO rounded up to 4:
// the caller pads w, bias and y when CO is not a multiple of 4). scratch: HP*WP*C floats,
// HP = (OH-1)*SH + KH, WP = (OW-1)*SW + KW. act: 0 linear, 1 relu, 2 relu6, 3 leaky relu (alpha).
EXPORT("conv2d_forward")
void conv2d_forward(const float *x, const float *w, const float *bias, float *y, float *scratch, int N, int H, int W,
                    int C, int OH, int OW, int CO4, int KH, int KW, int SH, int SW, int top, int left, int act,
                    float alpha) {
  const int HP = (OH - 1) * SH + KH;
  const int WP = (OW - 1) * SW + KW;
  const int K = KW * C;
  for (int n = 0; n < N; n++) {
    pad_image(x + n * H * W * C, H, W, C, top, left, HP, WP, scratch);
    for (int oh = 0; oh < OH; oh++) {
      const float *xrow = scratch + oh * SH * WP * C;
      float *yrow = y + ((n * OH + oh) * OW) * CO4;
      for (int ow0 = 0; ow0 < OW; ow0 += 4) {
        const int mr = OW - ow0 < 4 ? OW - ow0 : 4;
        for (int co = 0; co < CO4; co += 8) {
          fwd_block(mr, CO4 - co >= 8 ? 2 : 1, xrow + ow0 * SW * C, WP * C, SW * C, w + co, CO4, K, KH,
                    bias ? bias + co : 0, yrow + ow0 * CO4 + co, CO4, act, alpha);
        }
      }
    }
  }
}

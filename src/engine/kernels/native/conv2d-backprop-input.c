// Conv2DBackpropInput for strides > 1, NHWC (dilation 1):
//
//   dx[n][ih][iw][ci] = sum over kh, kw, co with oh*SH + kh - top = ih, ow*SW + kw - left = iw
//                       of dy[n][oh][ow][co] * w[kh][kw][ci][co]
//
// For an input row ih only the taps kh = (ih + top) mod SH + t*SH reach it, and for the input
// columns of one phase (iw = b + SW*j) the same taps kw reach each of them, from consecutive
// output columns ow = j + (b + left - kw)/SW. So dx is computed phase by phase as a gather: a
// register block of 4 same-phase dx pixels x 8 input channels accumulates over the reaching taps
// and all output channels, each filter vector (from a filter transposed to [KH][KW][CO][CI4])
// loaded once and each dy value splatted. dy is copied per image into a zero-padded scratch
// image whose margins cover every tap, so there are no bounds tests; padded taps add zeros.
// Fixed summation order (kh, kw, co), so results are deterministic.
#include "common.h"

void pad_image(const float *x, int H, int W, int C, int top, int left, int HP, int WP, float *xp);

#define BLOCK(MR, NV)                                                                                  \
  static void bwd_##MR##x##NV(const float *dyp, int OWP, int CO, const float *wt, int KW, int CI4,     \
                              int khFirst, int KH, int SH, int ohFirst, int kwFirst, int SW, int owFirst,   \
                              float *dx, int dxcs) {                                                  \
    v128_t acc[MR][NV];                                                                               \
    for (int i = 0; i < MR; i++)                                                                      \
      for (int j = 0; j < NV; j++) acc[i][j] = wasm_f32x4_splat(0.0f);                                \
    for (int kh = khFirst, oh = ohFirst; kh < KH; kh += SH, oh--) {                                   \
      for (int kw = kwFirst, ow = owFirst; kw < KW; kw += SW, ow--) {                                 \
        const float *d = dyp + (oh * OWP + ow) * CO;                                                  \
        const float *wk = wt + (kh * KW + kw) * CO * CI4;                                             \
        for (int co = 0; co < CO; co++) {                                                             \
          v128_t wv[NV];                                                                              \
          for (int j = 0; j < NV; j++) wv[j] = wasm_v128_load(wk + co * CI4 + 4 * j);                 \
          for (int i = 0; i < MR; i++) {                                                              \
            v128_t s = wasm_v128_load32_splat(d + i * CO + co);                                       \
            for (int j = 0; j < NV; j++) acc[i][j] = wasm_f32x4_add(acc[i][j], wasm_f32x4_mul(s, wv[j])); \
          }                                                                                           \
        }                                                                                             \
      }                                                                                               \
    }                                                                                                 \
    for (int i = 0; i < MR; i++)                                                                      \
      for (int j = 0; j < NV; j++) wasm_v128_store(dx + i * dxcs + 4 * j, acc[i][j]);                 \
  }

BLOCK(4, 2)
BLOCK(1, 2)
BLOCK(4, 1)
BLOCK(1, 1)

// wt: [KH][KW][CO][CI4]; dx: [N][H][W][CI4] (CI4 = input channels rounded up to 4; the caller
// pads and crops). scratch: OHP*OWP*CO floats with OHP = mt + OH + mb, OWP = ml + OW + mr, the
// margins computed by the caller as conv2d_backprop_input_margins does.
EXPORT("conv2d_backprop_input_strided")
void conv2d_backprop_input_strided(const float *dy, const float *wt, float *dx, float *scratch, int N, int H, int W,
                                   int CI4, int OH, int OW, int CO, int KH, int KW, int SH, int SW, int top, int left,
                                   int mt, int ml, int OHP, int OWP) {
  for (int n = 0; n < N; n++) {
    pad_image(dy + n * OH * OW * CO, OH, OW, CO, mt, ml, OHP, OWP, scratch);
    float *dxn = dx + n * H * W * CI4;
    for (int ih = 0; ih < H; ih++) {
      const int khFirst = (ih + top) % SH;
      const int ohFirst = (ih + top - khFirst) / SH + mt;  // padded row of the first tap
      for (int b = 0; b < SW && b < W; b++) {
        const int kwFirst = (b + left) % SW;
        const int J = (W - b + SW - 1) / SW;
        for (int j0 = 0; j0 < J;) {
          const int mr = J - j0 >= 4 ? 4 : 1;
          const int owFirst = j0 + (b + left - kwFirst) / SW + ml;
          float *o = dxn + (ih * W + b + SW * j0) * CI4;
          for (int ci = 0; ci < CI4; ci += 8) {
            const int nv = CI4 - ci >= 8 ? 2 : 1;
            const float *w = wt + ci;
            if (mr == 4 && nv == 2) bwd_4x2(scratch, OWP, CO, w, KW, CI4, khFirst, KH, SH, ohFirst, kwFirst, SW, owFirst, o + ci, SW * CI4);
            else if (mr == 4) bwd_4x1(scratch, OWP, CO, w, KW, CI4, khFirst, KH, SH, ohFirst, kwFirst, SW, owFirst, o + ci, SW * CI4);
            else if (nv == 2) bwd_1x2(scratch, OWP, CO, w, KW, CI4, khFirst, KH, SH, ohFirst, kwFirst, SW, owFirst, o + ci, SW * CI4);
            else bwd_1x1(scratch, OWP, CO, w, KW, CI4, khFirst, KH, SH, ohFirst, kwFirst, SW, owFirst, o + ci, SW * CI4);
          }
          j0 += mr;
        }
      }
    }
  }
}

// Winograd F(2x2, 3x3) convolution and its filter gradient: 3x3 filter, stride 1, NHWC, C and
// CO multiples of 4.
//
// Each 2x2 output tile is A^T [ (G g G^T) (.) (B^T d B) ] A with d the 4x4 input tile, so the
// 36 multiply-adds per output pixel and channel pair of a direct 3x3 convolution become 16 per
// 2x2 tile (2.25x fewer), at the cost of small add-only transforms. Per image: the zero-padded
// image is transformed tile by tile into V[16][T][C] for a chunk of T tiles, then 16 products
// M[k] = V[k] . U[k] (T x C times C x CO, register blocks of 4 tiles x 8 channels), then each
// tile's M is transformed back, bias added, activation applied and the 2x2 outputs stored.
// The filter gradient runs the same tiling backwards: dL/dM = A dY A^T per tile, dL/dU[k] is the
// sum over tiles of V[k]^T . dM[k] (16 products reducing over tiles, register blocks of 4 input
// x 8 output channels), and dW = G^T dU G.
// Fixed summation order everywhere, so results are deterministic; they differ from a direct
// convolution only by float32 rounding in the transforms (tested against the cpu backend).
#include "common.h"

void pad_image(const float *x, int H, int W, int C, int top, int left, int HP, int WP, float *xp);

#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub
#define MUL wasm_f32x4_mul

// U[k][c][co] = (G g G^T)[k] for g = w[.][.][c][co] (tfjs layout [3][3][C][CO]).
EXPORT("winograd_filter")
void winograd_filter(const float *w, float *U, int C, int CO) {
  const v128_t half = wasm_f32x4_splat(0.5f);
  for (int c = 0; c < C; c++) {
    for (int co = 0; co < CO; co += 4) {
      v128_t g[3][3], t[4][3];
      for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) g[i][j] = wasm_v128_load(w + ((i * 3 + j) * C + c) * CO + co);
      for (int j = 0; j < 3; j++) {
        t[0][j] = g[0][j];
        t[1][j] = MUL(ADD(ADD(g[0][j], g[1][j]), g[2][j]), half);
        t[2][j] = MUL(ADD(SUB(g[0][j], g[1][j]), g[2][j]), half);
        t[3][j] = g[2][j];
      }
      for (int i = 0; i < 4; i++) {
        v128_t u[4];
        u[0] = t[i][0];
        u[1] = MUL(ADD(ADD(t[i][0], t[i][1]), t[i][2]), half);
        u[2] = MUL(ADD(SUB(t[i][0], t[i][1]), t[i][2]), half);
        u[3] = t[i][2];
        for (int j = 0; j < 4; j++) wasm_v128_store(U + ((i * 4 + j) * C + c) * CO + co, u[j]);
      }
    }
  }
}

// M[t][co..] for MR tiles (V rows C floats apart) and NV*4 channels of one of the 16 products.
#define GEMM(MR, NV)                                                                                  \
  static void gemm_##MR##x##NV(const float *v, const float *u, float *m, int C, int CO) {            \
    v128_t acc[MR][NV];                                                                              \
    for (int i = 0; i < MR; i++)                                                                     \
      for (int j = 0; j < NV; j++) acc[i][j] = wasm_f32x4_splat(0.0f);                               \
    for (int c = 0; c < C; c++) {                                                                    \
      v128_t uv[NV];                                                                                 \
      for (int j = 0; j < NV; j++) uv[j] = wasm_v128_load(u + c * CO + 4 * j);                       \
      for (int i = 0; i < MR; i++) {                                                                 \
        v128_t s = wasm_v128_load32_splat(v + i * C + c);                                            \
        for (int j = 0; j < NV; j++) acc[i][j] = ADD(acc[i][j], MUL(s, uv[j]));                      \
      }                                                                                              \
    }                                                                                                \
    for (int i = 0; i < MR; i++)                                                                     \
      for (int j = 0; j < NV; j++) wasm_v128_store(m + i * CO + 4 * j, acc[i][j]);                   \
  }

GEMM(4, 2)
GEMM(1, 2)
GEMM(4, 1)
GEMM(1, 1)

static inline v128_t act_apply(int act, v128_t v, float alpha) {
  switch (act) {
    case 1: return wasm_f32x4_pmax(v, wasm_f32x4_splat(0.0f));
    case 2: return wasm_f32x4_pmin(wasm_f32x4_pmax(v, wasm_f32x4_splat(0.0f)), wasm_f32x4_splat(6.0f));
    case 3: return wasm_v128_bitselect(MUL(v, wasm_f32x4_splat(alpha)), v, wasm_f32x4_lt(v, wasm_f32x4_splat(0.0f)));
    default: return v;
  }
}

// V[k][t][c] = (B^T d B)[k] for tiles t0 .. t0+count-1 of the padded image xp (WP columns).
static void input_transform(const float *xp, int WP, int C, int TW, int t0, int count, int T, float *V) {
  for (int t = 0; t < count; t++) {
    const int th = (t0 + t) / TW, tw = (t0 + t) % TW;
    const float *d0 = xp + ((2 * th) * WP + 2 * tw) * C;
    for (int c = 0; c < C; c += 4) {
      v128_t d[4][4], s[4][4];
      for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) d[i][j] = wasm_v128_load(d0 + (i * WP + j) * C + c);
      for (int j = 0; j < 4; j++) {
        s[0][j] = SUB(d[0][j], d[2][j]);
        s[1][j] = ADD(d[1][j], d[2][j]);
        s[2][j] = SUB(d[2][j], d[1][j]);
        s[3][j] = SUB(d[1][j], d[3][j]);
      }
      for (int i = 0; i < 4; i++) {
        float *o = V + ((i * 4) * T + t) * C + c;
        wasm_v128_store(o, SUB(s[i][0], s[i][2]));
        wasm_v128_store(o + T * C, ADD(s[i][1], s[i][2]));
        wasm_v128_store(o + 2 * T * C, SUB(s[i][2], s[i][1]));
        wasm_v128_store(o + 3 * T * C, SUB(s[i][1], s[i][3]));
      }
    }
  }
}

// y [N][OH][OW][CO] = act(bias + conv3x3(x, w)), w given as U from winograd_filter. scratch:
// HP*WP*C + 16*T*(C + CO) floats with TH = ceil(OH/2), TW = ceil(OW/2), HP = 2*TH + 2,
// WP = 2*TW + 2. T: tiles per chunk (a multiple of 4).
EXPORT("conv2d_winograd")
void conv2d_winograd(const float *x, const float *U, const float *bias, float *y, float *scratch, int N, int H, int W,
                     int C, int OH, int OW, int CO, int top, int left, int act, float alpha, int T) {
  const int TH = (OH + 1) / 2, TW = (OW + 1) / 2;
  const int HP = 2 * TH + 2, WP = 2 * TW + 2;
  float *xp = scratch;
  float *V = xp + HP * WP * C;
  float *M = V + 16 * T * C;
  const int tiles = TH * TW;
  for (int n = 0; n < N; n++) {
    pad_image(x + n * H * W * C, H, W, C, top, left, HP, WP, xp);
    for (int t0 = 0; t0 < tiles; t0 += T) {
      const int count = tiles - t0 < T ? tiles - t0 : T;
      input_transform(xp, WP, C, TW, t0, count, T, V);
      // 2. Sixteen products M[k] = V[k] . U[k].
      for (int k = 0; k < 16; k++) {
        const float *vk = V + k * T * C, *uk = U + k * C * CO;
        float *mk = M + k * T * CO;
        for (int t = 0; t < count;) {
          const int mr = count - t >= 4 ? 4 : 1;
          for (int co = 0; co < CO; co += 8) {
            const int nv = CO - co >= 8 ? 2 : 1;
            if (mr == 4 && nv == 2) gemm_4x2(vk + t * C, uk + co, mk + t * CO + co, C, CO);
            else if (mr == 4) gemm_4x1(vk + t * C, uk + co, mk + t * CO + co, C, CO);
            else if (nv == 2) gemm_1x2(vk + t * C, uk + co, mk + t * CO + co, C, CO);
            else gemm_1x1(vk + t * C, uk + co, mk + t * CO + co, C, CO);
          }
          t += mr;
        }
      }
      // 3. Output transform, bias, activation, store.
      for (int t = 0; t < count; t++) {
        const int th = (t0 + t) / TW, tw = (t0 + t) % TW;
        const int oh = 2 * th, ow = 2 * tw;
        const int rows = OH - oh < 2 ? 1 : 2, cols = OW - ow < 2 ? 1 : 2;
        float *yo = y + ((n * OH + oh) * OW + ow) * CO;
        for (int co = 0; co < CO; co += 4) {
          v128_t m[4][4], s[2][4];
          for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++) m[i][j] = wasm_v128_load(M + ((i * 4 + j) * T + t) * CO + co);
          for (int j = 0; j < 4; j++) {
            s[0][j] = ADD(ADD(m[0][j], m[1][j]), m[2][j]);
            s[1][j] = SUB(SUB(m[1][j], m[2][j]), m[3][j]);
          }
          const v128_t b = bias ? wasm_v128_load(bias + co) : wasm_f32x4_splat(0.0f);
          // Rows written out by hand: indexing s with a run-time row would put s on the stack.
          wasm_v128_store(yo + co, act_apply(act, ADD(b, ADD(ADD(s[0][0], s[0][1]), s[0][2])), alpha));
          if (cols == 2) wasm_v128_store(yo + CO + co, act_apply(act, ADD(b, SUB(SUB(s[0][1], s[0][2]), s[0][3])), alpha));
          if (rows == 2) {
            wasm_v128_store(yo + OW * CO + co, act_apply(act, ADD(b, ADD(ADD(s[1][0], s[1][1]), s[1][2])), alpha));
            if (cols == 2) wasm_v128_store(yo + (OW + 1) * CO + co, act_apply(act, ADD(b, SUB(SUB(s[1][1], s[1][2]), s[1][3])), alpha));
          }
        }
      }
    }
  }
}

// dU[c][co..] += sum over T tiles of V[t][c + i] * dM[t][co..] for 4 input channels i and NV*4
// output channels (V rows C floats apart, dM rows CO floats apart, dU rows CO floats apart).
#define WGRAD(NV)                                                                                    \
  static void wgrad_4x##NV(const float *v, const float *dm, float *du, int C, int CO, int T) {      \
    v128_t acc[4][NV];                                                                               \
    for (int i = 0; i < 4; i++)                                                                      \
      for (int j = 0; j < NV; j++) acc[i][j] = wasm_f32x4_splat(0.0f);                               \
    for (int t = 0; t < T; t++) {                                                                    \
      v128_t g[NV];                                                                                  \
      for (int j = 0; j < NV; j++) g[j] = wasm_v128_load(dm + t * CO + 4 * j);                       \
      for (int i = 0; i < 4; i++) {                                                                  \
        v128_t s = wasm_v128_load32_splat(v + t * C + i);                                            \
        for (int j = 0; j < NV; j++) acc[i][j] = ADD(acc[i][j], MUL(s, g[j]));                       \
      }                                                                                              \
    }                                                                                                \
    for (int i = 0; i < 4; i++)                                                                      \
      for (int j = 0; j < NV; j++) {                                                                 \
        float *o = du + i * CO + 4 * j;                                                              \
        wasm_v128_store(o, ADD(wasm_v128_load(o), acc[i][j]));                                       \
      }                                                                                              \
  }

WGRAD(2)
WGRAD(1)

// dw [3][3][C][CO] = filter gradient of the 3x3 stride-1 convolution of x with output gradient
// dy [N][OH][OW][CO]. scratch: 16*C*CO + HP*WP*C + 2*TH*2*TW*CO + 16*T*(C + CO) floats, with
// TH = ceil(OH/2), TW = ceil(OW/2), HP = 2*TH + 2, WP = 2*TW + 2.
EXPORT("conv2d_backprop_filter_winograd")
void conv2d_backprop_filter_winograd(const float *x, const float *dy, float *dw, float *scratch, int N, int H, int W,
                                     int C, int OH, int OW, int CO, int top, int left, int T) {
  const int TH = (OH + 1) / 2, TW = (OW + 1) / 2;
  const int HP = 2 * TH + 2, WP = 2 * TW + 2;
  float *dU = scratch;
  float *xp = dU + 16 * C * CO;
  float *dyp = xp + HP * WP * C;
  float *V = dyp + 4 * TH * TW * CO;
  float *DM = V + 16 * T * C;
  const int tiles = TH * TW;
  __builtin_memset(dU, 0, (unsigned)(16 * C * CO) * sizeof(float));
  for (int n = 0; n < N; n++) {
    pad_image(x + n * H * W * C, H, W, C, top, left, HP, WP, xp);
    pad_image(dy + n * OH * OW * CO, OH, OW, CO, 0, 0, 2 * TH, 2 * TW, dyp);
    for (int t0 = 0; t0 < tiles; t0 += T) {
      const int count = tiles - t0 < T ? tiles - t0 : T;
      input_transform(xp, WP, C, TW, t0, count, T, V);
      // dM[k][t] = (A dY A^T)[k] for the tile's 2x2 output gradient dY.
      for (int t = 0; t < count; t++) {
        const int th = (t0 + t) / TW, tw = (t0 + t) % TW;
        const float *e = dyp + ((2 * th) * (2 * TW) + 2 * tw) * CO;
        for (int co = 0; co < CO; co += 4) {
          v128_t e00 = wasm_v128_load(e + co), e01 = wasm_v128_load(e + CO + co);
          v128_t e10 = wasm_v128_load(e + 2 * TW * CO + co), e11 = wasm_v128_load(e + (2 * TW + 1) * CO + co);
          // r = A dY (rows 4 x cols 2), then dM = r A^T: row (a, b) -> (a, a + b, a - b, -b).
          v128_t r[4][2] = {{e00, e01}, {ADD(e00, e10), ADD(e01, e11)}, {SUB(e00, e10), SUB(e01, e11)}, {wasm_f32x4_neg(e10), wasm_f32x4_neg(e11)}};
          for (int i = 0; i < 4; i++) {
            float *o = DM + ((i * 4) * T + t) * CO + co;
            wasm_v128_store(o, r[i][0]);
            wasm_v128_store(o + T * CO, ADD(r[i][0], r[i][1]));
            wasm_v128_store(o + 2 * T * CO, SUB(r[i][0], r[i][1]));
            wasm_v128_store(o + 3 * T * CO, wasm_f32x4_neg(r[i][1]));
          }
        }
      }
      // dU[k] += V[k]^T . dM[k] over this chunk's tiles.
      for (int k = 0; k < 16; k++) {
        const float *vk = V + k * T * C, *mk = DM + k * T * CO;
        float *uk = dU + k * C * CO;
        for (int c = 0; c < C; c += 4) {
          for (int co = 0; co < CO; co += 8) {
            if (CO - co >= 8) wgrad_4x2(vk + c, mk + co, uk + c * CO + co, C, CO, count);
            else wgrad_4x1(vk + c, mk + co, uk + c * CO + co, C, CO, count);
          }
        }
      }
    }
  }
  // dW = G^T dU G per (c, co).
  const v128_t half = wasm_f32x4_splat(0.5f);
  for (int c = 0; c < C; c++) {
    for (int co = 0; co < CO; co += 4) {
      v128_t u[4][4], r[3][4];
      for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) u[i][j] = wasm_v128_load(dU + ((i * 4 + j) * C + c) * CO + co);
      for (int j = 0; j < 4; j++) {
        v128_t b = MUL(u[1][j], half), d = MUL(u[2][j], half);
        r[0][j] = ADD(ADD(u[0][j], b), d);
        r[1][j] = SUB(b, d);
        r[2][j] = ADD(ADD(b, d), u[3][j]);
      }
      for (int i = 0; i < 3; i++) {
        v128_t b = MUL(r[i][1], half), d = MUL(r[i][2], half);
        wasm_v128_store(dw + ((i * 3 + 0) * C + c) * CO + co, ADD(ADD(r[i][0], b), d));
        wasm_v128_store(dw + ((i * 3 + 1) * C + c) * CO + co, SUB(b, d));
        wasm_v128_store(dw + ((i * 3 + 2) * C + c) * CO + co, ADD(ADD(b, d), r[i][3]));
      }
    }
  }
}

// Elementwise float32 kernels: binary arithmetic with the broadcasts training produces, step
// and the ReLU gradient. Every output element is one IEEE float32 operation on its inputs, so results equal the
// cpu backend's bit for bit (it computes in float64 and rounds; for +, -, *, / a single float64
// operation rounded to float32 is the correctly rounded float32 result).
#include "common.h"

enum { OP_ADD = 0, OP_SUB = 1, OP_MUL = 2, OP_DIV = 3 };

static inline v128_t vop(int op, v128_t a, v128_t b) {
  switch (op) {
    case OP_ADD: return wasm_f32x4_add(a, b);
    case OP_SUB: return wasm_f32x4_sub(a, b);
    case OP_MUL: return wasm_f32x4_mul(a, b);
    default: return wasm_f32x4_div(a, b);
  }
}

static inline float sop(int op, float a, float b) {
  switch (op) {
    case OP_ADD: return a + b;
    case OP_SUB: return a - b;
    case OP_MUL: return a * b;
    default: return a / b;
  }
}

// out[i] = a[i] op b[i], i < n.
static void same(int op, const float *a, const float *b, float *out, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, vop(op, wasm_v128_load(a + i), wasm_v128_load(b + i)));
  for (; i < n; i++) out[i] = sop(op, a[i], b[i]);
}

// out[i] = a[i] op b[i % period] (aFirst) or b[i % period] op a[i], i < n, n a multiple of period.
static void periodic(int op, const float *a, const float *b, float *out, int n, int period, int aFirst) {
  if (period == 1) {
    const float s = b[0];
    const v128_t v = wasm_f32x4_splat(s);
    int i = 0;
    if (aFirst) {
      for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, vop(op, wasm_v128_load(a + i), v));
      for (; i < n; i++) out[i] = sop(op, a[i], s);
    } else {
      for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, vop(op, v, wasm_v128_load(a + i)));
      for (; i < n; i++) out[i] = sop(op, s, a[i]);
    }
    return;
  }
  if (period % 4 == 0) {
    for (int row = 0; row < n; row += period) {
      const float *ar = a + row;
      float *o = out + row;
      if (aFirst) {
        for (int c = 0; c < period; c += 4) wasm_v128_store(o + c, vop(op, wasm_v128_load(ar + c), wasm_v128_load(b + c)));
      } else {
        for (int c = 0; c < period; c += 4) wasm_v128_store(o + c, vop(op, wasm_v128_load(b + c), wasm_v128_load(ar + c)));
      }
    }
    return;
  }
  for (int row = 0; row < n; row += period) {
    for (int c = 0; c < period; c++) {
      out[row + c] = aFirst ? sop(op, a[row + c], b[c]) : sop(op, b[c], a[row + c]);
    }
  }
}

// op: 0 add, 1 sub, 2 mul, 3 div. period == 0: a and b both have n elements. Otherwise the
// operand marked by bRepeats (1: b, 0: a) has `period` elements that repeat along the other.
EXPORT("binary_f32")
void binary_f32(int op, const float *a, const float *b, float *out, int n, int period, int bRepeats) {
  if (period == 0) same(op, a, b, out, n);
  else if (bRepeats) periodic(op, a, b, out, n, period, 1);
  else periodic(op, b, a, out, n, period, 0);
}

// tfjs Step: 1 where x > 0, NaN where x is NaN, alpha elsewhere.
EXPORT("step_f32")
void step_f32(const float *x, float *out, int n, float alpha) {
  const v128_t one = wasm_f32x4_splat(1.0f);
  const v128_t al = wasm_f32x4_splat(alpha);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t v = wasm_v128_load(x + i);
    v128_t r = wasm_v128_bitselect(one, al, wasm_f32x4_gt(v, wasm_f32x4_splat(0.0f)));
    r = wasm_v128_bitselect(r, wasm_f32x4_splat(__builtin_nanf("")), wasm_f32x4_eq(v, v));
    wasm_v128_store(out + i, r);
  }
  for (; i < n; i++) {
    float v = x[i];
    out[i] = v > 0 ? 1.0f : (v != v ? __builtin_nanf("") : alpha);
  }
}

// ReLU gradient: dy where x > 0, else 0·dy (NaN where x or dy is NaN, as dy · step(x) gives).
EXPORT("relu_grad_f32")
void relu_grad_f32(const float *dy, const float *x, float *out, int n) {
  const v128_t one = wasm_f32x4_splat(1.0f);
  const v128_t zero = wasm_f32x4_splat(0.0f);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t v = wasm_v128_load(x + i);
    v128_t s = wasm_v128_bitselect(one, zero, wasm_f32x4_gt(v, zero));
    s = wasm_v128_bitselect(s, wasm_f32x4_splat(__builtin_nanf("")), wasm_f32x4_eq(v, v));
    wasm_v128_store(out + i, wasm_f32x4_mul(wasm_v128_load(dy + i), s));
  }
  for (; i < n; i++) {
    float v = x[i];
    out[i] = dy[i] * (v > 0 ? 1.0f : (v != v ? __builtin_nanf("") : 0.0f));
  }
}

// Copies `count` floats from each of `rows` rows (src rows srcStride floats apart) to dst rows
// dstStride floats apart, zero-filling dst columns [count, dstStride) when pad is set: the
// channel padding and cropping around kernels that work on channel counts rounded up to 4.
EXPORT("copy_rows_f32")
void copy_rows_f32(const float *src, int srcStride, float *dst, int dstStride, int rows, int count, int pad) {
  for (int r = 0; r < rows; r++) {
    const float *s = src + r * srcStride;
    float *d = dst + r * dstStride;
    int c = 0;
    for (; c < count; c++) d[c] = s[c];
    if (pad)
      for (; c < dstStride; c++) d[c] = 0.0f;
  }
}

// Square gradient: out = dy * (x * 2), the stock gradient's two multiplications in one pass
// (same operations in the same order, so the same bits).
EXPORT("square_grad_f32")
void square_grad_f32(const float *dy, const float *x, float *out, int n) {
  const v128_t two = wasm_f32x4_splat(2.0f);
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, wasm_f32x4_mul(wasm_v128_load(dy + i), wasm_f32x4_mul(wasm_v128_load(x + i), two)));
  for (; i < n; i++) out[i] = dy[i] * (x[i] * 2.0f);
}

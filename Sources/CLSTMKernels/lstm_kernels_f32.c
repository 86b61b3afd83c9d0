/*
 * The single-precision elementwise passes of the fused LSTM cell, in C for
 * one reason: run-time CPU dispatch, which Swift cannot express. The package
 * builds for baseline x86-64 (SSE2, no FMA) and Swift has no per-function
 * target attribute; here clang's `target_clones` compiles every exported
 * function for x86-64-v4 (AVX-512), x86-64-v3 (AVX2 + FMA) and the baseline,
 * and an ifunc resolver binds the best one when the program loads. The loops
 * are written plainly over `restrict` pointers so that clang vectorises each
 * clone at its own width (16, 8 or 4 floats).
 *
 * Every transcendental is FastMath.rationalTanh (FastMath.swift): tanh as
 * x·P(x²)/Q(x²) on x clamped to ±7.9988, absolute error below 4·10⁻⁷, and
 * σ(z) = ½ + ½·tanh(z/2). Results match the generic Swift kernels to a few
 * ulp (FMA contraction rounds differently); the Float-against-Double tests
 * bound the difference.
 *
 * The forward pass works on blocks of rows small enough to stay in L1
 * (BLOCK_ROWS × 5H floats), so its four short passes read each value from
 * cache, not memory.
 */
#include "CLSTMKernels.h"

#include <string.h>

#pragma clang fp contract(fast)

#if defined(__x86_64__) && defined(__ELF__) && defined(__clang__)
#define DISPATCH __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define DISPATCH
#endif

#define INLINE static inline __attribute__((always_inline))

/// Rows per block of the forward pass, the widest gate row whose column
/// constants live on the stack, and the stack block for tanh c′ (32 KiB).
enum { BLOCK_ROWS = 32, MAX_GATE_WIDTH = 1024, TANH_BLOCK = 8192 };

/// FastMath.rationalTanh: the odd/even minimax pair used by Eigen and
/// TensorFlow, branch-free so that it vectorises.
INLINE float rational_tanh(float a) {
  const float limit = 7.99881172f;
  float x = a < -limit ? -limit : (a > limit ? limit : a);
  float x2 = x * x;
  float p = -2.76076847742355e-16f;
  p = p * x2 + 2.00018790482477e-13f;
  p = p * x2 - 8.60467152213735e-11f;
  p = p * x2 + 5.12229709037114e-08f;
  p = p * x2 + 1.48572235717979e-05f;
  p = p * x2 + 6.37261928875436e-04f;
  p = p * x2 + 4.89352455891786e-03f;
  float q = 1.19825839466702e-06f;
  q = q * x2 + 1.18534705686654e-04f;
  q = q * x2 + 2.26843463243900e-03f;
  q = q * x2 + 4.89352518554385e-03f;
  return x * p / q;
}

// Asks the CPU what the ifunc resolvers of `target_clones` ask it (the
// preprocessor cannot tell: it sees the baseline target in every clone).
const char *lstm_kernel_path(void) {
#if defined(__x86_64__) && defined(__ELF__) && defined(__clang__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("x86-64-v4")) return "AVX-512";
  if (__builtin_cpu_supports("x86-64-v3")) return "AVX2+FMA";
#endif
  return "baseline";
}

DISPATCH void lstm_forward_f32(
    ptrdiff_t rows, ptrdiff_t hidden_size, float *gates, const float *previous_cell, float *cell,
    float *hidden, float *cell_tanh) {
  const ptrdiff_t h = hidden_size;
  const ptrdiff_t width = 4 * h;
  // act = α + β·tanh(s·z) per column: σ for i, f, o (α = β = s = ½), tanh
  // for g (α = 0, β = s = 1), so one loop covers the whole 4H-wide row.
  float alpha[MAX_GATE_WIDTH], beta[MAX_GATE_WIDTH], scale[MAX_GATE_WIDTH];
  const ptrdiff_t columns = width < MAX_GATE_WIDTH ? width : MAX_GATE_WIDTH;
  for (ptrdiff_t j = 0; j < columns; j++) {
    const int candidate = j >= 2 * h && j < 3 * h;
    alpha[j] = candidate ? 0.0f : 0.5f;
    beta[j] = candidate ? 1.0f : 0.5f;
    scale[j] = candidate ? 1.0f : 0.5f;
  }
  float tanh_block[TANH_BLOCK];
  ptrdiff_t block_rows = TANH_BLOCK / (h > 0 ? h : 1);
  if (block_rows > BLOCK_ROWS) block_rows = BLOCK_ROWS;
  if (block_rows < 1) block_rows = 1;
  for (ptrdiff_t first = 0; first < rows; first += block_rows) {
    const ptrdiff_t count = rows - first < block_rows ? rows - first : block_rows;
    for (ptrdiff_t r = first; r < first + count; r++) {
      float *restrict z = gates + r * width;
      if (width <= MAX_GATE_WIDTH) {
        for (ptrdiff_t j = 0; j < width; j++) z[j] = alpha[j] + beta[j] * rational_tanh(scale[j] * z[j]);
      } else {
        for (ptrdiff_t j = 0; j < width; j++) {
          const int candidate = j >= 2 * h && j < 3 * h;
          z[j] = candidate ? rational_tanh(z[j]) : 0.5f + 0.5f * rational_tanh(0.5f * z[j]);
        }
      }
    }
    // c′ = f⊙c + i⊙g. In place (c′ = c, the race's case) the loop reads and
    // writes one restrict pointer; otherwise the two are distinct. Either
    // way it vectorises without a run-time overlap check (which an in-place
    // call would fail, falling back to scalar code).
    for (ptrdiff_t r = first; r < first + count; r++) {
      const float *restrict i = gates + r * width;
      const float *restrict f = i + h;
      const float *restrict g = i + 2 * h;
      if (cell == previous_cell) {
        float *restrict c = cell + r * h;
        for (ptrdiff_t j = 0; j < h; j++) c[j] = f[j] * c[j] + i[j] * g[j];
      } else {
        const float *restrict c = previous_cell + r * h;
        float *restrict c_new = cell + r * h;
        for (ptrdiff_t j = 0; j < h; j++) c_new[j] = f[j] * c[j] + i[j] * g[j];
      }
    }
    float *restrict t = cell_tanh != NULL ? cell_tanh + first * h : tanh_block;
    if (h > TANH_BLOCK && cell_tanh == NULL) {
      // Very wide cells: no stack block; tanh straight into h′.
      t = hidden + first * h;
    }
    const float *restrict c_block = cell + first * h;
    for (ptrdiff_t k = 0; k < count * h; k++) t[k] = rational_tanh(c_block[k]);
    for (ptrdiff_t r = 0; r < count; r++) {
      const float *restrict o = gates + (first + r) * width + 3 * h;
      float *restrict h_new = hidden + (first + r) * h;
      if (t == hidden + first * h) {
        for (ptrdiff_t j = 0; j < h; j++) h_new[j] *= o[j];
      } else {
        const float *restrict tr = t + r * h;
        for (ptrdiff_t j = 0; j < h; j++) h_new[j] = o[j] * tr[j];
      }
    }
  }
}

/// One row block of the backward pass; the flags are constants at every
/// call site, so each combination compiles to its own branch-free loop.
INLINE void backward_rows(
    ptrdiff_t rows, ptrdiff_t h, const float *restrict gates, const float *restrict previous_cell,
    const float *restrict cell_tanh, const float *restrict hidden_adjoint, const float *restrict cell_adjoint,
    float *restrict gate_adjoint, float *restrict previous_cell_adjoint, const bool has_dh, const bool has_dc,
    const bool has_dc_prev) {
  for (ptrdiff_t r = 0; r < rows; r++) {
    const float *restrict i = gates + r * 4 * h;
    const float *restrict f = i + h;
    const float *restrict g = i + 2 * h;
    const float *restrict o = i + 3 * h;
    float *restrict di = gate_adjoint + r * 4 * h;
    float *restrict df = di + h;
    float *restrict dg = di + 2 * h;
    float *restrict d_o = di + 3 * h;
    const float *restrict tc = cell_tanh + r * h;
    const float *restrict c = previous_cell + r * h;
    const float *restrict dh = hidden_adjoint + (has_dh ? r * h : 0);
    const float *restrict dc = cell_adjoint + (has_dc ? r * h : 0);
    float *restrict dc_prev = previous_cell_adjoint + (has_dc_prev ? r * h : 0);
    for (ptrdiff_t j = 0; j < h; j++) {
      const float vdh = has_dh ? dh[j] : 0.0f;
      const float t = tc[j];
      const float delta = (has_dc ? dc[j] : 0.0f) + vdh * o[j] * (1.0f - t * t);
      di[j] = delta * g[j] * i[j] * (1.0f - i[j]);
      df[j] = delta * c[j] * f[j] * (1.0f - f[j]);
      dg[j] = delta * i[j] * (1.0f - g[j] * g[j]);
      d_o[j] = vdh * t * o[j] * (1.0f - o[j]);
      if (has_dc_prev) dc_prev[j] += delta * f[j];
    }
  }
}

DISPATCH void lstm_backward_f32(
    ptrdiff_t rows, ptrdiff_t hidden_size, const float *gates, const float *previous_cell,
    const float *cell_tanh, const float *hidden_adjoint, const float *cell_adjoint, float *gate_adjoint,
    float *previous_cell_adjoint) {
  const ptrdiff_t h = hidden_size;
  const bool has_dh = hidden_adjoint != NULL, has_dc = cell_adjoint != NULL;
  if (!has_dh && !has_dc) {
    memset(gate_adjoint, 0, (size_t)(rows * 4 * h) * sizeof(float));
    return;
  }
  // Absent adjoints are never read; any valid pointer stands in for them.
  const float *dh = has_dh ? hidden_adjoint : gates;
  const float *dc = has_dc ? cell_adjoint : gates;
#define BACKWARD(A, B, C)                                                                          \
  backward_rows(rows, h, gates, previous_cell, cell_tanh, dh, dc, gate_adjoint,                     \
                C ? previous_cell_adjoint : gate_adjoint, A, B, C)
  if (previous_cell_adjoint != NULL) {
    if (has_dh && has_dc) BACKWARD(true, true, true);
    else if (has_dh) BACKWARD(true, false, true);
    else BACKWARD(false, true, true);
  } else {
    if (has_dh && has_dc) BACKWARD(true, true, false);
    else if (has_dh) BACKWARD(true, false, false);
    else BACKWARD(false, true, false);
  }
#undef BACKWARD
}

DISPATCH void lstm_add_column_sums_f32(ptrdiff_t rows, ptrdiff_t columns, const float *restrict x, float *restrict y) {
  enum { CHUNK = 256 };
  for (ptrdiff_t start = 0; start < columns; start += CHUNK) {
    const ptrdiff_t n = columns - start < CHUNK ? columns - start : CHUNK;
    float sums[CHUNK];
    for (ptrdiff_t j = 0; j < n; j++) sums[j] = 0.0f;
    for (ptrdiff_t r = 0; r < rows; r++) {
      const float *restrict row = x + r * columns + start;
      for (ptrdiff_t j = 0; j < n; j++) sums[j] += row[j];
    }
    for (ptrdiff_t j = 0; j < n; j++) y[start + j] += sums[j];
  }
}

// MARK: Pre-activations without a GEMM

/// Eight floats, one AVX register in the v3/v4 clones and two SSE registers
/// in the baseline one; aligned(4), so a pointer to one may point anywhere in
/// a float array. Loads, stores and splats are macros, not functions: a
/// function passing this type by value would change the ABI between clones.
typedef float v8f __attribute__((vector_size(32), aligned(4)));
#define LOAD8(p) (*(const v8f *)(p))
#define STORE8(v, p) (*(v8f *)(p) = (v))
#define SPLAT8(x) ((v8f){(x), (x), (x), (x), (x), (x), (x), (x)})

/// a0, a1 (V vectors each) += u0·W, u1·W for two rows u0, u1 of `depth`
/// values and W depth × width (columns c0 ..< c0 + 8·V): each W row loaded
/// once for both rows.
#define ACCUMULATE_ROWS(V, u0, u1, weights, depth)                                                  \
  for (ptrdiff_t k = 0; k < (depth); k++) {                                                         \
    const v8f s0 = SPLAT8((u0)[k]), s1 = SPLAT8((u1)[k]);                                           \
    const float *w = (weights) + k * width + c0;                                                    \
    for (int v = 0; v < V; v++) {                                                                   \
      const v8f wv = LOAD8(w + 8 * v);                                                              \
      a0[v] += s0 * wv;                                                                             \
      a1[v] += s1 * wv;                                                                             \
    }                                                                                               \
  }

/// z[r, c0 ..< c0 + 8·V] = b + x[r]·W_x + h[r]·W_h for two rows r0, r1 at
/// once (each W row loaded once for both), V ≤ 4 vectors of eight columns
/// held in registers across the whole sum.
#define PREACTIVATION_CHUNK(V)                                                                      \
  do {                                                                                              \
    v8f a0[V], a1[V];                                                                               \
    for (int v = 0; v < V; v++) a0[v] = a1[v] = LOAD8(bias + c0 + 8 * v);                           \
    ACCUMULATE_ROWS(V, x0, x1, input_weights, input_size);                                          \
    ACCUMULATE_ROWS(V, h0, h1, hidden_weights, hidden_size);                                        \
    for (int v = 0; v < V; v++) {                                                                   \
      STORE8(a0[v], z0 + c0 + 8 * v);                                                               \
      STORE8(a1[v], z1 + c0 + 8 * v);                                                               \
    }                                                                                               \
  } while (0)

DISPATCH void lstm_preactivations_f32(
    ptrdiff_t rows, ptrdiff_t input_size, ptrdiff_t hidden_size, const float *input, const float *hidden,
    const float *input_weights, const float *hidden_weights, const float *bias, float *gates) {
  const ptrdiff_t width = 4 * hidden_size;
  for (ptrdiff_t r = 0; r < rows; r += 2) {
    // An odd last row is paired with itself (computed twice, stored once
    // per pointer: both stores write the same values).
    const ptrdiff_t r1 = r + 1 < rows ? r + 1 : r;
    const float *x0 = input + r * input_size, *x1 = input + r1 * input_size;
    const float *h0 = hidden + r * hidden_size, *h1 = hidden + r1 * hidden_size;
    float *z0 = gates + r * width, *z1 = gates + r1 * width;
    ptrdiff_t c0 = 0;
    for (; c0 + 32 <= width; c0 += 32) PREACTIVATION_CHUNK(4);
    switch ((width - c0) / 8) {
      case 3: PREACTIVATION_CHUNK(3); break;
      case 2: PREACTIVATION_CHUNK(2); break;
      case 1: PREACTIVATION_CHUNK(1); break;
      default: break;
    }
  }
}
#undef PREACTIVATION_CHUNK
#undef ACCUMULATE_ROWS


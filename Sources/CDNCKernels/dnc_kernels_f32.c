/*
 * The single-precision DNC kernels that dominate a DNC meta-iteration (the
 * small batched products, content addressing and the fused read weights,
 * forward and backward), written in C for one reason: run-time CPU
 * dispatch, which Swift cannot express. The package builds for baseline
 * x86-64 (SSE2, no FMA) and Swift has no per-function target attribute.
 * Here clang's `target_clones` compiles every exported function three times
 * (x86-64-v4, x86-64-v3 and the baseline) and an ifunc resolver binds the
 * best one when the program loads. The eight-float vector type `v8f` is one
 * AVX register in the v3/v4 clones and a pair of SSE registers in the
 * baseline one; the static helpers are always inlined, so each clone gets
 * them compiled with its own features.
 *
 * `fp contract(fast)` lets a·b + c become one fused multiply-add, and dot
 * products are summed lane-wise, so results round differently from the
 * generic Swift loops (the Float-against-Double tests bound the difference).
 *
 * Shapes, maths and derivations: DNCKernels.swift and Tape+DNC.swift. Every
 * kernel works one memory (index b) at a time so that its blocks stay in L1,
 * with scratch on the stack.
 */
#include "CDNCKernels.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma clang fp contract(fast)
// The helpers pass eight-float vectors by value between functions compiled
// for the baseline target, which clang warns changes the ABI with AVX; they
// are all inlined, so no such call is ever made.
#pragma clang diagnostic ignored "-Wpsabi"

#if defined(__x86_64__) && defined(__ELF__) && defined(__clang__)
#define DISPATCH __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define DISPATCH
#endif

#define INLINE static inline __attribute__((always_inline))

typedef float v8f __attribute__((vector_size(32), aligned(4)));
typedef float v4f __attribute__((vector_size(16), aligned(4)));
typedef int32_t v8i __attribute__((vector_size(32), aligned(4)));

// MARK: Scratch

/// Scratch up to this many floats (16 KiB) lives in a stack array; more
/// (never at the DNC's sizes) comes from the heap.
enum { STACK_FLOATS = 4096 };

static float *acquire_scratch(ptrdiff_t count, float *stack) {
  if (count <= STACK_FLOATS) return stack;
  float *heap = malloc((size_t)count * sizeof(float));
  if (heap == NULL) {
    fprintf(stderr, "CDNCKernels: cannot allocate %td floats of scratch; free some memory and retry\n", count);
    abort();
  }
  return heap;
}

static void release_scratch(float *scratch, float *stack) {
  if (scratch != stack) free(scratch);
}

// MARK: Eight-lane primitives

INLINE v8f load8(const float *p) {
  v8f v;
  memcpy(&v, p, sizeof v);
  return v;
}

INLINE void store8(v8f v, float *p) { memcpy(p, &v, sizeof v); }

INLINE v8f splat8(float x) { return (v8f){x, x, x, x, x, x, x, x}; }

/// v₀ + … + v₇ as a tree: halves, then pairs.
INLINE float sum8(v8f v) {
  v4f half = __builtin_shufflevector(v, v, 0, 1, 2, 3) + __builtin_shufflevector(v, v, 4, 5, 6, 7);
  return (half[0] + half[2]) + (half[1] + half[3]);
}

INLINE float max8(v8f v) {
  v4f half = __builtin_elementwise_max(
      __builtin_shufflevector(v, v, 0, 1, 2, 3), __builtin_shufflevector(v, v, 4, 5, 6, 7));
  return fmaxf(fmaxf(half[0], half[2]), fmaxf(half[1], half[3]));
}

/// Σ_j x_j y_j over n elements: eight partial sums, then one horizontal sum.
INLINE float dot(ptrdiff_t n, const float *x, const float *y) {
  v8f lanes = splat8(0);
  ptrdiff_t j = 0;
  for (; j + 8 <= n; j += 8) lanes += load8(x + j) * load8(y + j);
  float total = sum8(lanes);
  for (; j < n; j++) total += x[j] * y[j];
  return total;
}

/// The eight lane-wise partial sums of Σ_j x_j y_j (the scalar tail added
/// to lane 0), for sum8x8 to reduce eight of them at once.
INLINE v8f dot_lanes(ptrdiff_t n, const float *x, const float *y) {
  v8f lanes = splat8(0);
  ptrdiff_t j = 0;
  for (; j + 8 <= n; j += 8) lanes += load8(x + j) * load8(y + j);
  float tail = 0;
  for (; j < n; j++) tail += x[j] * y[j];
  lanes[0] += tail;
  return lanes;
}

/// Lane j of the result is v[j]₀ + … + v[j]₇: eight horizontal sums as
/// three rounds of pairwise adds (the pattern of AVX's hadd), so many short
/// dot products cost a few vector operations each instead of a dependent
/// chain of shuffles and scalar adds apiece.
INLINE v8f sum8x8(const v8f v[8]) {
#define PAIRWISE(a, b) \
  (__builtin_shufflevector(a, b, 0, 2, 8, 10, 4, 6, 12, 14) + __builtin_shufflevector(a, b, 1, 3, 9, 11, 5, 7, 13, 15))
  v8f t0 = PAIRWISE(v[0], v[1]), t1 = PAIRWISE(v[2], v[3]), t2 = PAIRWISE(v[4], v[5]), t3 = PAIRWISE(v[6], v[7]);
  v8f u0 = PAIRWISE(t0, t1), u1 = PAIRWISE(t2, t3);
#undef PAIRWISE
  return __builtin_shufflevector(u0, u1, 0, 1, 2, 3, 8, 9, 10, 11) +
         __builtin_shufflevector(u0, u1, 4, 5, 6, 7, 12, 13, 14, 15);
}

/// y[0..<n] += α·x[0..<n].
INLINE void axpy(ptrdiff_t n, float alpha, const float *x, float *y) {
  v8f a = splat8(alpha);
  ptrdiff_t j = 0;
  for (; j + 8 <= n; j += 8) store8(load8(y + j) + a * load8(x + j), y + j);
  for (; j < n; j++) y[j] += alpha * x[j];
}

/// y[0..<n] += α·x[0..<n] + β·z[0..<n].
INLINE void axpby(ptrdiff_t n, float alpha, const float *x, float beta, const float *z, float *y) {
  v8f a = splat8(alpha), b = splat8(beta);
  ptrdiff_t j = 0;
  for (; j + 8 <= n; j += 8) store8(load8(y + j) + a * load8(x + j) + b * load8(z + j), y + j);
  for (; j < n; j++) y[j] += alpha * x[j] + beta * z[j];
}

/// y[0..<n] = α·x[0..<n].
INLINE void scale(ptrdiff_t n, float alpha, const float *x, float *y) {
  v8f a = splat8(alpha);
  ptrdiff_t j = 0;
  for (; j + 8 <= n; j += 8) store8(a * load8(x + j), y + j);
  for (; j < n; j++) y[j] = alpha * x[j];
}

/// dst[j·dst_stride + i] = src[i·src_stride + j] for a rows×cols block:
/// 8×8 tiles through registers (unpack, pair and half swaps: 24 shuffles
/// for 64 floats), the ragged edges element by element.
///
/// Why not the plain double loop: in the x86-64-v4 clone clang vectorises
/// its inner loop into AVX-512 scatters (or gathers with the loops
/// swapped), one element per lane through memory, which made the DNC's
/// per-memory transposes (the links for w·Lᵀ, the memory for content
/// addressing) a visible share of the fused read. Pure data movement: every
/// result is bit-for-bit the same.
INLINE void transpose_block(
    ptrdiff_t rows, ptrdiff_t cols, const float *src, ptrdiff_t src_stride, float *dst, ptrdiff_t dst_stride) {
  ptrdiff_t i0 = 0;
  for (; i0 + 8 <= rows; i0 += 8) {
    ptrdiff_t j0 = 0;
    for (; j0 + 8 <= cols; j0 += 8) {
      const float *s = src + i0 * src_stride + j0;
      v8f r0 = load8(s), r1 = load8(s + src_stride), r2 = load8(s + 2 * src_stride), r3 = load8(s + 3 * src_stride);
      v8f r4 = load8(s + 4 * src_stride), r5 = load8(s + 5 * src_stride), r6 = load8(s + 6 * src_stride);
      v8f r7 = load8(s + 7 * src_stride);
      v8f t0 = __builtin_shufflevector(r0, r1, 0, 8, 1, 9, 4, 12, 5, 13);
      v8f t1 = __builtin_shufflevector(r0, r1, 2, 10, 3, 11, 6, 14, 7, 15);
      v8f t2 = __builtin_shufflevector(r2, r3, 0, 8, 1, 9, 4, 12, 5, 13);
      v8f t3 = __builtin_shufflevector(r2, r3, 2, 10, 3, 11, 6, 14, 7, 15);
      v8f t4 = __builtin_shufflevector(r4, r5, 0, 8, 1, 9, 4, 12, 5, 13);
      v8f t5 = __builtin_shufflevector(r4, r5, 2, 10, 3, 11, 6, 14, 7, 15);
      v8f t6 = __builtin_shufflevector(r6, r7, 0, 8, 1, 9, 4, 12, 5, 13);
      v8f t7 = __builtin_shufflevector(r6, r7, 2, 10, 3, 11, 6, 14, 7, 15);
      v8f u0 = __builtin_shufflevector(t0, t2, 0, 1, 8, 9, 4, 5, 12, 13);
      v8f u1 = __builtin_shufflevector(t0, t2, 2, 3, 10, 11, 6, 7, 14, 15);
      v8f u2 = __builtin_shufflevector(t1, t3, 0, 1, 8, 9, 4, 5, 12, 13);
      v8f u3 = __builtin_shufflevector(t1, t3, 2, 3, 10, 11, 6, 7, 14, 15);
      v8f u4 = __builtin_shufflevector(t4, t6, 0, 1, 8, 9, 4, 5, 12, 13);
      v8f u5 = __builtin_shufflevector(t4, t6, 2, 3, 10, 11, 6, 7, 14, 15);
      v8f u6 = __builtin_shufflevector(t5, t7, 0, 1, 8, 9, 4, 5, 12, 13);
      v8f u7 = __builtin_shufflevector(t5, t7, 2, 3, 10, 11, 6, 7, 14, 15);
      float *d = dst + j0 * dst_stride + i0;
      store8(__builtin_shufflevector(u0, u4, 0, 1, 2, 3, 8, 9, 10, 11), d);
      store8(__builtin_shufflevector(u1, u5, 0, 1, 2, 3, 8, 9, 10, 11), d + dst_stride);
      store8(__builtin_shufflevector(u2, u6, 0, 1, 2, 3, 8, 9, 10, 11), d + 2 * dst_stride);
      store8(__builtin_shufflevector(u3, u7, 0, 1, 2, 3, 8, 9, 10, 11), d + 3 * dst_stride);
      store8(__builtin_shufflevector(u0, u4, 4, 5, 6, 7, 12, 13, 14, 15), d + 4 * dst_stride);
      store8(__builtin_shufflevector(u1, u5, 4, 5, 6, 7, 12, 13, 14, 15), d + 5 * dst_stride);
      store8(__builtin_shufflevector(u2, u6, 4, 5, 6, 7, 12, 13, 14, 15), d + 6 * dst_stride);
      store8(__builtin_shufflevector(u3, u7, 4, 5, 6, 7, 12, 13, 14, 15), d + 7 * dst_stride);
    }
#pragma clang loop vectorize(disable)
    for (ptrdiff_t j = j0; j < cols; j++)
      for (ptrdiff_t i = i0; i < i0 + 8; i++) dst[j * dst_stride + i] = src[i * src_stride + j];
  }
#pragma clang loop vectorize(disable)
  for (ptrdiff_t i = i0; i < rows; i++)
    for (ptrdiff_t j = 0; j < cols; j++) dst[j * dst_stride + i] = src[i * src_stride + j];
}

/// t = Lᵀ for one n×n block (row j of t is column j of L).
INLINE void transpose(ptrdiff_t n, const float *l, float *t) { transpose_block(n, n, l, n, t, n); }

// MARK: Exponential

/// FastMath.exp (FastMath.swift) for one float: Cephes' polynomial after a
/// Cody–Waite reduction x = n·ln2 + r, |r| ≤ ln2/2; eˣ = eʳ·2ⁿ⁻¹·2 with 2ⁿ⁻¹
/// assembled in the exponent field. x is clamped to [−87.5, 89], so n stays
/// in [−126, 128]: large x overflows to +∞, very negative x gives +0.
INLINE float exp1(float x) {
  const float magic = 12582912.0f;  // 1.5·2²³: adding it rounds to an integer
  float clamped = fminf(fmaxf(x, -87.5f), 89.0f);
  float shifted = clamped * 1.44269504f + magic;
  float n = shifted - magic;
  float r = clamped - n * 0.693359375f + n * 2.1219444e-4f;
  float p = 1.98756915e-4f;
  p = p * r + 1.39819995e-3f;
  p = p * r + 8.3334519e-3f;
  p = p * r + 4.16657959e-2f;
  p = p * r + 1.66666655e-1f;
  p = p * r + 5.00000012e-1f;
  float er = p * (r * r) + r + 1.0f;
  uint32_t shiftedBits, magicBits;
  memcpy(&shiftedBits, &shifted, sizeof shiftedBits);
  memcpy(&magicBits, &magic, sizeof magicBits);
  uint32_t scaleBits = (uint32_t)((int32_t)(shiftedBits - magicBits) + 126) << 23;
  float halfScale;
  memcpy(&halfScale, &scaleBits, sizeof halfScale);
  return er * halfScale * 2.0f;
}

/// exp1 on eight lanes (the integer n read from the bit pattern lane-wise).
INLINE v8f exp8(v8f x) {
  const v8f magic = splat8(12582912.0f);
  v8f clamped = __builtin_elementwise_min(__builtin_elementwise_max(x, splat8(-87.5f)), splat8(89.0f));
  v8f shifted = clamped * 1.44269504f + magic;
  v8f n = shifted - magic;
  v8f r = clamped - n * 0.693359375f + n * 2.1219444e-4f;
  v8f p = splat8(1.98756915e-4f);
  p = p * r + 1.39819995e-3f;
  p = p * r + 8.3334519e-3f;
  p = p * r + 4.16657959e-2f;
  p = p * r + 1.66666655e-1f;
  p = p * r + 5.00000012e-1f;
  v8f er = p * (r * r) + r + 1.0f;
  v8i exponent = ((v8i)shifted - (v8i)magic + 126) << 23;
  return er * (v8f)exponent * 2.0f;
}

// MARK: Row accumulations

/// c[0..<n] += Σ_p a[p·stride]·b[p·n ..< p·n + n]: one row of A (read with
/// a stride, so a column of a stacked or transposed A works too) times a
/// k×n matrix. The row of C stays in registers across the k updates,
/// sixteen then eight columns at a time, then a scalar tail.
INLINE void accumulate_row(ptrdiff_t k, ptrdiff_t n, const float *a, ptrdiff_t stride, const float *b, float *c) {
  ptrdiff_t j = 0;
  for (; j + 16 <= n; j += 16) {
    v8f low = load8(c + j), high = load8(c + j + 8);
    for (ptrdiff_t p = 0; p < k; p++) {
      v8f x = splat8(a[p * stride]);
      const float *row = b + p * n + j;
      low += x * load8(row);
      high += x * load8(row + 8);
    }
    store8(low, c + j);
    store8(high, c + j + 8);
  }
  if (j + 8 <= n) {
    v8f lanes = load8(c + j);
    for (ptrdiff_t p = 0; p < k; p++) lanes += splat8(a[p * stride]) * load8(b + p * n + j);
    store8(lanes, c + j);
    j += 8;
  }
  for (; j < n; j++) {
    float total = c[j];
    for (ptrdiff_t p = 0; p < k; p++) total += a[p * stride] * b[p * n + j];
    c[j] = total;
  }
}

/// accumulate_row for two rows of A at once: c0 += a0·B and c1 += a1·B.
/// One row's sums are only one or two dependency chains of multiply-adds,
/// so the loop would wait on their latency; two rows double the independent
/// chains and share every load of B.
INLINE void accumulate_row_pair(
    ptrdiff_t k, ptrdiff_t n, const float *a0, const float *a1, ptrdiff_t stride, const float *b, float *c0,
    float *c1) {
  ptrdiff_t j = 0;
  for (; j + 16 <= n; j += 16) {
    v8f low0 = load8(c0 + j), high0 = load8(c0 + j + 8);
    v8f low1 = load8(c1 + j), high1 = load8(c1 + j + 8);
    for (ptrdiff_t p = 0; p < k; p++) {
      v8f x0 = splat8(a0[p * stride]), x1 = splat8(a1[p * stride]);
      const float *row = b + p * n + j;
      v8f bLow = load8(row), bHigh = load8(row + 8);
      low0 += x0 * bLow;
      high0 += x0 * bHigh;
      low1 += x1 * bLow;
      high1 += x1 * bHigh;
    }
    store8(low0, c0 + j);
    store8(high0, c0 + j + 8);
    store8(low1, c1 + j);
    store8(high1, c1 + j + 8);
  }
  if (j + 8 <= n) {
    v8f lanes0 = load8(c0 + j), lanes1 = load8(c1 + j);
    for (ptrdiff_t p = 0; p < k; p++) {
      v8f row = load8(b + p * n + j);
      lanes0 += splat8(a0[p * stride]) * row;
      lanes1 += splat8(a1[p * stride]) * row;
    }
    store8(lanes0, c0 + j);
    store8(lanes1, c1 + j);
    j += 8;
  }
  for (; j < n; j++) {
    float total0 = c0[j], total1 = c1[j];
    for (ptrdiff_t p = 0; p < k; p++) {
      float x = b[p * n + j];
      total0 += a0[p * stride] * x;
      total1 += a1[p * stride] * x;
    }
    c0[j] = total0;
    c1[j] = total1;
  }
}

/// accumulate_row for four rows of A at once. Why four: a multiply-add
/// has a latency of four cycles and two issue each cycle, so a loop needs
/// eight independent sums in flight to keep both units busy. A pair of
/// rows over sixteen columns has four (half the peak); four rows have
/// eight, and share each load of B four ways. Each sum still adds its
/// terms in the order p = 0, 1, …, so results are bit-for-bit those of
/// accumulate_row.
INLINE void accumulate_row_quad(
    ptrdiff_t k, ptrdiff_t n, const float *a, ptrdiff_t row_step, ptrdiff_t stride, const float *b, float *c) {
  const float *a0 = a, *a1 = a + row_step, *a2 = a + 2 * row_step, *a3 = a + 3 * row_step;
  float *c0 = c, *c1 = c + n, *c2 = c + 2 * n, *c3 = c + 3 * n;
  ptrdiff_t j = 0;
  for (; j + 16 <= n; j += 16) {
    v8f low0 = load8(c0 + j), high0 = load8(c0 + j + 8), low1 = load8(c1 + j), high1 = load8(c1 + j + 8);
    v8f low2 = load8(c2 + j), high2 = load8(c2 + j + 8), low3 = load8(c3 + j), high3 = load8(c3 + j + 8);
    for (ptrdiff_t p = 0; p < k; p++) {
      const float *row = b + p * n + j;
      v8f bLow = load8(row), bHigh = load8(row + 8);
      v8f x0 = splat8(a0[p * stride]), x1 = splat8(a1[p * stride]);
      v8f x2 = splat8(a2[p * stride]), x3 = splat8(a3[p * stride]);
      low0 += x0 * bLow;
      high0 += x0 * bHigh;
      low1 += x1 * bLow;
      high1 += x1 * bHigh;
      low2 += x2 * bLow;
      high2 += x2 * bHigh;
      low3 += x3 * bLow;
      high3 += x3 * bHigh;
    }
    store8(low0, c0 + j);
    store8(high0, c0 + j + 8);
    store8(low1, c1 + j);
    store8(high1, c1 + j + 8);
    store8(low2, c2 + j);
    store8(high2, c2 + j + 8);
    store8(low3, c3 + j);
    store8(high3, c3 + j + 8);
  }
  if (j + 8 <= n) {
    v8f lanes0 = load8(c0 + j), lanes1 = load8(c1 + j), lanes2 = load8(c2 + j), lanes3 = load8(c3 + j);
    for (ptrdiff_t p = 0; p < k; p++) {
      v8f row = load8(b + p * n + j);
      lanes0 += splat8(a0[p * stride]) * row;
      lanes1 += splat8(a1[p * stride]) * row;
      lanes2 += splat8(a2[p * stride]) * row;
      lanes3 += splat8(a3[p * stride]) * row;
    }
    store8(lanes0, c0 + j);
    store8(lanes1, c1 + j);
    store8(lanes2, c2 + j);
    store8(lanes3, c3 + j);
    j += 8;
  }
  for (; j < n; j++) {
    float total0 = c0[j], total1 = c1[j], total2 = c2[j], total3 = c3[j];
    for (ptrdiff_t p = 0; p < k; p++) {
      float x = b[p * n + j];
      total0 += a0[p * stride] * x;
      total1 += a1[p * stride] * x;
      total2 += a2[p * stride] * x;
      total3 += a3[p * stride] * x;
    }
    c0[j] = total0;
    c1[j] = total1;
    c2[j] = total2;
    c3[j] = total3;
  }
}

/// C[i·n ..< i·n + n] += A_i·B for the m rows i of A (row i starts at
/// a + i·row_step and steps by `stride`), four rows at a time, then two.
INLINE void accumulate_rows(
    ptrdiff_t m, ptrdiff_t k, ptrdiff_t n, const float *a, ptrdiff_t row_step, ptrdiff_t stride, const float *b,
    float *c) {
  ptrdiff_t i = 0;
  for (; i + 4 <= m; i += 4) accumulate_row_quad(k, n, a + i * row_step, row_step, stride, b, c + i * n);
  for (; i + 2 <= m; i += 2)
    accumulate_row_pair(k, n, a + i * row_step, a + (i + 1) * row_step, stride, b, c + i * n, c + (i + 1) * n);
  if (i < m) accumulate_row(k, n, a + i * row_step, stride, b, c + i * n);
}

// MARK: Products

/// Every row of C is a register-resident sum of scaled rows of B. A
/// transposed B is first transposed back into a k×n scratch, which costs
/// n·k moves against m·n·k multiply-adds.
INLINE void batched_matmul(
    ptrdiff_t batch, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, bool transpose_a, const float *b,
    bool transpose_b, float *c, bool accumulate) {
  float stack[STACK_FLOATS];
  float *transposed = transpose_b ? acquire_scratch(n * k, stack) : stack;
  // Rows of op(A): row i starts at aa + i (a column, stride m) when A is
  // transposed, else at aa + i·k (stride 1).
  ptrdiff_t row_step = transpose_a ? 1 : k, stride = transpose_a ? m : 1;
  for (ptrdiff_t index = 0; index < batch; index++) {
    const float *aa = a + index * m * k, *bb = b + index * k * n;
    float *cc = c + index * m * n;
    if (!accumulate) memset(cc, 0, (size_t)(m * n) * sizeof(float));
    if (transpose_b) {
      // B_b is n×k; its transpose k×n goes to the scratch.
      for (ptrdiff_t j = 0; j < n; j++)
        for (ptrdiff_t p = 0; p < k; p++) transposed[p * n + j] = bb[j * k + p];
      bb = transposed;
    }
    accumulate_rows(m, k, n, aa, row_step, stride, bb, cc);
  }
  if (transpose_b) release_scratch(transposed, stack);
}

// MARK: Content addressing

/// Per memory the rows are transposed into a W×N scratch, so the N
/// similarities of a key are W row updates of N lanes (two keys at a time)
/// instead of N short dot products; then per key the cosines, β·cos and
/// the softmax on eight slots at a time.
INLINE void content_weights(
    ptrdiff_t batch, ptrdiff_t slots, ptrdiff_t width, ptrdiff_t key_count, float epsilon, const float *memory,
    const float *keys, const float *strengths, float *weights, float *memory_norms, float *key_norms,
    float *similarity) {
  if (slots <= 0) return;
  float stack[STACK_FLOATS];
  float *transposed = acquire_scratch(slots * width, stack);
  for (ptrdiff_t b = 0; b < batch; b++) {
    const float *m = memory + b * slots * width;
    float *norms = memory_norms + b * slots;
    for (ptrdiff_t i = 0; i < slots; i++) {
      const float *row = m + i * width;
      norms[i] = sqrtf(dot(width, row, row) + epsilon);
    }
    transpose_block(slots, width, m, width, transposed, slots);
    // Raw similarities k·M_i of every key of this memory.
    float *s_block = similarity + b * key_count * slots;
    memset(s_block, 0, (size_t)(key_count * slots) * sizeof(float));
    accumulate_rows(key_count, width, slots, keys + b * key_count * width, width, 1, transposed, s_block);
    for (ptrdiff_t k = 0; k < key_count; k++) {
      ptrdiff_t row = b * key_count + k;
      const float *key = keys + row * width;
      float key_norm = sqrtf(dot(width, key, key) + epsilon);
      key_norms[row] = key_norm;
      float beta = strengths[row];
      float *s = similarity + row * slots, *w = weights + row * slots;
      // s ⊙= 1/(n_k n_i + ε), z = β s and the largest z.
      v8f nk8 = splat8(key_norm), beta8 = splat8(beta), largest8 = splat8(-INFINITY);
      ptrdiff_t i = 0;
      for (; i + 8 <= slots; i += 8) {
        v8f cosine = load8(s + i) / (nk8 * load8(norms + i) + epsilon);
        store8(cosine, s + i);
        v8f z = beta8 * cosine;
        store8(z, w + i);
        largest8 = __builtin_elementwise_max(largest8, z);
      }
      float largest = max8(largest8);
      for (; i < slots; i++) {
        s[i] /= key_norm * norms[i] + epsilon;
        w[i] = beta * s[i];
        largest = fmaxf(largest, w[i]);
      }
      // Softmax.
      v8f total8 = splat8(0), largestLanes = splat8(largest);
      for (i = 0; i + 8 <= slots; i += 8) {
        v8f e = exp8(load8(w + i) - largestLanes);
        store8(e, w + i);
        total8 += e;
      }
      float total = sum8(total8);
      for (; i < slots; i++) {
        w[i] = exp1(w[i] - largest);
        total += w[i];
      }
      scale(slots, 1.0f / total, w, w);
    }
  }
  release_scratch(transposed, stack);
}

/// content_weights for one memory with many keys (the fused read's K = nR),
/// keys in the lanes: for blocks of up to 32 keys, padded to whole vectors,
/// the similarities are formed slot-major, S_t = M·Kᵀ (N rows of the
/// block's keys, one row accumulation per slot over the transposed keys),
/// so the cosines, β·cos, the softmax's maximum, exponentials and sums over
/// slots are all vertical operations on vectors of keys: no horizontal
/// reduction, and N independent chains where the key-major form had one
/// long chain per key (norm → cosine → maximum → exponential → sum →
/// scale). The weights and cosines are transposed back to the K×N layout
/// the backward pass reads. Same maths as content_weights; the sums round
/// in a different order.
INLINE void content_weights_by_slot(
    ptrdiff_t slots, ptrdiff_t width, ptrdiff_t key_count, float epsilon, const float *memory, const float *keys,
    const float *strengths, float *weights, float *memory_norms, float *key_norms, float *similarity) {
  if (slots <= 0 || key_count <= 0) return;
  enum { BLOCK = 32 };
  ptrdiff_t padded_slots = (slots + 7) / 8 * 8;
  float stack[STACK_FLOATS];
  float *scratch = acquire_scratch(width * padded_slots + width * BLOCK + 2 * slots * BLOCK + 2 * BLOCK, stack);
  float *memory_t = scratch;  // W×N (row stride padded_slots)
  float *keys_t = memory_t + width * padded_slots;  // W×block
  float *cosines = keys_t + width * BLOCK;  // N×block
  float *z = cosines + slots * BLOCK;  // N×block
  float *norms_k = z + slots * BLOCK, *betas = norms_k + BLOCK;

  // Memory norms, eight slots at a time down the transposed rows.
  memset(memory_t, 0, (size_t)(width * padded_slots) * sizeof(float));
  transpose_block(slots, width, memory, width, memory_t, padded_slots);
  for (ptrdiff_t i = 0; i < padded_slots; i += 8) {
    v8f squares = splat8(0);
    for (ptrdiff_t d = 0; d < width; d++) {
      v8f x = load8(memory_t + d * padded_slots + i);
      squares += x * x;
    }
    float lanes[8];
    store8(__builtin_elementwise_sqrt(squares + epsilon), lanes);
    memcpy(memory_norms + i, lanes, (size_t)((slots - i < 8 ? slots - i : 8)) * sizeof(float));
  }

  for (ptrdiff_t first = 0; first < key_count; first += BLOCK) {
    ptrdiff_t count = key_count - first < BLOCK ? key_count - first : BLOCK;
    ptrdiff_t lanes = (count + 7) / 8 * 8;
    memset(keys_t, 0, (size_t)(width * lanes) * sizeof(float));
    transpose_block(count, width, keys + first * width, width, keys_t, lanes);
    memset(betas, 0, (size_t)lanes * sizeof(float));
    memcpy(betas, strengths + first, (size_t)count * sizeof(float));
    for (ptrdiff_t j = 0; j < lanes; j += 8) {
      v8f squares = splat8(0);
      for (ptrdiff_t d = 0; d < width; d++) {
        v8f x = load8(keys_t + d * lanes + j);
        squares += x * x;
      }
      store8(__builtin_elementwise_sqrt(squares + epsilon), norms_k + j);
    }
    memcpy(key_norms + first, norms_k, (size_t)count * sizeof(float));
    // S_t[i] = M_i·Kᵀ, then cosines, z = β·cos and the maximum over slots.
    memset(cosines, 0, (size_t)(slots * lanes) * sizeof(float));
    accumulate_rows(slots, width, lanes, memory, width, 1, keys_t, cosines);
    for (ptrdiff_t j = 0; j < lanes; j += 8) {
      v8f nk = load8(norms_k + j), beta = load8(betas + j), largest = splat8(-INFINITY);
      for (ptrdiff_t i = 0; i < slots; i++) {
        float *cell = cosines + i * lanes + j;
        v8f cosine = load8(cell) / (nk * memory_norms[i] + epsilon);
        store8(cosine, cell);
        v8f zi = beta * cosine;
        store8(zi, z + i * lanes + j);
        largest = __builtin_elementwise_max(largest, zi);
      }
      v8f total = splat8(0);
      for (ptrdiff_t i = 0; i < slots; i++) {
        v8f e = exp8(load8(z + i * lanes + j) - largest);
        store8(e, z + i * lanes + j);
        total += e;
      }
      v8f inverse = 1.0f / total;
      for (ptrdiff_t i = 0; i < slots; i++) store8(load8(z + i * lanes + j) * inverse, z + i * lanes + j);
    }
    transpose_block(slots, count, z, lanes, weights + first * slots, slots);
    transpose_block(slots, count, cosines, lanes, similarity + first * slots, slots);
  }
  release_scratch(scratch, stack);
}

/// Per memory and key: z̄ = c ⊙ (c̄ − ⟨c̄, c⟩), β̄ += ⟨z̄, s⟩ and the
/// coefficients s̄_i/D_i = β z̄_i/(n_k n_i + ε) into a K×N scratch
/// (`over_d`); with them the two products that carry the work,
/// k̄_k += Σ_i over_d_ki M_i (two keys at a time) and
/// M̄_i += Σ_k over_d_ki k_k (two rows at a time, reading the columns of
/// over_d), plus the self terms −(Σ_i over_d_i s_i n_i/n_k) k for each key
/// and −(Σ_k over_d_ki s_ki n_k/n_i) M_i for each row.
INLINE void content_weights_backward(
    ptrdiff_t batch, ptrdiff_t n, ptrdiff_t w, ptrdiff_t k, float epsilon, const float *memory, const float *keys,
    const float *strengths, const float *c, const float *c_bar, const float *memory_norms, const float *key_norms,
    const float *similarity, float *_Nullable memory_bar, float *_Nullable keys_bar,
    float *_Nullable strengths_bar) {
  if (n <= 0 || k <= 0) return;
  float stack[STACK_FLOATS];
  float *over_d = acquire_scratch(k * n + 2 * n, stack);
  float *memory_self = over_d + k * n;  // Σ_k −over_d_ki s_ki n_k/n_i
  float *scaled_cosine = memory_self + n;  // s_i n_i of one key
  for (ptrdiff_t b = 0; b < batch; b++) {
    const float *norms = memory_norms + b * n;
    const float *rows = memory + b * n * w;
    memset(memory_self, 0, (size_t)n * sizeof(float));
    // Eight heads at a time, so that their short dot products are reduced
    // together (sum8x8) rather than one horizontal sum each.
    for (ptrdiff_t first = 0; first < k; first += 8) {
      ptrdiff_t count = k - first < 8 ? k - first : 8;
      v8f parts[8], strength_parts[8], key_parts[8];
      for (ptrdiff_t lane = 0; lane < 8; lane++) parts[lane] = strength_parts[lane] = key_parts[lane] = splat8(0);
      for (ptrdiff_t lane = 0; lane < count; lane++) {
        ptrdiff_t row = b * k + first + lane;
        parts[lane] = dot_lanes(n, c_bar + row * n, c + row * n);
      }
      float inners[8], strength_sums[8], key_sums[8];
      store8(sum8x8(parts), inners);
      for (ptrdiff_t lane = 0; lane < count; lane++) {
        ptrdiff_t head = first + lane, row = b * k + head;
        const float *c_row = c + row * n, *c_bar_row = c_bar + row * n, *s = similarity + row * n;
        float *d = over_d + head * n;
        float inner = inners[lane], beta = strengths[row], nk = key_norms[row];
        v8f inner8 = splat8(inner), beta8 = splat8(beta), nk8 = splat8(nk);
        ptrdiff_t i = 0;
        for (; i + 8 <= n; i += 8) store8(load8(c_row + i) * (load8(c_bar_row + i) - inner8), d + i);
        for (; i < n; i++) d[i] = c_row[i] * (c_bar_row[i] - inner);
        if (strengths_bar != NULL) strength_parts[lane] = dot_lanes(n, d, s);
        for (i = 0; i + 8 <= n; i += 8) {
          v8f scaled = beta8 * load8(d + i) / (nk8 * load8(norms + i) + epsilon);
          store8(scaled, d + i);
          if (memory_bar != NULL)
            store8(load8(memory_self + i) - scaled * load8(s + i) * nk8 / load8(norms + i), memory_self + i);
          if (keys_bar != NULL) store8(load8(s + i) * load8(norms + i), scaled_cosine + i);
        }
        for (; i < n; i++) {
          d[i] = beta * d[i] / (nk * norms[i] + epsilon);
          if (memory_bar != NULL) memory_self[i] -= d[i] * s[i] * nk / norms[i];
          if (keys_bar != NULL) scaled_cosine[i] = s[i] * norms[i];
        }
        if (keys_bar != NULL) key_parts[lane] = dot_lanes(n, d, scaled_cosine);
      }
      store8(sum8x8(strength_parts), strength_sums);
      store8(sum8x8(key_parts), key_sums);
      for (ptrdiff_t lane = 0; lane < count; lane++) {
        ptrdiff_t row = b * k + first + lane;
        if (strengths_bar != NULL) strengths_bar[row] += strength_sums[lane];
        if (keys_bar != NULL) axpy(w, -key_sums[lane] / key_norms[row], keys + row * w, keys_bar + row * w);
      }
    }
    if (keys_bar != NULL) accumulate_rows(k, n, w, over_d, n, 1, rows, keys_bar + b * k * w);
    if (memory_bar != NULL) {
      float *target = memory_bar + b * n * w;
      accumulate_rows(n, k, w, over_d, 1, n, keys + b * k * w, target);
      for (ptrdiff_t i = 0; i < n; i++) axpy(w, memory_self[i], rows + i * w, target + i * w);
    }
  }
  release_scratch(over_d, stack);
}

// MARK: Fused read weights

/// Per memory, L and Lᵀ are stacked into one 2N×N block S = [L; Lᵀ], so
/// ŵ_k = π_c c_k + [π_b w_k, π_f w_k]·S is one row accumulation of 2N
/// terms (two heads at a time, their scaled rows [π_b w_k, π_f w_k] on
/// the stack).
INLINE void read_weights(
    ptrdiff_t batch, ptrdiff_t k, ptrdiff_t n, const float *previous, const float *link, const float *modes,
    const float *content, float *result) {
  if (n <= 0 || k <= 0) return;
  float stack[STACK_FLOATS];
  float *stacked = acquire_scratch(2 * n * n + 2 * k * n, stack);
  float *scaled = stacked + 2 * n * n;  // K rows of 2N
  for (ptrdiff_t b = 0; b < batch; b++) {
    const float *l = link + b * n * n;
    memcpy(stacked, l, (size_t)(n * n) * sizeof(float));
    transpose(n, l, stacked + n * n);
    for (ptrdiff_t head = 0; head < k; head++) {
      ptrdiff_t row = b * k + head;
      const float *w = previous + row * n;
      const float *mode = modes + 3 * row;
      scale(n, mode[0], w, scaled + head * 2 * n);
      scale(n, mode[1], w, scaled + head * 2 * n + n);
      scale(n, mode[2], content + row * n, result + row * n);
    }
    accumulate_rows(k, 2 * n, n, scaled, 2 * n, 1, stacked, result + b * k * n);
  }
  release_scratch(stacked, stack);
}

/// Per memory, with g_k the result's adjoint:
/// - [h_b | h_f] = g_k·[Lᵀ | L] (h_b = g_k Lᵀ, h_f = g_k L) for every head as
///   one row accumulation over an N×2N block, two heads at a time; they
///   give π̄_b += ⟨w_k, h_b⟩, π̄_f += ⟨w_k, h_f⟩ and w̄_k += π_b h_b + π_f h_f,
///   so the directional weightings are never formed;
/// - L̄_i· += Σ_k w_ki G_b,k· + Σ_k G_f,ki w_k· with G_b = π_b g, G_f = π_f g,
///   i.e. L̄_i· += X_·i·Y with X = [W; G_f] and Y = [G_b; W] stacked into
///   2K×N blocks, row i reading column i of X (two rows at a time).
INLINE void read_weights_backward(
    ptrdiff_t batch, ptrdiff_t k, ptrdiff_t n, const float *previous, const float *link, const float *modes,
    const float *content, const float *g_all, float *_Nullable previous_bar, float *_Nullable link_bar,
    float *_Nullable modes_bar, float *_Nullable content_bar) {
  if (n <= 0 || k <= 0) return;
  bool needs_directions = previous_bar != NULL || modes_bar != NULL;
  ptrdiff_t direction_floats = needs_directions ? 2 * n * n + 2 * k * n : 0;
  ptrdiff_t block_floats = link_bar != NULL ? 4 * k * n : 0;
  float stack[STACK_FLOATS];
  float *scratch = acquire_scratch(direction_floats + block_floats, stack);
  float *directions = scratch;  // N×2N: row p = [column p of L, row p of L]
  float *h = directions + 2 * n * n;  // K rows [h_b | h_f]
  float *x = scratch + direction_floats, *y = x + 2 * k * n;
  for (ptrdiff_t b = 0; b < batch; b++) {
    const float *l = link + b * n * n;
    const float *g_block = g_all + b * k * n, *w_block = previous + b * k * n;
    if (needs_directions) {
      transpose_block(n, n, l, n, directions, 2 * n);
      for (ptrdiff_t p = 0; p < n; p++) memcpy(directions + p * 2 * n + n, l + p * n, (size_t)n * sizeof(float));
      memset(h, 0, (size_t)(2 * k * n) * sizeof(float));
      accumulate_rows(k, n, 2 * n, g_block, n, 1, directions, h);
    }
    // Eight heads at a time: the mode adjoints' dot products reduced
    // together (sum8x8).
    for (ptrdiff_t first = 0; first < k; first += 8) {
      ptrdiff_t count = k - first < 8 ? k - first : 8;
      v8f backward_parts[8], forward_parts[8], content_parts[8];
      for (ptrdiff_t lane = 0; lane < 8; lane++)
        backward_parts[lane] = forward_parts[lane] = content_parts[lane] = splat8(0);
      for (ptrdiff_t lane = 0; lane < count; lane++) {
        ptrdiff_t head = first + lane, row = b * k + head, offset = row * n;
        const float *w = previous + offset, *g = g_all + offset;
        const float *mode = modes + 3 * row;
        if (needs_directions) {
          const float *hb = h + head * 2 * n, *hf = hb + n;
          if (modes_bar != NULL) {
            backward_parts[lane] = dot_lanes(n, w, hb);
            forward_parts[lane] = dot_lanes(n, w, hf);
          }
          if (previous_bar != NULL) axpby(n, mode[0], hb, mode[1], hf, previous_bar + offset);
        }
        if (modes_bar != NULL) content_parts[lane] = dot_lanes(n, g, content + offset);
        if (content_bar != NULL) axpy(n, mode[2], g, content_bar + offset);
        if (link_bar != NULL) {
          scale(n, mode[1], g, x + (k + head) * n);
          scale(n, mode[0], g, y + head * n);
        }
      }
      if (modes_bar != NULL) {
        float sums[3][8];
        store8(sum8x8(backward_parts), sums[0]);
        store8(sum8x8(forward_parts), sums[1]);
        store8(sum8x8(content_parts), sums[2]);
        for (ptrdiff_t lane = 0; lane < count; lane++) {
          float *bar = modes_bar + 3 * (b * k + first + lane);
          bar[0] += sums[0][lane];
          bar[1] += sums[1][lane];
          bar[2] += sums[2][lane];
        }
      }
    }
    if (link_bar != NULL) {
      memcpy(x, w_block, (size_t)(k * n) * sizeof(float));
      memcpy(y + k * n, w_block, (size_t)(k * n) * sizeof(float));
      accumulate_rows(n, 2 * k, n, x, 1, n, y, link_bar + b * n * n);
    }
  }
  release_scratch(scratch, stack);
}

// MARK: Entry points

// Each is cloned per target; the body (and every helper it calls, all
// always inlined) is compiled once per clone with that clone's features.
// The bodies live in static functions rather than in these directly
// because clang rejects passing an eight-float vector between a function
// with AVX and one without (the helpers' own target), even when inlined.

DISPATCH void dnc_batched_matmul_f32(
    ptrdiff_t batch, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, bool transpose_a, const float *b,
    bool transpose_b, float *c, bool accumulate) {
  batched_matmul(batch, m, n, k, a, transpose_a, b, transpose_b, c, accumulate);
}

DISPATCH void dnc_content_weights_f32(
    ptrdiff_t batch, ptrdiff_t slots, ptrdiff_t width, ptrdiff_t key_count, float epsilon, const float *memory,
    const float *keys, const float *strengths, float *weights, float *memory_norms, float *key_norms,
    float *similarity) {
  content_weights(
      batch, slots, width, key_count, epsilon, memory, keys, strengths, weights, memory_norms, key_norms, similarity);
}

DISPATCH void dnc_content_weights_backward_f32(
    ptrdiff_t batch, ptrdiff_t slots, ptrdiff_t width, ptrdiff_t key_count, float epsilon, const float *memory,
    const float *keys, const float *strengths, const float *weights, const float *weights_adjoint,
    const float *memory_norms, const float *key_norms, const float *similarity, float *_Nullable memory_adjoint,
    float *_Nullable keys_adjoint, float *_Nullable strengths_adjoint) {
  content_weights_backward(
      batch, slots, width, key_count, epsilon, memory, keys, strengths, weights, weights_adjoint, memory_norms,
      key_norms, similarity, memory_adjoint, keys_adjoint, strengths_adjoint);
}

DISPATCH void dnc_read_weights_f32(
    ptrdiff_t batch, ptrdiff_t heads, ptrdiff_t slots, const float *previous, const float *link, const float *modes,
    const float *content, float *result) {
  read_weights(batch, heads, slots, previous, link, modes, content, result);
}

DISPATCH void dnc_read_weights_backward_f32(
    ptrdiff_t batch, ptrdiff_t heads, ptrdiff_t slots, const float *previous, const float *link, const float *modes,
    const float *content, const float *result_adjoint, float *_Nullable previous_adjoint,
    float *_Nullable link_adjoint, float *_Nullable modes_adjoint, float *_Nullable content_adjoint) {
  read_weights_backward(
      batch, heads, slots, previous, link, modes, content, result_adjoint, previous_adjoint, link_adjoint,
      modes_adjoint, content_adjoint);
}

// MARK: Write-side kernels (usage, allocation, write weights, erase/write, link, precedence)
//
// These work on one memory's vectors of N slots (and its N×W memory and
// N×N links): small next to the reads' per-coordinate products, but a
// meta-iteration runs them forward and backward at every step for every
// memory, and as Swift loops (generic scalar, optional adjoints tested per
// element, a Float→Int conversion per slot in the allocation) they cost as
// much as the reads. Plain loops over the slots, the per-memory scalars
// hoisted, written so that clang vectorises the slot loops in each clone.
//
// Without fused multiply-adds, and in the generic Swift loops' order of
// operations: the race's tape-free DNC step calls these forward kernels, and
// with the same rounding as the Swift loops they replaced a race reproduces
// its figures exactly (a DNC race is a hundred steps of feedback, where one
// ulp here grows into the third digit of the final loss).
#pragma clang fp contract(off)

/// Usage u' = (u + w − u⊙w) ⊙ ψ with ψ_i = Π_j (1 − f_j r_ji).
INLINE void usage_forward(
    ptrdiff_t batch, ptrdiff_t n, ptrdiff_t r, const float *usage, const float *write, const float *free_gates,
    const float *reads, float *result) {
  for (ptrdiff_t b = 0; b < batch; b++) {
    const float *u = usage + b * n, *w = write + b * n;
    float *y = result + b * n;
    // ψ first (in y), then the booked usage times ψ.
    for (ptrdiff_t i = 0; i < n; i++) y[i] = 1.0f;
    for (ptrdiff_t j = 0; j < r; j++) {
      float f = free_gates[b * r + j];
      const float *read = reads + (b * r + j) * n;
      for (ptrdiff_t i = 0; i < n; i++) y[i] *= 1.0f - f * read[i];
    }
    for (ptrdiff_t i = 0; i < n; i++) y[i] = (u[i] + w[i] - u[i] * w[i]) * y[i];
  }
}

/// ū += ȳ ψ (1 − w), w̄ += ȳ ψ (1 − u), and with ψ̄ = ȳ (u + w − uw) each
/// factor x_j = 1 − f_j r_j gets x̄_j = ψ̄ Π_{l≠j} x_l (a product of the
/// others, no division): f̄_j −= Σ_i x̄_ji r_ji, r̄_ji −= x̄_ji f_j. `scratch`
/// holds 3N floats (ψ, ψ̄ and one head's product of the others).
INLINE void usage_backward(
    ptrdiff_t batch, ptrdiff_t n, ptrdiff_t r, const float *usage, const float *write, const float *free_gates,
    const float *reads, const float *y_bar, float *_Nullable usage_bar, float *_Nullable write_bar,
    float *_Nullable free_bar, float *_Nullable reads_bar, float *scratch) {
  float *psi = scratch, *psi_bar = scratch + n, *others = scratch + 2 * n;
  for (ptrdiff_t b = 0; b < batch; b++) {
    const float *u = usage + b * n, *w = write + b * n, *g = y_bar + b * n;
    for (ptrdiff_t i = 0; i < n; i++) psi[i] = 1.0f;
    for (ptrdiff_t j = 0; j < r; j++) {
      float f = free_gates[b * r + j];
      const float *read = reads + (b * r + j) * n;
      for (ptrdiff_t i = 0; i < n; i++) psi[i] *= 1.0f - f * read[i];
    }
    if (usage_bar != NULL) {
      float *target = usage_bar + b * n;
      for (ptrdiff_t i = 0; i < n; i++) target[i] += g[i] * psi[i] * (1.0f - w[i]);
    }
    if (write_bar != NULL) {
      float *target = write_bar + b * n;
      for (ptrdiff_t i = 0; i < n; i++) target[i] += g[i] * psi[i] * (1.0f - u[i]);
    }
    if (free_bar == NULL && reads_bar == NULL) continue;
    for (ptrdiff_t i = 0; i < n; i++) psi_bar[i] = g[i] * (u[i] + w[i] - u[i] * w[i]);
    for (ptrdiff_t j = 0; j < r; j++) {
      for (ptrdiff_t i = 0; i < n; i++) others[i] = psi_bar[i];
      for (ptrdiff_t l = 0; l < r; l++) {
        if (l == j) continue;
        float f = free_gates[b * r + l];
        const float *read = reads + (b * r + l) * n;
        for (ptrdiff_t i = 0; i < n; i++) others[i] *= 1.0f - f * read[i];
      }
      float f = free_gates[b * r + j];
      const float *read = reads + (b * r + j) * n;
      if (free_bar != NULL) free_bar[b * r + j] -= dot(n, others, read);
      if (reads_bar != NULL) axpy(n, -f, others, reads_bar + (b * r + j) * n);
    }
  }
}

/// Allocation: û = ε + (1−ε)u sorted ascending, stably (ties by slot
/// index), into s (slot indices, as floats, into `permutation`), then
/// a[φ_j] = (1 − s_j)·π_j with the running exclusive product π_j = Π_{k<j} s_k.
///
/// The sort places every slot at its rank, #{j : û_j < û_i} + #{j < i : û_j = û_i}
/// (the stable order, so the same permutation as an insertion sort): N²
/// comparisons that vectorise, against an insertion sort's data-dependent
/// branches, which mispredict about once per element moved. A NaN (no
/// order) falls back to the insertion sort, which leaves it in place.
INLINE void allocation_forward(
    ptrdiff_t batch, ptrdiff_t n, float epsilon, const float *usage, float *result, float *permutation,
    float *sorted, float *products) {
  for (ptrdiff_t b = 0; b < batch; b++) {
    const float *u = usage + b * n;
    float *perm = permutation + b * n, *s = sorted + b * n, *pi = products + b * n, *a = result + b * n;
    // û into the products row (overwritten below only after s is filled).
    bool ordered = true;
    for (ptrdiff_t i = 0; i < n; i++) {
      pi[i] = epsilon + (1.0f - epsilon) * u[i];
      ordered = ordered && pi[i] == pi[i];
    }
    if (ordered) {
      for (ptrdiff_t i = 0; i < n; i++) {
        float value = pi[i];
        int32_t rank = 0;
        for (ptrdiff_t j = 0; j < n; j++) rank += (pi[j] < value) | ((pi[j] == value) & (j < i));
        s[rank] = value;
        perm[rank] = (float)i;
      }
    } else for (ptrdiff_t i = 0; i < n; i++) {
      float value = epsilon + (1.0f - epsilon) * u[i];
      ptrdiff_t j = i;
      while (j > 0 && s[j - 1] > value) {
        s[j] = s[j - 1];
        perm[j] = perm[j - 1];
        j--;
      }
      s[j] = value;
      perm[j] = (float)i;
    }
    float running = 1.0f;
    for (ptrdiff_t j = 0; j < n; j++) {
      pi[j] = running;
      a[(ptrdiff_t)perm[j]] = (1.0f - s[j]) * running;
      running *= s[j];
    }
  }
}

/// Allocation backward through the sorted values (the permutation is a
/// constant): from the end, with S the suffix sum of the exclusive
/// product's adjoints, s̄_j = −â̄_j π_j + π_j S_j and ū[φ_j] += (1−ε) s̄_j.
INLINE void allocation_backward(
    ptrdiff_t batch, ptrdiff_t n, float epsilon, const float *permutation, const float *sorted,
    const float *products, const float *a_bar, float *usage_bar) {
  for (ptrdiff_t b = 0; b < batch; b++) {
    const float *perm = permutation + b * n, *s = sorted + b * n, *pi = products + b * n, *g = a_bar + b * n;
    float *target = usage_bar + b * n;
    float suffix = 0.0f;
    for (ptrdiff_t j = n - 1; j >= 0; j--) {
      ptrdiff_t slot = (ptrdiff_t)perm[j];
      float hat_bar = g[slot];
      float s_bar = -hat_bar * pi[j] + pi[j] * suffix;
      target[slot] += (1.0f - epsilon) * s_bar;
      float pi_bar = hat_bar * (1.0f - s[j]);
      suffix = pi_bar + s[j] * suffix;
    }
  }
}

/// Write weights y = g^w (g^a a + (1 − g^a) c).
INLINE void write_weights_forward(
    ptrdiff_t batch, ptrdiff_t n, const float *allocation, const float *content, const float *allocation_gate,
    const float *write_gate, float *result) {
  for (ptrdiff_t b = 0; b < batch; b++) {
    float ga = allocation_gate[b], gw = write_gate[b];
    const float *a = allocation + b * n, *c = content + b * n;
    float *y = result + b * n;
    for (ptrdiff_t i = 0; i < n; i++) y[i] = gw * (ga * a[i] + (1.0f - ga) * c[i]);
  }
}

/// ā += ȳ g^w g^a, c̄ += ȳ g^w (1 − g^a), ḡ^w += ⟨ȳ, g^a a + (1 − g^a) c⟩,
/// ḡ^a += g^w ⟨ȳ, a − c⟩.
INLINE void write_weights_backward(
    ptrdiff_t batch, ptrdiff_t n, const float *allocation, const float *content, const float *allocation_gate,
    const float *write_gate, const float *y_bar, float *_Nullable allocation_bar, float *_Nullable content_bar,
    float *_Nullable allocation_gate_bar, float *_Nullable write_gate_bar) {
  for (ptrdiff_t b = 0; b < batch; b++) {
    float ga = allocation_gate[b], gw = write_gate[b];
    const float *a = allocation + b * n, *c = content + b * n, *g = y_bar + b * n;
    if (allocation_bar != NULL) axpy(n, gw * ga, g, allocation_bar + b * n);
    if (content_bar != NULL) axpy(n, gw * (1.0f - ga), g, content_bar + b * n);
    if (allocation_gate_bar != NULL || write_gate_bar != NULL) {
      float ya = dot(n, g, a), yc = dot(n, g, c);
      if (write_gate_bar != NULL) write_gate_bar[b] += ga * ya + (1.0f - ga) * yc;
      if (allocation_gate_bar != NULL) allocation_gate_bar[b] += gw * (ya - yc);
    }
  }
}

/// Erase then write, M' = M ⊙ (1 − w eᵀ) + w vᵀ, one N×W memory at a time.
INLINE void erase_write_forward(
    ptrdiff_t batch, ptrdiff_t n, ptrdiff_t width, const float *memory, const float *weights, const float *erase,
    const float *values, float *result) {
  for (ptrdiff_t b = 0; b < batch; b++) {
    const float *e = erase + b * width, *v = values + b * width;
    for (ptrdiff_t i = 0; i < n; i++) {
      float wi = weights[b * n + i];
      const float *m = memory + (b * n + i) * width;
      float *y = result + (b * n + i) * width;
      for (ptrdiff_t j = 0; j < width; j++) y[j] = m[j] * (1.0f - wi * e[j]) + wi * v[j];
    }
  }
}

/// M̄ += G ⊙ (1 − w eᵀ), w̄_i += ⟨G_i, v − M_i ⊙ e⟩, ē −= Σ_i w_i G_i ⊙ M_i,
/// v̄ += Σ_i w_i G_i (G = M̄'). The W-long sums over rows go to a 2W scratch
/// per memory and are added once. With `store_memory`, M̄ = … is stored
/// instead (each element is written once; see the header).
INLINE void erase_write_backward(
    ptrdiff_t batch, ptrdiff_t n, ptrdiff_t width, const float *memory, const float *weights, const float *erase,
    const float *values, const float *y_bar, float *_Nullable memory_bar, bool store_memory,
    float *_Nullable weights_bar, float *_Nullable erase_bar, float *_Nullable values_bar, float *scratch) {
  float *e_sum = scratch, *v_sum = scratch + width;
  for (ptrdiff_t b = 0; b < batch; b++) {
    const float *e = erase + b * width, *v = values + b * width;
    for (ptrdiff_t j = 0; j < width; j++) e_sum[j] = v_sum[j] = 0.0f;
    for (ptrdiff_t i = 0; i < n; i++) {
      float wi = weights[b * n + i];
      const float *m = memory + (b * n + i) * width, *g = y_bar + (b * n + i) * width;
      if (memory_bar != NULL) {
        float *target = memory_bar + (b * n + i) * width;
        if (store_memory)
          for (ptrdiff_t j = 0; j < width; j++) target[j] = g[j] * (1.0f - wi * e[j]);
        else
          for (ptrdiff_t j = 0; j < width; j++) target[j] += g[j] * (1.0f - wi * e[j]);
      }
      if (weights_bar != NULL) {
        float total = 0.0f;
        for (ptrdiff_t j = 0; j < width; j++) total += g[j] * (v[j] - m[j] * e[j]);
        weights_bar[b * n + i] += total;
      }
      for (ptrdiff_t j = 0; j < width; j++) {
        e_sum[j] += wi * g[j] * m[j];
        v_sum[j] += wi * g[j];
      }
    }
    if (erase_bar != NULL)
      for (ptrdiff_t j = 0; j < width; j++) erase_bar[b * width + j] -= e_sum[j];
    if (values_bar != NULL)
      for (ptrdiff_t j = 0; j < width; j++) values_bar[b * width + j] += v_sum[j];
  }
}

/// Precedence p' = (1 − Σw) p + w.
INLINE void precedence_forward(
    ptrdiff_t batch, ptrdiff_t n, const float *precedence, const float *weights, float *result) {
  for (ptrdiff_t b = 0; b < batch; b++) {
    const float *p = precedence + b * n, *w = weights + b * n;
    float *y = result + b * n;
    float total = 0.0f;
    for (ptrdiff_t i = 0; i < n; i++) total += w[i];
    for (ptrdiff_t i = 0; i < n; i++) y[i] = (1.0f - total) * p[i] + w[i];
  }
}

/// p̄ += (1 − Σw) ȳ, w̄_i += ȳ_i − ⟨ȳ, p⟩.
INLINE void precedence_backward(
    ptrdiff_t batch, ptrdiff_t n, const float *precedence, const float *weights, const float *y_bar,
    float *_Nullable precedence_bar, float *_Nullable weights_bar) {
  for (ptrdiff_t b = 0; b < batch; b++) {
    const float *p = precedence + b * n, *w = weights + b * n, *g = y_bar + b * n;
    float total = 0.0f, inner = 0.0f;
    for (ptrdiff_t i = 0; i < n; i++) {
      total += w[i];
      inner += g[i] * p[i];
    }
    if (precedence_bar != NULL) axpy(n, 1.0f - total, g, precedence_bar + b * n);
    if (weights_bar != NULL) {
      float *target = weights_bar + b * n;
      for (ptrdiff_t i = 0; i < n; i++) target[i] += g[i] - inner;
    }
  }
}

/// Links L'_ij = (1 − w_i − w_j) L_ij + w_i p_j off the diagonal, 0 on it:
/// full rows (vectorised), then the diagonal element cleared.
INLINE void link_forward(
    ptrdiff_t batch, ptrdiff_t n, const float *link, const float *precedence, const float *weights,
    float *result) {
  for (ptrdiff_t b = 0; b < batch; b++) {
    const float *w = weights + b * n, *p = precedence + b * n;
    for (ptrdiff_t i = 0; i < n; i++) {
      const float *l = link + (b * n + i) * n;
      float *y = result + (b * n + i) * n;
      float wi = w[i];
      for (ptrdiff_t j = 0; j < n; j++) y[j] = (1.0f - wi - w[j]) * l[j] + wi * p[j];
      y[i] = 0.0f;
    }
  }
}

/// Links backward with G = L̄' off the diagonal (the i = j terms of the
/// full vectorised rows subtracted after): L̄_i· += G_i·⊙(1 − w_i − w),
/// w̄_i += ⟨G_i·, p − L_i·⟩, w̄ −= G_i·⊙L_i·, p̄ += w_i G_i·. With
/// `store_link`, L̄ = … is stored instead (each row is written once; the
/// diagonal then comes out as x − x = 0, exactly as 0 + x − x).
INLINE void link_backward(
    ptrdiff_t batch, ptrdiff_t n, const float *link, const float *precedence, const float *weights,
    const float *g_all, float *_Nullable link_bar, bool store_link, float *_Nullable precedence_bar,
    float *_Nullable weights_bar) {
  for (ptrdiff_t b = 0; b < batch; b++) {
    const float *w = weights + b * n, *p = precedence + b * n;
    for (ptrdiff_t i = 0; i < n; i++) {
      ptrdiff_t row = (b * n + i) * n;
      const float *g = g_all + row, *l = link + row;
      float wi = w[i], diagonal = g[i];
      if (link_bar != NULL) {
        float *target = link_bar + row;
        if (store_link)
          for (ptrdiff_t j = 0; j < n; j++) target[j] = g[j] * (1.0f - wi - w[j]);
        else
          for (ptrdiff_t j = 0; j < n; j++) target[j] += g[j] * (1.0f - wi - w[j]);
        target[i] -= diagonal * (1.0f - 2.0f * wi);
      }
      if (weights_bar != NULL) {
        float *target = weights_bar + b * n;
        float total = 0.0f;
        for (ptrdiff_t j = 0; j < n; j++) {
          total += g[j] * (p[j] - l[j]);
          target[j] -= g[j] * l[j];
        }
        target[i] += total - diagonal * (p[i] - l[i]) + diagonal * l[i];
      }
      if (precedence_bar != NULL) {
        axpy(n, wi, g, precedence_bar + b * n);
        precedence_bar[b * n + i] -= wi * diagonal;
      }
    }
  }
}

DISPATCH void dnc_usage_f32(
    ptrdiff_t batch, ptrdiff_t slots, ptrdiff_t heads, const float *usage, const float *write,
    const float *free_gates, const float *reads, float *result) {
  usage_forward(batch, slots, heads, usage, write, free_gates, reads, result);
}

DISPATCH void dnc_usage_backward_f32(
    ptrdiff_t batch, ptrdiff_t slots, ptrdiff_t heads, const float *usage, const float *write,
    const float *free_gates, const float *reads, const float *result_adjoint, float *_Nullable usage_adjoint,
    float *_Nullable write_adjoint, float *_Nullable free_gates_adjoint, float *_Nullable reads_adjoint) {
  float stack[STACK_FLOATS];
  float *scratch = acquire_scratch(3 * slots, stack);
  usage_backward(
      batch, slots, heads, usage, write, free_gates, reads, result_adjoint, usage_adjoint, write_adjoint,
      free_gates_adjoint, reads_adjoint, scratch);
  release_scratch(scratch, stack);
}

DISPATCH void dnc_allocation_f32(
    ptrdiff_t batch, ptrdiff_t slots, float epsilon, const float *usage, float *result, float *permutation,
    float *sorted, float *products) {
  allocation_forward(batch, slots, epsilon, usage, result, permutation, sorted, products);
}

DISPATCH void dnc_allocation_backward_f32(
    ptrdiff_t batch, ptrdiff_t slots, float epsilon, const float *permutation, const float *sorted,
    const float *products, const float *result_adjoint, float *usage_adjoint) {
  allocation_backward(batch, slots, epsilon, permutation, sorted, products, result_adjoint, usage_adjoint);
}

DISPATCH void dnc_write_weights_f32(
    ptrdiff_t batch, ptrdiff_t slots, const float *allocation, const float *content, const float *allocation_gate,
    const float *write_gate, float *result) {
  write_weights_forward(batch, slots, allocation, content, allocation_gate, write_gate, result);
}

DISPATCH void dnc_write_weights_backward_f32(
    ptrdiff_t batch, ptrdiff_t slots, const float *allocation, const float *content, const float *allocation_gate,
    const float *write_gate, const float *result_adjoint, float *_Nullable allocation_adjoint,
    float *_Nullable content_adjoint, float *_Nullable allocation_gate_adjoint,
    float *_Nullable write_gate_adjoint) {
  write_weights_backward(
      batch, slots, allocation, content, allocation_gate, write_gate, result_adjoint, allocation_adjoint,
      content_adjoint, allocation_gate_adjoint, write_gate_adjoint);
}

DISPATCH void dnc_erase_write_f32(
    ptrdiff_t batch, ptrdiff_t slots, ptrdiff_t width, const float *memory, const float *weights, const float *erase,
    const float *values, float *result) {
  erase_write_forward(batch, slots, width, memory, weights, erase, values, result);
}

DISPATCH void dnc_erase_write_backward_f32(
    ptrdiff_t batch, ptrdiff_t slots, ptrdiff_t width, const float *memory, const float *weights, const float *erase,
    const float *values, const float *result_adjoint, float *_Nullable memory_adjoint, bool store_memory_adjoint,
    float *_Nullable weights_adjoint, float *_Nullable erase_adjoint, float *_Nullable values_adjoint) {
  float stack[STACK_FLOATS];
  float *scratch = acquire_scratch(2 * width, stack);
  erase_write_backward(
      batch, slots, width, memory, weights, erase, values, result_adjoint, memory_adjoint, store_memory_adjoint,
      weights_adjoint, erase_adjoint, values_adjoint, scratch);
  release_scratch(scratch, stack);
}

DISPATCH void dnc_precedence_f32(
    ptrdiff_t batch, ptrdiff_t slots, const float *precedence, const float *weights, float *result) {
  precedence_forward(batch, slots, precedence, weights, result);
}

DISPATCH void dnc_precedence_backward_f32(
    ptrdiff_t batch, ptrdiff_t slots, const float *precedence, const float *weights, const float *result_adjoint,
    float *_Nullable precedence_adjoint, float *_Nullable weights_adjoint) {
  precedence_backward(batch, slots, precedence, weights, result_adjoint, precedence_adjoint, weights_adjoint);
}

DISPATCH void dnc_link_f32(
    ptrdiff_t batch, ptrdiff_t slots, const float *link, const float *precedence, const float *weights,
    float *result) {
  link_forward(batch, slots, link, precedence, weights, result);
}

DISPATCH void dnc_link_backward_f32(
    ptrdiff_t batch, ptrdiff_t slots, const float *link, const float *precedence, const float *weights,
    const float *result_adjoint, float *_Nullable link_adjoint, bool store_link_adjoint,
    float *_Nullable precedence_adjoint, float *_Nullable weights_adjoint) {
  link_backward(
      batch, slots, link, precedence, weights, result_adjoint, link_adjoint, store_link_adjoint, precedence_adjoint,
      weights_adjoint);
}

// MARK: Fused read (interface → read weights)

// Training only (the race does not use it): fused multiply-adds again.
#pragma clang fp contract(fast)

/// log u for eight positive normal u (Cephes' logf): u = m·2ᵉ with
/// m ∈ [√½, √2) read from the bit pattern, log(1 + f) for f = m − 1 by a
/// degree-9 polynomial, and e·ln2 added in two parts (ln2 = 0.693359375 −
/// 2.12194440e−4, the first exact in a few bits). About one ulp on the
/// range the softplus needs, u ∈ [1, 2].
INLINE v8f log8(v8f u) {
  v8i bits = (v8i)u;
  v8i exponent = ((bits >> 23) & 0xff) - 126;
  v8f m = (v8f)((bits & 0x807fffff) | 0x3f000000);  // [0.5, 1)
  v8i small = m < 0.707106781186547524f;  // all ones where m < √½
  v8f e = __builtin_convertvector(exponent + small, v8f);  // small is −1: e − 1 there
  v8f f = m - 1.0f + (v8f)((v8i)m & small);  // 2m − 1 where small, else m − 1
  v8f z = f * f;
  v8f y = splat8(7.0376836292e-2f);
  y = y * f - 1.1514610310e-1f;
  y = y * f + 1.1676998740e-1f;
  y = y * f - 1.2420140846e-1f;
  y = y * f + 1.4249322787e-1f;
  y = y * f - 1.6668057665e-1f;
  y = y * f + 2.0000714765e-1f;
  y = y * f - 2.4999993993e-1f;
  y = y * f + 3.3333331174e-1f;
  y = y * f * z;
  y += e * -2.12194440e-4f;
  y += z * -0.5f;
  return f + y + e * 0.693359375f;
}

/// softplus(x) = max(x, 0) + log(1 + t), t = e^{−|x|} ∈ (0, 1], on eight
/// lanes: the tape's stable form, with log1p computed as
/// log(u)·t/(u − 1) for u = 1 + t (u − 1 is exact for u ∈ [1, 2], and the
/// ratio corrects the rounding of 1 + t, so small t keep their relative
/// accuracy), t itself where u rounds to 1.
///
/// Why: the read's strengths are one softplus per head, K per memory; as
/// scalar log1pf calls they cost about as much as the rest of the strength
/// and mode transforms together.
INLINE v8f softplus8(v8f x) {
  v8f t = exp8(-__builtin_elementwise_abs(x));
  v8f u = 1.0f + t;
  v8f d = u - 1.0f;
  v8i exact = d == 0.0f;
  v8f ratio = t / (d + (v8f)((v8i)splat8(1.0f) & exact));  // denominator 1 where d = 0
  v8f log1p = (v8f)(((v8i)(log8(u) * ratio) & ~exact) | ((v8i)t & exact));
  return __builtin_elementwise_max(x, splat8(0.0f)) + log1p;
}

/// values ← 1 + softplus(values) for k values, eight at a time (the ragged
/// end through a zero-padded vector).
INLINE void oneplus_softplus(ptrdiff_t k, float *values) {
  ptrdiff_t i = 0;
  for (; i + 8 <= k; i += 8) store8(1.0f + softplus8(load8(values + i)), values + i);
  if (i < k) {
    float padded[8] = {0};
    memcpy(padded, values + i, (size_t)(k - i) * sizeof(float));
    store8(1.0f + softplus8(load8(padded)), padded);
    memcpy(values + i, padded, (size_t)(k - i) * sizeof(float));
  }
}

/// The read heads of one memory from the per-coordinate read interface,
/// rows of `stride` floats, R heads per row: keys at columns [jW, jW + W),
/// strength logits at RW + j, mode logits at RW + R + 3j … + 3 (head
/// kk = i·R + j of the memory is head j of its coordinate i). Gathers the
/// K×W keys into `keys` (contiguous, for content addressing), and writes
/// the softmax of the three mode logits and β = 1 + softplus(x) (the K
/// logits gathered first, then transformed eight at a time).
///
/// The mode softmaxes run eight heads at a time, one lane per head (the
/// ragged last block padded with zero logits, whose lanes are dropped):
/// three scalar exponentials per head, each a dependent chain of a dozen
/// operations, made this gather a sixth of the fused read.
INLINE void read_interface(
    ptrdiff_t k, ptrdiff_t r, ptrdiff_t width, ptrdiff_t stride, const float *interface, float *keys,
    float *strengths, float *modes) {
  for (ptrdiff_t first = 0; first < k; first += 8) {
    ptrdiff_t count = k - first < 8 ? k - first : 8;
    float logits[3][8] = {{0}};
    for (ptrdiff_t lane = 0; lane < count; lane++) {
      ptrdiff_t head = first + lane, i = head / r, j = head % r;
      const float *row = interface + i * stride;
      memcpy(keys + head * width, row + j * width, (size_t)width * sizeof(float));
      strengths[head] = row[r * width + j];  // the logit; 1 + softplus below
      const float *mode = row + r * width + r + 3 * j;
      logits[0][lane] = mode[0];
      logits[1][lane] = mode[1];
      logits[2][lane] = mode[2];
    }
    v8f x0 = load8(logits[0]), x1 = load8(logits[1]), x2 = load8(logits[2]);
    v8f largest = __builtin_elementwise_max(__builtin_elementwise_max(x0, x1), x2);
    v8f e0 = exp8(x0 - largest), e1 = exp8(x1 - largest), e2 = exp8(x2 - largest);
    v8f inverse = 1.0f / (e0 + e1 + e2);
    store8(e0 * inverse, logits[0]);
    store8(e1 * inverse, logits[1]);
    store8(e2 * inverse, logits[2]);
    for (ptrdiff_t lane = 0; lane < count; lane++) {
      float *mode = modes + 3 * (first + lane);
      mode[0] = logits[0][lane];
      mode[1] = logits[1][lane];
      mode[2] = logits[2][lane];
    }
  }
  oneplus_softplus(k, strengths);
}

/// Forward, one memory at a time so that its content weights never leave
/// L1 between addressing and mixing: read_interface, content_weights (the
/// content weights c and the cosines into `saved_*`, which the backward
/// pass needs), then read_weights.
INLINE void fused_read(
    ptrdiff_t batch, ptrdiff_t n, ptrdiff_t width, ptrdiff_t k, ptrdiff_t r, float epsilon, const float *memory,
    const float *interface, const float *previous, const float *link, float *result, float *saved_strengths,
    float *saved_modes, float *saved_content, float *saved_similarity, float *saved_memory_norms,
    float *saved_key_norms) {
  if (n <= 0 || k <= 0) return;
  ptrdiff_t stride = r * (width + 4);
  float stack[STACK_FLOATS];
  float *keys = acquire_scratch(k * width, stack);
  for (ptrdiff_t b = 0; b < batch; b++) {
    ptrdiff_t heads = b * k, cells = b * k * n;
    read_interface(k, r, width, stride, interface + (k / r) * b * stride, keys, saved_strengths + heads,
                   saved_modes + 3 * heads);
    content_weights_by_slot(
        n, width, k, epsilon, memory + b * n * width, keys, saved_strengths + heads, saved_content + cells,
        saved_memory_norms + b * n, saved_key_norms + heads, saved_similarity + cells);
    read_weights(1, k, n, previous + cells, link + b * n * n, saved_modes + 3 * heads, saved_content + cells,
                 result + cells);
  }
  release_scratch(keys, stack);
}

/// Backward, one memory at a time: read_weights_backward with c̄ and π̄ into
/// K×N and K×3 scratch, content_weights_backward from that c̄ (k̄ and β̄
/// into scratch, M̄ straight into the memory's adjoint), then the chain
/// through the interface transforms: keys scattered back, x̄_β += β̄ σ(x)
/// (d softplus/dx = σ(x)) and, for the softmax π of the mode logits,
/// x̄_m += π_m (π̄_m − Σ_l π_l π̄_l). Each interface element gets one such
/// term, so with `store_interface` they are stored instead of added.
INLINE void fused_read_backward(
    ptrdiff_t batch, ptrdiff_t n, ptrdiff_t width, ptrdiff_t k, ptrdiff_t r, float epsilon, const float *memory,
    const float *interface, const float *previous, const float *link, const float *g_all,
    const float *saved_strengths, const float *saved_modes, const float *saved_content,
    const float *saved_similarity, const float *saved_memory_norms, const float *saved_key_norms,
    float *_Nullable memory_bar, float *_Nullable interface_bar, bool store_interface, float *_Nullable previous_bar,
    float *_Nullable link_bar) {
  ptrdiff_t stride = r * (width + 4);
  if (n <= 0 || k <= 0) {
    // Nothing flows back, but a stored adjoint must still be written.
    if (store_interface && interface_bar != NULL && k > 0)
      memset(interface_bar, 0, (size_t)(batch * (k / r) * stride) * sizeof(float));
    return;
  }
  float stack[STACK_FLOATS];
  float *keys = acquire_scratch(2 * k * width + k * n + 4 * k, stack);
  float *keys_bar = keys + k * width, *content_bar = keys_bar + k * width, *modes_bar = content_bar + k * n;
  float *strengths_bar = modes_bar + 3 * k;
  for (ptrdiff_t b = 0; b < batch; b++) {
    ptrdiff_t heads = b * k, cells = b * k * n;
    const float *face = interface + (k / r) * b * stride;
    const float *modes = saved_modes + 3 * heads, *strengths = saved_strengths + heads;
    memset(keys_bar, 0, (size_t)(k * width + k * n + 4 * k) * sizeof(float));
    for (ptrdiff_t head = 0; head < k; head++)
      memcpy(keys + head * width, face + (head / r) * stride + (head % r) * width, (size_t)width * sizeof(float));
    read_weights_backward(
        1, k, n, previous + cells, link + b * n * n, modes, saved_content + cells, g_all + cells,
        previous_bar != NULL ? previous_bar + cells : NULL, link_bar != NULL ? link_bar + b * n * n : NULL,
        modes_bar, content_bar);
    content_weights_backward(
        1, n, width, k, epsilon, memory + b * n * width, keys, strengths, saved_content + cells, content_bar,
        saved_memory_norms + b * n, saved_key_norms + heads, saved_similarity + cells,
        memory_bar != NULL ? memory_bar + b * n * width : NULL, keys_bar, strengths_bar);
    if (interface_bar == NULL) continue;
    float *target = interface_bar + (k / r) * b * stride;
    // β̄ σ(x) for every head, eight lanes at a time (as the forward's modes).
    for (ptrdiff_t first = 0; first < k; first += 8) {
      ptrdiff_t count = k - first < 8 ? k - first : 8;
      float lanes[8] = {0}, scaled[8] = {0};
      for (ptrdiff_t lane = 0; lane < count; lane++) {
        ptrdiff_t head = first + lane;
        lanes[lane] = face[(head / r) * stride + r * width + head % r];
        scaled[lane] = strengths_bar[head];
      }
      store8(load8(scaled) / (1.0f + exp8(-load8(lanes))), scaled);
      memcpy(strengths_bar + first, scaled, (size_t)count * sizeof(float));
    }
    for (ptrdiff_t head = 0; head < k; head++) {
      ptrdiff_t i = head / r, j = head % r;
      float *row = target + i * stride;
      float strength_bar = strengths_bar[head];
      const float *pi = modes + 3 * head, *pi_bar = modes_bar + 3 * head;
      float inner = pi[0] * pi_bar[0] + pi[1] * pi_bar[1] + pi[2] * pi_bar[2];
      float *logits_bar = row + r * width + r + 3 * j;
      if (store_interface) {
        for (ptrdiff_t d = 0; d < width; d++) row[j * width + d] = keys_bar[head * width + d];
        row[r * width + j] = strength_bar;
        for (ptrdiff_t m = 0; m < 3; m++) logits_bar[m] = pi[m] * (pi_bar[m] - inner);
      } else {
        for (ptrdiff_t d = 0; d < width; d++) row[j * width + d] += keys_bar[head * width + d];
        row[r * width + j] += strength_bar;
        for (ptrdiff_t m = 0; m < 3; m++) logits_bar[m] += pi[m] * (pi_bar[m] - inner);
      }
    }
  }
  release_scratch(keys, stack);
}

DISPATCH void dnc_read_f32(
    ptrdiff_t batch, ptrdiff_t slots, ptrdiff_t width, ptrdiff_t heads, ptrdiff_t read_heads, float epsilon,
    const float *memory, const float *interface, const float *previous, const float *link, float *result,
    float *saved_strengths, float *saved_modes, float *saved_content, float *saved_similarity,
    float *saved_memory_norms, float *saved_key_norms) {
  fused_read(
      batch, slots, width, heads, read_heads, epsilon, memory, interface, previous, link, result, saved_strengths,
      saved_modes, saved_content, saved_similarity, saved_memory_norms, saved_key_norms);
}

DISPATCH void dnc_read_backward_f32(
    ptrdiff_t batch, ptrdiff_t slots, ptrdiff_t width, ptrdiff_t heads, ptrdiff_t read_heads, float epsilon,
    const float *memory, const float *interface, const float *previous, const float *link,
    const float *result_adjoint, const float *saved_strengths, const float *saved_modes, const float *saved_content,
    const float *saved_similarity, const float *saved_memory_norms, const float *saved_key_norms,
    float *_Nullable memory_adjoint, float *_Nullable interface_adjoint, bool store_interface_adjoint,
    float *_Nullable previous_adjoint, float *_Nullable link_adjoint) {
  fused_read_backward(
      batch, slots, width, heads, read_heads, epsilon, memory, interface, previous, link, result_adjoint,
      saved_strengths, saved_modes, saved_content, saved_similarity, saved_memory_norms, saved_key_norms,
      memory_adjoint, interface_adjoint, store_interface_adjoint, previous_adjoint, link_adjoint);
}

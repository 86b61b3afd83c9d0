/*
 * Single-precision kernels of the DNC's memory access with run-time CPU
 * dispatch (see dnc_kernels_f32.c for why they are C). Swift reaches them
 * through the `DNCKernels.*Float` entry points of the Autodiff module,
 * whose documentation gives the maths; the layouts are those of the generic
 * kernels in DNCKernels.swift. Every buffer is row-major, every size an
 * element count, and `epsilon` is DNCKernels.epsilon. The adjoint pointers
 * marked _Nullable may be NULL (that adjoint is not wanted); adjoints are
 * accumulated (+=), never overwritten.
 */
#ifndef CDNCKERNELS_H
#define CDNCKERNELS_H

#include <stdbool.h>
#include <stddef.h>

#pragma clang assume_nonnull begin

/// C_b = op(A_b)·op(B_b) (or C_b += … when `accumulate`) for b < batch:
/// A_b m×k (k×m when transposed), B_b k×n (n×k when transposed), C_b m×n.
void dnc_batched_matmul_f32(
    ptrdiff_t batch, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, bool transpose_a,
    const float *b, bool transpose_b, float *c, bool accumulate);

/// Content addressing softmax_i(β·cos(k, M_i)): memory B×N×W, keys B×K×W,
/// strengths B×K; out: weights and similarity B×K×N, memory norms B×N, key
/// norms B×K.
void dnc_content_weights_f32(
    ptrdiff_t batch, ptrdiff_t slots, ptrdiff_t width, ptrdiff_t key_count, float epsilon,
    const float *memory, const float *keys, const float *strengths, float *weights,
    float *memory_norms, float *key_norms, float *similarity);

/// The backward pass of dnc_content_weights_f32 from the weights and their
/// adjoint and the norms and similarities the forward pass wrote.
void dnc_content_weights_backward_f32(
    ptrdiff_t batch, ptrdiff_t slots, ptrdiff_t width, ptrdiff_t key_count, float epsilon,
    const float *memory, const float *keys, const float *strengths, const float *weights,
    const float *weights_adjoint, const float *memory_norms, const float *key_norms,
    const float *similarity, float *_Nullable memory_adjoint, float *_Nullable keys_adjoint,
    float *_Nullable strengths_adjoint);

/// Read weights ŵ_k = π_b·(w_k L) + π_f·(w_k Lᵀ) + π_c·c_k: previous
/// weights w, content weights c and the result B×K×N, links L B×N×N,
/// modes B×K×3 ([backward, forward, content]).
void dnc_read_weights_f32(
    ptrdiff_t batch, ptrdiff_t heads, ptrdiff_t slots, const float *previous, const float *link,
    const float *modes, const float *content, float *result);

/// The backward pass of dnc_read_weights_f32 from the result's adjoint.
void dnc_read_weights_backward_f32(
    ptrdiff_t batch, ptrdiff_t heads, ptrdiff_t slots, const float *previous, const float *link,
    const float *modes, const float *content, const float *result_adjoint,
    float *_Nullable previous_adjoint, float *_Nullable link_adjoint,
    float *_Nullable modes_adjoint, float *_Nullable content_adjoint);

#pragma clang assume_nonnull end

#endif

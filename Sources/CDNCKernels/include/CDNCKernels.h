/*
 * Single-precision kernels of the DNC's memory access with run-time CPU
 * dispatch (see dnc_kernels_f32.c for why they are C). Swift reaches them
 * through the `DNCKernels.*Float` entry points of the Autodiff module,
 * whose documentation gives the maths; the layouts are those of the generic
 * kernels in DNCKernels.swift. Every buffer is row-major, every size an
 * element count, and `epsilon` is DNCKernels.epsilon. The adjoint pointers
 * marked _Nullable may be NULL (that adjoint is not wanted); adjoints are
 * accumulated (+=), except where a `store_…` flag is set: the tape passes it
 * when this is the adjoint's first contribution in the backward pass, so the
 * buffer (not zeroed, see `overwriteTarget` in Tape.swift) is stored to.
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

/// Usage u' = (u + w − u⊙w)⊙Π_j(1 − f_j r_j): usage, write weights and the
/// result B×N, free gates B×R, reads B×R×N.
void dnc_usage_f32(
    ptrdiff_t batch, ptrdiff_t slots, ptrdiff_t heads, const float *usage, const float *write,
    const float *free_gates, const float *reads, float *result);

/// The backward pass of dnc_usage_f32 (write_adjoint NULL for the stop-gradient).
void dnc_usage_backward_f32(
    ptrdiff_t batch, ptrdiff_t slots, ptrdiff_t heads, const float *usage, const float *write,
    const float *free_gates, const float *reads, const float *result_adjoint,
    float *_Nullable usage_adjoint, float *_Nullable write_adjoint,
    float *_Nullable free_gates_adjoint, float *_Nullable reads_adjoint);

/// Allocation weights from usage (B×N); out: the result, the sort
/// permutation (slot indices as floats), the sorted values and the exclusive
/// products (B×N each).
void dnc_allocation_f32(
    ptrdiff_t batch, ptrdiff_t slots, float epsilon, const float *usage, float *result,
    float *permutation, float *sorted, float *products);

/// The backward pass of dnc_allocation_f32 from what its forward pass wrote.
void dnc_allocation_backward_f32(
    ptrdiff_t batch, ptrdiff_t slots, float epsilon, const float *permutation, const float *sorted,
    const float *products, const float *result_adjoint, float *usage_adjoint);

/// Write weights g^w(g^a a + (1 − g^a) c): a, c and the result B×N, gates B.
void dnc_write_weights_f32(
    ptrdiff_t batch, ptrdiff_t slots, const float *allocation, const float *content,
    const float *allocation_gate, const float *write_gate, float *result);

/// The backward pass of dnc_write_weights_f32.
void dnc_write_weights_backward_f32(
    ptrdiff_t batch, ptrdiff_t slots, const float *allocation, const float *content,
    const float *allocation_gate, const float *write_gate, const float *result_adjoint,
    float *_Nullable allocation_adjoint, float *_Nullable content_adjoint,
    float *_Nullable allocation_gate_adjoint, float *_Nullable write_gate_adjoint);

/// Erase then write M ⊙ (1 − w eᵀ) + w vᵀ: memory and result B×N×W,
/// weights B×N, erase and values B×W.
void dnc_erase_write_f32(
    ptrdiff_t batch, ptrdiff_t slots, ptrdiff_t width, const float *memory, const float *weights,
    const float *erase, const float *values, float *result);

/// The backward pass of dnc_erase_write_f32 (`store_memory_adjoint`: the
/// memory's adjoint is stored, not added to).
void dnc_erase_write_backward_f32(
    ptrdiff_t batch, ptrdiff_t slots, ptrdiff_t width, const float *memory, const float *weights,
    const float *erase, const float *values, const float *result_adjoint,
    float *_Nullable memory_adjoint, bool store_memory_adjoint, float *_Nullable weights_adjoint,
    float *_Nullable erase_adjoint, float *_Nullable values_adjoint);

/// Precedence (1 − Σw)p + w (B×N each).
void dnc_precedence_f32(
    ptrdiff_t batch, ptrdiff_t slots, const float *precedence, const float *weights, float *result);

/// The backward pass of dnc_precedence_f32.
void dnc_precedence_backward_f32(
    ptrdiff_t batch, ptrdiff_t slots, const float *precedence, const float *weights,
    const float *result_adjoint, float *_Nullable precedence_adjoint,
    float *_Nullable weights_adjoint);

/// Temporal links (1 − w_i − w_j)L_ij + w_i p_j, diagonal 0: links B×N×N,
/// precedence and weights B×N.
void dnc_link_f32(
    ptrdiff_t batch, ptrdiff_t slots, const float *link, const float *precedence,
    const float *weights, float *result);

/// The backward pass of dnc_link_f32 (`store_link_adjoint`: the links'
/// adjoint is stored, not added to).
void dnc_link_backward_f32(
    ptrdiff_t batch, ptrdiff_t slots, const float *link, const float *precedence,
    const float *weights, const float *result_adjoint, float *_Nullable link_adjoint,
    bool store_link_adjoint, float *_Nullable precedence_adjoint, float *_Nullable weights_adjoint);

/// The fused read: from the per-coordinate read interface (B·n rows of
/// R(W+4): keys, strength logits, mode logits) the read weights B×K×N
/// (K = nR) of oneplus strengths, softmax modes, content addressing on
/// memory B×N×W and the directional reads through links B×N×N from the
/// previous weights B×K×N. Out for the backward pass: strengths B×K, modes
/// B×K×3, content weights and cosines B×K×N, memory norms B×N, key norms B×K.
void dnc_read_f32(
    ptrdiff_t batch, ptrdiff_t slots, ptrdiff_t width, ptrdiff_t heads, ptrdiff_t read_heads,
    float epsilon, const float *memory, const float *interface, const float *previous,
    const float *link, float *result, float *saved_strengths, float *saved_modes,
    float *saved_content, float *saved_similarity, float *saved_memory_norms,
    float *saved_key_norms);

/// The backward pass of dnc_read_f32 from the result's adjoint and what its
/// forward pass saved (`store_interface_adjoint`: the interface's adjoint is
/// stored, not added to).
void dnc_read_backward_f32(
    ptrdiff_t batch, ptrdiff_t slots, ptrdiff_t width, ptrdiff_t heads, ptrdiff_t read_heads,
    float epsilon, const float *memory, const float *interface, const float *previous,
    const float *link, const float *result_adjoint, const float *saved_strengths,
    const float *saved_modes, const float *saved_content, const float *saved_similarity,
    const float *saved_memory_norms, const float *saved_key_norms,
    float *_Nullable memory_adjoint, float *_Nullable interface_adjoint, bool store_interface_adjoint,
    float *_Nullable previous_adjoint, float *_Nullable link_adjoint);

#pragma clang assume_nonnull end

#endif

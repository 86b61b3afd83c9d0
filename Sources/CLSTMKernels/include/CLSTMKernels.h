/*
 * Single-precision kernels of the fused LSTM cell with run-time CPU dispatch
 * (see lstm_kernels_f32.c for why they are C). Swift reaches them through
 * `LSTMKernels` in the Autodiff module, whose documentation and
 * docs/autodiff.md give the equations. Every buffer is row-major and every
 * size an element count; B is the batch (rows), H the hidden size, and the
 * gate blocks of a 4H-wide row are in the order i, f, g, o.
 */
#ifndef CLSTMKERNELS_H
#define CLSTMKERNELS_H

#include <stdbool.h>
#include <stddef.h>

#pragma clang assume_nonnull begin

/// Which instruction set the kernels run with on this CPU: "AVX-512"
/// (x86-64-v4), "AVX2+FMA" (x86-64-v3) or "baseline".
const char *lstm_kernel_path(void);

/// The elementwise forward pass on rows×4H pre-activations z (overwritten
/// by the activated gates i, f, g, o): c′ = f⊙c + i⊙g, h′ = o⊙tanh c′, and
/// tanh c′ into `cell_tanh` when it is not NULL. `hidden` may alias
/// nothing but itself; `cell` may be `previous_cell` (an in-place update).
void lstm_forward_f32(
    ptrdiff_t rows, ptrdiff_t hidden_size, float *gates, const float *previous_cell, float *cell,
    float *hidden, float *_Nullable cell_tanh);

/// The elementwise backward pass: with δc = ∂L/∂c′ + ∂L/∂h′⊙o⊙(1 − tanh²c′),
/// ∂z = [δc⊙g⊙i(1−i), δc⊙c⊙f(1−f), δc⊙i⊙(1−g²), ∂L/∂h′⊙tanh c′⊙o(1−o)]
/// (overwritten) and ∂L/∂c += δc⊙f when `previous_cell_adjoint` is not NULL.
/// A NULL `hidden_adjoint` or `cell_adjoint` is zero.
void lstm_backward_f32(
    ptrdiff_t rows, ptrdiff_t hidden_size, const float *gates, const float *previous_cell,
    const float *cell_tanh, const float *_Nullable hidden_adjoint, const float *_Nullable cell_adjoint,
    float *gate_adjoint, float *_Nullable previous_cell_adjoint);

/// y[j] += Σ_r x[r, j] for j < columns: the bias gradient from ∂z.
void lstm_add_column_sums_f32(ptrdiff_t rows, ptrdiff_t columns, const float *x, float *y);

/// z = b + x·W_x + h·W_h (rows×4H) without a GEMM: two rows at a time,
/// eight-column vectors of z held in registers across the whole sum. For
/// 4H a multiple of 8 (H even); x rows×I, h rows×H, W_x I×4H, W_h H×4H.
/// At the LSTM optimizer's sizes (H = 20, I ≤ 20) this beats OpenBLAS,
/// whose packing and blocking are made for large products.
void lstm_preactivations_f32(
    ptrdiff_t rows, ptrdiff_t input_size, ptrdiff_t hidden_size, const float *input, const float *hidden,
    const float *input_weights, const float *hidden_weights, const float *bias, float *gates);

#pragma clang assume_nonnull end

#endif

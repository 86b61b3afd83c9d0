import CLSTMKernels

/// The instruction set the C kernels (the LSTM cell's and the DNC's, both
/// compiled with the same three clones) run with on this CPU.
public enum KernelDispatch {
  /// "AVX-512" (x86-64-v4), "AVX2+FMA" (x86-64-v3) or "baseline" (shown by
  /// `mnemo bench`).
  public static var instructionSet: String { String(cString: lstm_kernel_path()) }
}

/// The `Float` LSTM cell kernels: the C versions in `CLSTMKernels`, compiled
/// for AVX-512, AVX2 + FMA and baseline x86-64 and bound to the best one for
/// this CPU when the program loads (the package itself builds for baseline
/// x86-64, where the generic loops run as SSE2 without FMA).
extension LSTMKernels {
  static func forwardFloat(_ p: LSTMForwardOperands<Float>) {
    lstm_forward_f32(p.batch, p.hiddenSize, p.gates, p.previousCell, p.cell, p.hidden, p.cellTanh)
  }

  /// Whether the GEMM-free pre-activation kernel covers these sizes: 4H a
  /// multiple of its eight-float vectors, and inputs small enough that
  /// OpenBLAS's blocking would not win (I + H ≤ 128).
  static func preactivationsFitTheKernel(_ p: LSTMPreactivationOperands<Float>) -> Bool {
    p.hiddenSize > 0 && p.hiddenSize % 2 == 0 && p.inputSize + p.hiddenSize <= 128
  }

  static func preactivationsFloat(_ p: LSTMPreactivationOperands<Float>) {
    lstm_preactivations_f32(
      p.batch, p.inputSize, p.hiddenSize, p.input, p.hidden, p.inputWeights, p.hiddenWeights, p.bias, p.gates)
  }

  static func backwardFloat(_ p: LSTMBackwardOperands<Float>) {
    lstm_backward_f32(
      p.batch, p.hiddenSize, p.gates, p.previousCell, p.cellTanh, p.hiddenAdjoint, p.cellAdjoint,
      p.gateAdjoint, p.previousCellAdjoint)
  }

  /// y[j] += Σᵣ x[r, j], vectorised across the columns.
  static func addColumnSumsFloat(x: UnsafePointer<Float>, rows: Int, columns: Int, y: UnsafeMutablePointer<Float>) {
    lstm_add_column_sums_f32(rows, columns, x, y)
  }
}

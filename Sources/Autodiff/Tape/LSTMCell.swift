/// The conventions of Mnemo's fused LSTM cell, and a tape-free forward pass
/// for inference.
///
/// Gate pre-activations z = [x h]·W + b with W = [W_x; W_h] of (I+H)×4H are
/// laid out in four blocks of H columns in the order **i, f, g, o** (input,
/// forget, cell candidate, output — PyTorch's order):
///
///     i = σ(z[0..<H])      f = σ(z[H..<2H])
///     g = tanh(z[2H..<3H]) o = σ(z[3H..<4H])
///     c′ = f⊙c + i⊙g       h′ = o⊙tanh c′
///
/// There is no built-in forget bias: the cell adds only `bias`. To start with
/// the forget gate open, as Sonnet's `forget_bias = 1` (used by DeepMind's
/// learning-to-learn) does, initialise the forget block of the bias to 1 with
/// ``initialBias(hiddenSize:forgetBias:)``; the two are the same function at
/// initialisation and receive the same gradients.
public enum LSTMCell {
  /// The four gates, in their column order.
  public enum Gate: Int, CaseIterable, Sendable {
    case input = 0, forget, cell, output
  }

  /// The columns of gate `gate` in the 4H-wide weights and bias.
  public static func columns(of gate: Gate, hiddenSize: Int) -> Range<Int> {
    (gate.rawValue * hiddenSize)..<((gate.rawValue + 1) * hiddenSize)
  }

  /// A bias of 4H elements, zero except `forgetBias` in the forget block.
  public static func initialBias<S: TensorScalar>(
    hiddenSize: Int, forgetBias: S = 1
  ) -> Tensor<S> {
    var scalars = [S](repeating: 0, count: 4 * hiddenSize)
    for j in columns(of: .forget, hiddenSize: hiddenSize) { scalars[j] = forgetBias }
    return Tensor(shape: .vector(4 * hiddenSize), scalars: scalars)
  }

  /// The scratch elements the tape-free `forward` needs: B·(I+H+1) for
  /// [x h 1], (I+H+1)·4H for the stacked weights, B·4H for the gates.
  public static func workspaceCount(batch: Int, inputSize: Int, hiddenSize: Int) -> Int {
    let width = inputSize + hiddenSize + 1
    return batch * width + width * 4 * hiddenSize + batch * 4 * hiddenSize
  }

  /// One step of the cell for a batch of B rows without recording anything:
  /// the learned optimizer's update during a race. One GEMM for the gates,
  /// then the fused elementwise passes.
  ///
  /// `newHidden` and `newCell` (B×H) may be the same buffers as `hidden` and
  /// `cell`, updating the state in place. `workspace` must hold
  /// ``workspaceCount(batch:inputSize:hiddenSize:)`` elements.
  public static func forward<S: TensorScalar>(
    batch: Int, inputSize: Int, hiddenSize: Int,
    input: UnsafePointer<S>, hidden: UnsafePointer<S>, cell: UnsafePointer<S>,
    inputWeights: UnsafePointer<S>, hiddenWeights: UnsafePointer<S>, bias: UnsafePointer<S>,
    workspace: UnsafeMutablePointer<S>,
    newHidden: UnsafeMutablePointer<S>, newCell: UnsafeMutablePointer<S>
  ) {
    guard batch > 0, hiddenSize > 0 else { return }
    let width = inputSize + hiddenSize + 1
    let concatenated = workspace
    let weights = workspace + batch * width
    let gates = weights + width * 4 * hiddenSize
    gatePreactivations(
      batch: batch, inputSize: inputSize, hiddenSize: hiddenSize, input: input, hidden: hidden,
      inputWeights: inputWeights, hiddenWeights: hiddenWeights, bias: bias,
      concatenated: concatenated, weights: weights, gates: gates)
    S.run(
      .lstmForward(
        LSTMForwardOperands(
          batch: batch, hiddenSize: hiddenSize, gates: gates, previousCell: cell,
          cell: newCell, hidden: newHidden, cellTanh: nil)))
  }

  /// The gate pre-activations in one GEMM: [x h 1]·W′ with
  /// W′ = [W_x; W_h; b] ((I+H+1)×4H), whose cell-candidate block is doubled
  /// so that the elementwise pass can take tanh z_g as 2σ(2z_g) − 1.
  /// Doubling is exact in binary floating point.
  static func gatePreactivations<S: TensorScalar>(
    batch: Int, inputSize: Int, hiddenSize: Int,
    input: UnsafePointer<S>, hidden: UnsafePointer<S>,
    inputWeights: UnsafePointer<S>, hiddenWeights: UnsafePointer<S>, bias: UnsafePointer<S>,
    concatenated: UnsafeMutablePointer<S>, weights: UnsafeMutablePointer<S>,
    gates: UnsafeMutablePointer<S>
  ) {
    let width = inputSize + hiddenSize + 1
    let gateWidth = 4 * hiddenSize
    S.run(
      .copyBlock(
        source: input, sourceStride: inputSize, destination: concatenated, destinationStride: width,
        rows: batch, columns: inputSize, accumulate: false))
    S.run(
      .copyBlock(
        source: hidden, sourceStride: hiddenSize, destination: concatenated + inputSize,
        destinationStride: width, rows: batch, columns: hiddenSize, accumulate: false))
    S.run(.fillColumn(concatenated + inputSize + hiddenSize, stride: width, rows: batch, value: 1))
    S.run(.copy(x: inputWeights, y: weights, count: inputSize * gateWidth))
    S.run(.copy(x: hiddenWeights, y: weights + inputSize * gateWidth, count: hiddenSize * gateWidth))
    S.run(.copy(x: bias, y: weights + (inputSize + hiddenSize) * gateWidth, count: gateWidth))
    let candidate = columns(of: .cell, hiddenSize: hiddenSize)
    S.run(
      .scaleBlock(
        weights + candidate.lowerBound, stride: gateWidth, rows: width, columns: hiddenSize, factor: 2))
    S._gemm(
      transposeA: false, transposeB: false, m: batch, n: gateWidth, k: width,
      alpha: 1, a: concatenated, lda: width, b: weights, ldb: gateWidth,
      beta: 0, c: gates, ldc: gateWidth)
  }
}

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

  /// The scratch elements the tape-free `forward` needs: B·4H for the
  /// gates (the pre-activations come from the inputs' own storage, with no
  /// [x h 1] copy).
  public static func workspaceCount(batch: Int, inputSize: Int, hiddenSize: Int) -> Int {
    batch * 4 * hiddenSize
  }

  /// One step of the cell for a batch of B rows without recording anything:
  /// the learned optimizer's update during a race. The gate pre-activations
  /// (bias and input term, then one GEMM for the hidden term), then the
  /// fused elementwise pass.
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
    ForwardPass(
      preactivations: LSTMPreactivationOperands(
        batch: batch, inputSize: inputSize, hiddenSize: hiddenSize, input: input, hidden: hidden,
        inputWeights: inputWeights, hiddenWeights: hiddenWeights, bias: bias, gates: workspace),
      previousCell: cell, newCell: newCell, newHidden: newHidden, cellTanh: nil
    ).run()
  }

  /// Inputs at most this wide enter the pre-activations through a fused
  /// bias-and-product loop instead of a GEMM: with k ≤ 8 a GEMM spends
  /// more on packing its operands than on arithmetic.
  static let narrowInputWidth = 8

  /// The gate pre-activations z = b + x·W_x + h·W_h (B×4H) read straight
  /// from the operands' storage; no [x h 1] concatenation and no copy of
  /// the weights. In `Float` at the learned optimizers' sizes a C kernel
  /// computes them in one pass without a GEMM; otherwise the bias and the
  /// input term in one pass (narrow inputs) or a bias broadcast and a GEMM,
  /// then the hidden term as a GEMM accumulating into z.
  static func gatePreactivations<S: TensorScalar>(_ p: LSTMPreactivationOperands<S>) {
    S.run(.lstmPreactivations(p))
  }

  /// The pre-activations through OpenBLAS: the generic path (and `Float`'s
  /// for sizes the C kernel does not cover).
  static func preactivationsWithGEMM<S: TensorScalar>(_ p: LSTMPreactivationOperands<S>) {
    let gateWidth = 4 * p.hiddenSize
    let narrow = p.inputSize <= narrowInputWidth
    LSTMKernels.initialiseGates(p, includingInput: narrow)
    if !narrow {
      S._gemm(
        transposeA: false, transposeB: false, m: p.batch, n: gateWidth, k: p.inputSize,
        alpha: 1, a: p.input, lda: p.inputSize, b: p.inputWeights, ldb: gateWidth,
        beta: 1, c: p.gates, ldc: gateWidth)
    }
    if p.hiddenSize > 0 {
      S._gemm(
        transposeA: false, transposeB: false, m: p.batch, n: gateWidth, k: p.hiddenSize,
        alpha: 1, a: p.hidden, lda: p.hiddenSize, b: p.hiddenWeights, ldb: gateWidth,
        beta: 1, c: p.gates, ldc: gateWidth)
    }
  }
}

/// Operands of the gate pre-activations z = b + x·W_x + h·W_h.
struct LSTMPreactivationOperands<S: TensorScalar> {
  var batch: Int
  var inputSize: Int
  var hiddenSize: Int
  /// x, B×I.
  var input: UnsafePointer<S>
  /// h, B×H.
  var hidden: UnsafePointer<S>
  /// W_x, I×4H.
  var inputWeights: UnsafePointer<S>
  /// W_h, H×4H.
  var hiddenWeights: UnsafePointer<S>
  /// b, 4H.
  var bias: UnsafePointer<S>
  /// z, B×4H (out).
  var gates: UnsafeMutablePointer<S>
}

extension LSTMPreactivationOperands {
  /// The operands of rows `range` alone (the weights are shared).
  func rows(_ range: Range<Int>) -> LSTMPreactivationOperands {
    var part = self
    part.batch = range.count
    part.input = input + range.lowerBound * inputSize
    part.hidden = hidden + range.lowerBound * hiddenSize
    part.gates = gates + range.lowerBound * 4 * hiddenSize
    return part
  }
}

import LinearAlgebra

/// A fully connected classifier over a flat parameter vector, with its
/// forward and backward passes as BLAS products over a batch.
///
/// **Parameter layout.** For each affine map ℓ = 0, 1, …, L (L hidden
/// layers, then the output layer), in order: the weights W_ℓ, row-major
/// `inputs_ℓ × outputs_ℓ` (so a batch of row vectors maps as A·W_ℓ, as in
/// TensorFlow's `x @ W`), then the biases b_ℓ (`outputs_ℓ`). For
/// 784→20→10: W₀ is θ[0..<15680], b₀ θ[15680..<15700], W₁ θ[15700..<15900],
/// b₁ θ[15900..<15910].
///
/// **Loss.** Hidden layers apply ``Activation``; the output layer is a
/// softmax, and the loss is the mean cross-entropy over the batch,
/// −(1/B) Σ_i log softmax(z_i)[label_i], computed with the log-sum-exp shift.
struct MLPNetwork: Sendable {
  /// Widths from input to output, e.g. [784, 20, 10].
  let sizes: [Int]
  let activation: Activation
  /// Start of W_ℓ and of b_ℓ in θ.
  let weightOffsets: [Int]
  let biasOffsets: [Int]
  /// The number of parameters.
  let parameterCount: Int

  init(sizes: [Int], activation: Activation) {
    precondition(sizes.count >= 2 && sizes.allSatisfy { $0 >= 1 })
    self.sizes = sizes
    self.activation = activation
    var weights: [Int] = []
    var biases: [Int] = []
    var offset = 0
    for l in 0..<(sizes.count - 1) {
      weights.append(offset)
      offset += sizes[l] * sizes[l + 1]
      biases.append(offset)
      offset += sizes[l + 1]
    }
    weightOffsets = weights
    biasOffsets = biases
    parameterCount = offset
  }

  var layerCount: Int { sizes.count - 1 }
  var inputWidth: Int { sizes[0] }
  var classCount: Int { sizes[sizes.count - 1] }

  /// Floats of the per-layer outputs for a batch of `batch` rows.
  func activationCount(batch: Int) -> Int { batch * sizes.dropFirst().reduce(0, +) }

  /// Floats of the two back-propagation buffers for `batch` rows.
  func deltaCount(batch: Int) -> Int { 2 * batch * (sizes.dropFirst().max() ?? 0) }

  /// The mean cross-entropy over `batch` rows of `input` (row-major, each
  /// `inputWidth` wide) with labels `label(i)`, the number of rows whose
  /// arg-max matches the label, and — when `gradient` is non-nil — ∇θ
  /// written into it.
  ///
  /// `outputs` must hold ``activationCount(batch:)`` floats and `deltas`
  /// ``deltaCount(batch:)`` (unused without a gradient); nothing is
  /// allocated.
  func evaluate(
    theta: UnsafePointer<Float>, input: UnsafePointer<Float>, batch: Int,
    label: (Int) -> Int,
    outputs: UnsafeMutablePointer<Float>, deltas: UnsafeMutablePointer<Float>?,
    gradient: UnsafeMutablePointer<Float>?
  ) -> (meanLoss: Float, correct: Int) {
    // Forward: output_ℓ = φ(input_ℓ · W_ℓ + b_ℓ), the last one left as logits.
    var current = input
    var out = outputs
    for l in 0..<layerCount {
      let (fanIn, fanOut) = (sizes[l], sizes[l + 1])
      let bias = theta + biasOffsets[l]
      for row in 0..<batch { (out + row * fanOut).update(from: bias, count: fanOut) }
      BLAS.gemm(
        m: batch, n: fanOut, k: fanIn, a: current, b: theta + weightOffsets[l], beta: 1, c: out)
      if l < layerCount - 1 { activation.apply(out, count: batch * fanOut) }
      current = UnsafePointer(out)
      out += batch * fanOut
    }

    // Softmax cross-entropy; the logits are turned into ∂loss/∂logits in place.
    let classes = classCount
    let logits = out - batch * classes
    let (lossSum, correct) = SoftmaxCrossEntropy.evaluate(
      logits: logits, rows: batch, classes: classes, label: label,
      gradientScale: gradient == nil ? nil : 1 / Float(batch))
    let meanLoss = Float(lossSum / Double(batch))
    guard let gradient, let deltas else { return (meanLoss, correct) }

    // Backward: ∂W_ℓ = input_ℓᵀ δ_ℓ, ∂b_ℓ = Σ_rows δ_ℓ, δ_{ℓ−1} = (δ_ℓ W_ℓᵀ) ⊙ φ′.
    let half = deltaCount(batch: batch) / 2
    var delta = logits
    var spare = deltas
    var outputEnd = logits
    for l in stride(from: layerCount - 1, through: 0, by: -1) {
      let (fanIn, fanOut) = (sizes[l], sizes[l + 1])
      let layerInput: UnsafePointer<Float>
      if l == 0 {
        layerInput = input
      } else {
        outputEnd -= batch * fanIn
        layerInput = UnsafePointer(outputEnd)
      }
      BLAS.gemm(
        .transposed, .none, m: fanIn, n: fanOut, k: batch,
        a: layerInput, b: delta, c: gradient + weightOffsets[l])
      let biasGradient = gradient + biasOffsets[l]
      for c in 0..<fanOut { biasGradient[c] = 0 }
      for row in 0..<batch {
        let d = delta + row * fanOut
        for c in 0..<fanOut { biasGradient[c] += d[c] }
      }
      if l > 0 {
        BLAS.gemm(
          .none, .transposed, m: batch, n: fanIn, k: fanOut,
          a: delta, b: theta + weightOffsets[l], c: spare)
        activation.multiplyDerivative(spare, output: layerInput, count: batch * fanIn)
        let next = spare
        spare = delta == logits ? deltas + half : delta
        delta = next
      }
    }
    return (meanLoss, correct)
  }
}

import Autodiff
import LinearAlgebra

/// Seeded random tensors and helpers shared by the Autodiff tests.
enum Fixtures {
  /// Gaussian entries · scale + offset, reproducible from `seed`.
  static func tensor<S: TensorScalar>(
    _ shape: Shape, seed: UInt64, scale: Double = 1, offset: Double = 0
  ) -> Tensor<S> {
    var random = RandomSource(seed: seed, stream: 7)
    let scalars = (0..<shape.count).map { _ in S(Double(random.gaussian()) * scale + offset) }
    return Tensor(shape: shape, scalars: scalars)
  }

  /// Uniform entries on [low, high).
  static func uniform<S: TensorScalar>(
    _ shape: Shape, seed: UInt64, _ low: Double, _ high: Double
  ) -> Tensor<S> {
    var random = RandomSource(seed: seed, stream: 8)
    let scalars = (0..<shape.count).map { _ in S(low + (high - low) * Double(random.uniform())) }
    return Tensor(shape: shape, scalars: scalars)
  }

  /// Σ y ⊙ w for a fixed random w of y's shape: a scalar whose adjoint for y
  /// is w, so every element of y is weighted differently (a plain sum would
  /// hide transposed or permuted adjoints).
  static func project<S: TensorScalar>(_ tape: Tape<S>, _ y: Variable<S>, seed: UInt64 = 99) -> Variable<S> {
    let w = tape.constant(tensor(y.shape, seed: seed) as Tensor<S>)
    return tape.sum(tape.multiply(y, w))
  }

  /// The largest |a − b| / max(|a|, |b|, floor) over two equally shaped tensors.
  static func relativeDifference<S: TensorScalar, T: TensorScalar>(
    _ a: Tensor<S>, _ b: Tensor<T>, floor: Double = 1e-6
  ) -> Double {
    precondition(a.shape == b.shape, "shapes differ: \(a.shape) vs \(b.shape)")
    var worst = 0.0
    for (x, y) in zip(a.scalars, b.scalars) {
      let u = Double(x)
      let v = Double(y)
      let error = abs(u - v) / max(abs(u), abs(v), floor)
      if !(error <= worst) { worst = error }
    }
    return worst
  }

  /// max |a − b| / max |b|: the error relative to the tensor's scale, the
  /// right measure where rounding differs (Float summation order,
  /// cancellation in gradient sums) and single elements may be near zero.
  static func normalizedDifference<S: TensorScalar, T: TensorScalar>(
    _ a: Tensor<S>, _ b: Tensor<T>
  ) -> Double {
    precondition(a.shape == b.shape, "shapes differ: \(a.shape) vs \(b.shape)")
    var largest = 0.0
    var worst = 0.0
    for (x, y) in zip(a.scalars, b.scalars) {
      largest = max(largest, abs(Double(y)))
      let error = abs(Double(x) - Double(y))
      if !(error <= worst) { worst = error }
    }
    return worst / max(largest, .leastNormalMagnitude)
  }

  /// Whether every element is finite.
  static func allFinite<S: TensorScalar>(_ t: Tensor<S>) -> Bool {
    t.scalars.allSatisfy { $0.isFinite }
  }
}

/// A small stacked LSTM with a linear head, unrolled as a learned optimizer:
/// each step feeds the optimizee's gradient a ⊙ θ through the layers, adds
/// the head's output to θ and adds f(θ) = ½ Σ aᵢθᵢ² (a custom node) to the
/// meta-loss. Written once, generic over the scalar, so the same graph runs
/// in Float and Double.
struct UnrolledOptimizer: Sendable {
  let batch: Int
  let hiddenSize: Int
  let layers: Int
  let steps: Int
  /// Whether the gradient fed to the network is a differentiable tape value
  /// (so finite differences see the same function) or a constant, as in
  /// meta-training, where second derivatives are dropped.
  let differentiableInput: Bool

  /// The leaves: per layer W_x, W_h, b; then the head's W and b.
  func leaves<S: TensorScalar>(seed: UInt64) -> [Tensor<S>] {
    var result: [Tensor<S>] = []
    for layer in 0..<layers {
      let width = layer == 0 ? 1 : hiddenSize
      let base = seed &+ UInt64(layer) &* 10
      result.append(Fixtures.tensor(.matrix(width, 4 * hiddenSize), seed: base &+ 1, scale: 0.5))
      result.append(Fixtures.tensor(.matrix(hiddenSize, 4 * hiddenSize), seed: base &+ 2, scale: 0.3))
      var bias: Tensor<S> = Fixtures.tensor(.vector(4 * hiddenSize), seed: base &+ 3, scale: 0.1)
      for j in LSTMCell.columns(of: .forget, hiddenSize: hiddenSize) { bias.scalars[j] += 1 }
      result.append(bias)
    }
    result.append(Fixtures.tensor(.matrix(hiddenSize, 1), seed: seed &+ 100, scale: 0.3))
    result.append(Fixtures.tensor(.vector(1), seed: seed &+ 101, scale: 0.1))
    return result
  }

  func curvature<S: TensorScalar>() -> Tensor<S> { Fixtures.uniform(.matrix(batch, 1), seed: 5, 0.5, 2) }

  func initialTheta<S: TensorScalar>() -> Tensor<S> { Fixtures.tensor(.matrix(batch, 1), seed: 6) }

  /// Records the unroll; returns the meta-loss Σₜ f(θₜ).
  func record<S: TensorScalar>(_ tape: Tape<S>, _ v: [Variable<S>]) -> Variable<S> {
    let a = tape.constant(curvature() as Tensor<S>)
    var theta = tape.constant(initialTheta() as Tensor<S>)
    let zeros = Tensor<S>(shape: .matrix(batch, hiddenSize), repeating: 0)
    var state = (0..<layers).map { _ in (tape.constant(zeros), tape.constant(zeros)) }
    var metaLoss = loss(tape, theta, a)
    for _ in 0..<steps {
      let gradient = tape.multiply(a, theta)
      var input = differentiableInput ? gradient : tape.stopGradient(gradient)
      for layer in 0..<layers {
        let (h, c) = tape.lstmCell(
          input: input, hidden: state[layer].0, cell: state[layer].1,
          inputWeights: v[3 * layer], hiddenWeights: v[3 * layer + 1], bias: v[3 * layer + 2])
        state[layer] = (h, c)
        input = h
      }
      let update = tape.add(tape.matmul(input, v[3 * layers]), v[3 * layers + 1])
      theta = tape.add(theta, update)
      metaLoss = tape.add(metaLoss, loss(tape, theta, a))
    }
    return metaLoss
  }

  /// f(θ) = ½ Σ aᵢθᵢ², a custom node whose backward adds ȳ·a⊙θ to θ̄.
  private func loss<S: TensorScalar>(_ tape: Tape<S>, _ theta: Variable<S>, _ a: Variable<S>) -> Variable<S> {
    let curvature = tape.value(of: a).scalars
    return tape.custom(inputs: [theta], shape: .scalar, savedCount: theta.shape.count) { context in
      var total: S = 0
      for (i, value) in context.input(0).enumerated() {
        context.saved[i] = curvature[i] * value
        total += curvature[i] * value * value / 2
      }
      context.output[0] = total
    } backward: { context in
      context.accumulate(into: 0, context.saved, scaledBy: context.outputAdjoint[0])
    }
  }
}

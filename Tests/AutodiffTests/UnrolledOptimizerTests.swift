import Autodiff
import Testing

/// The shape of the learned optimizer: a two-layer LSTM unrolled for three
/// steps with a linear head, θ ← θ + Δ and the optimizee's loss entering
/// through a custom node.
@Suite struct UnrolledOptimizerTests {
  static let model = UnrolledOptimizer(
    batch: 4, hiddenSize: 5, layers: 2, steps: 3, differentiableInput: true)

  @Test func gradientsMatchFiniteDifferences() {
    let leaves: [Tensor<Double>] = Self.model.leaves(seed: 1)
    // h = 10⁻⁴: some weights' gradients are ~10⁻⁵ against a loss of ~10,
    // where h = 10⁻⁵ would leave ~10⁻⁵ relative rounding error in the
    // difference quotient (the error falls with h until rounding takes over,
    // as it should for a correct gradient).
    let result = GradientChecker.check(leaves, step: 1e-4) { tape, v in Self.model.record(tape, v) }
    #expect(result.elementCount == leaves.reduce(0) { $0 + $1.shape.count })
    #expect(result.maxRelativeError < 2e-6, "\(result)")
  }

  @Test func droppingSecondDerivativesChangesOnlyTheGradient() {
    // With the network's input a constant (as in meta-training) the loss is
    // the same function value but its gradient omits the path through ∇f.
    let constantInput = UnrolledOptimizer(
      batch: 4, hiddenSize: 5, layers: 2, steps: 3, differentiableInput: false)
    let leaves: [Tensor<Double>] = Self.model.leaves(seed: 1)
    let full = Self.evaluate(Self.model, leaves)
    let dropped = Self.evaluate(constantInput, leaves)
    #expect(full.loss == dropped.loss)
    let difference = zip(full.gradients, dropped.gradients).map { Fixtures.normalizedDifference($0, $1) }
    #expect(difference.max() ?? 0 > 1e-3)
  }

  @Test func floatAgreesWithDouble() {
    let double = Self.evaluate(Self.model, Self.model.leaves(seed: 2) as [Tensor<Double>])
    let float = Self.evaluate(Self.model, Self.model.leaves(seed: 2) as [Tensor<Float>])
    #expect(abs(Double(float.loss) - double.loss) <= 1e-5 * abs(double.loss))
    for (f, d) in zip(float.gradients, double.gradients) {
      #expect(Fixtures.normalizedDifference(f, d) < 1e-4)
    }
  }

  @Test func arenaReuseReproducesTheRunExactlyWithoutGrowing() {
    let leaves: [Tensor<Float>] = Self.model.leaves(seed: 3)
    let tape = Tape<Float>()
    let first = Self.evaluate(Self.model, leaves, on: tape)
    let storage = tape.storageBytes
    for _ in 0..<3 {
      let again = Self.evaluate(Self.model, leaves, on: tape)
      #expect(again.loss == first.loss)
      #expect(again.gradients == first.gradients)
      #expect(tape.storageBytes == storage)
    }
  }

  static func evaluate<S: TensorScalar>(
    _ model: UnrolledOptimizer, _ leaves: [Tensor<S>], on tape: Tape<S> = Tape<S>()
  ) -> (loss: S, gradients: [Tensor<S>]) {
    tape.reset()
    let v = leaves.map { tape.variable($0) }
    let loss = model.record(tape, v)
    tape.backward(from: loss)
    return (tape.value(of: loss).scalar, v.map { tape.gradient(of: $0) })
  }
}

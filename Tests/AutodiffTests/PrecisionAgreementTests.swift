import Autodiff
import Testing

/// The same graphs in Float and Double: Float's vectorisable exponential,
/// sigmoid and tanh against the C library through Double, and whole
/// operations' values and gradients.
@Suite struct PrecisionAgreementTests {
  /// x on a dense grid over the whole finite range of the Float exponential.
  static let grid: [Double] = stride(from: -86.0, through: 88.0, by: 0.0173).map { $0 }

  static func run<S: TensorScalar>(
    _: S.Type, _ inputs: [Double], _ op: (Tape<S>, Variable<S>) -> Variable<S>
  ) -> (value: Tensor<S>, gradient: Tensor<S>) {
    let tape = Tape<S>()
    let x = tape.variable(Tensor(shape: .vector(inputs.count), scalars: inputs.map { S($0) }))
    let y = op(tape, x)
    tape.backward(from: tape.sum(y))
    return (tape.value(of: y), tape.gradient(of: x))
  }

  @Test func exponentialIsAccurateToAFewUlps() {
    // Compare against Double evaluated at the Float-rounded input, so only
    // the function's own error is measured.
    let inputs = Self.grid.map { Double(Float($0)) }
    let float = Self.run(Float.self, inputs) { $0.exp($1) }.value
    let double = Self.run(Double.self, inputs) { $0.exp($1) }.value
    #expect(Fixtures.relativeDifference(float, double, floor: 1e-37) < 3e-7)
  }

  @Test func sigmoidAndTanhAreAccurate() {
    let inputs = Self.grid.map { Double(Float($0 / 4)) }
    let sigmoidF = Self.run(Float.self, inputs) { $0.sigmoid($1) }
    let sigmoidD = Self.run(Double.self, inputs) { $0.sigmoid($1) }
    #expect(Fixtures.relativeDifference(sigmoidF.value, sigmoidD.value, floor: 1e-30) < 4e-7)
    #expect(Fixtures.normalizedDifference(sigmoidF.gradient, sigmoidD.gradient) < 1e-6)
    let tanhF = Self.run(Float.self, inputs) { $0.tanh($1) }
    let tanhD = Self.run(Double.self, inputs) { $0.tanh($1) }
    // Relative accuracy holds near 0 too (the small-argument polynomial).
    #expect(Fixtures.relativeDifference(tanhF.value, tanhD.value, floor: 1e-30) < 4e-7)
    #expect(Fixtures.normalizedDifference(tanhF.gradient, tanhD.gradient) < 1e-6)
  }

  @Test func softplusSoftmaxAndArithmeticAgree() {
    let inputs = (0..<40).map { Double($0) * 0.37 - 7 }
    let softplusF = Self.run(Float.self, inputs) { $0.softplus($1) }
    let softplusD = Self.run(Double.self, inputs) { $0.softplus($1) }
    #expect(Fixtures.relativeDifference(softplusF.value, softplusD.value) < 1e-6)
    #expect(Fixtures.relativeDifference(softplusF.gradient, softplusD.gradient) < 1e-6)
    func graph<S: TensorScalar>(_ t: Tape<S>, _ x: Variable<S>) -> Variable<S> {
      let m = t.reshape(x, to: .matrix(4, 10))
      let w = t.constant(Fixtures.tensor(.matrix(10, 3), seed: 3) as Tensor<S>)
      let s = t.softmax(t.matmul(m, w))
      return t.divide(t.log(t.add(s, t.constant(S(1e-3)))), t.sum(t.exp(t.scale(x, by: 0.1))))
    }
    let f = Self.run(Float.self, inputs, graph)
    let d = Self.run(Double.self, inputs, graph)
    #expect(Fixtures.normalizedDifference(f.value, d.value) < 1e-5)
    #expect(Fixtures.normalizedDifference(f.gradient, d.gradient) < 1e-5)
  }
}

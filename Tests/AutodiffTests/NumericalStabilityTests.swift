import Autodiff
import Testing

/// Large inputs must saturate, not overflow into infinities or NaN, in
/// values and in gradients, in both precisions.
@Suite struct NumericalStabilityTests {
  static let extremes: [Double] = [-1000, -100, -88, -20, 0, 20, 88, 100, 1000]

  static func valueAndGradient<S: TensorScalar>(
    _ type: S.Type, _ inputs: [Double], _ op: (Tape<S>, Variable<S>) -> Variable<S>
  ) -> (value: Tensor<S>, gradient: Tensor<S>) {
    let tape = Tape<S>()
    let x = tape.variable(Tensor(shape: .matrix(1, inputs.count), scalars: inputs.map { S($0) }))
    let y = op(tape, x)
    tape.backward(from: Fixtures.project(tape, y))
    return (tape.value(of: y), tape.gradient(of: x))
  }

  @Test func softmaxOfHugeLogits() {
    for type in [Float.self, Double.self] as [any TensorScalar.Type] {
      func check<S: TensorScalar>(_: S.Type) {
        let (value, gradient) = Self.valueAndGradient(S.self, [1000, 0, -1000, 999]) { $0.softmax($1) }
        #expect(Fixtures.allFinite(value) && Fixtures.allFinite(gradient))
        // e^1000 : e^999 = e : 1, everything else underflows to 0.
        let e = 2.718_281_828_459_045
        #expect(abs(Double(value.scalars[0]) - e / (1 + e)) < 1e-6)
        #expect(value.scalars[1] == 0 && value.scalars[2] == 0)
        #expect(abs(Double(value.scalars.reduce(0, +)) - 1) < 1e-6)
      }
      check(type)
    }
  }

  @Test func softplusSigmoidTanhExpSaturate() {
    for type in [Float.self, Double.self] as [any TensorScalar.Type] {
      func check<S: TensorScalar>(_: S.Type) {
        let softplus = Self.valueAndGradient(S.self, Self.extremes) { $0.softplus($1) }
        #expect(Fixtures.allFinite(softplus.value) && Fixtures.allFinite(softplus.gradient))
        #expect(softplus.value.scalars.first == 0)
        #expect(softplus.value.scalars.last == 1000)
        let sigmoid = Self.valueAndGradient(S.self, Self.extremes) { $0.sigmoid($1) }
        #expect(Fixtures.allFinite(sigmoid.value) && Fixtures.allFinite(sigmoid.gradient))
        #expect(sigmoid.value.scalars.first == 0 && sigmoid.value.scalars.last == 1)
        let tanh = Self.valueAndGradient(S.self, Self.extremes) { $0.tanh($1) }
        #expect(Fixtures.allFinite(tanh.value) && Fixtures.allFinite(tanh.gradient))
        #expect(tanh.value.scalars.first == -1 && tanh.value.scalars.last == 1)
        let log = Self.valueAndGradient(S.self, [0, -5, 1e-30]) { $0.log($1, floor: 1e-12) }
        #expect(Fixtures.allFinite(log.value) && Fixtures.allFinite(log.gradient))
        #expect(log.gradient.scalars[0] == 0 && log.gradient.scalars[1] == 0)
      }
      check(type)
    }
    // In Float e⁻⁸⁸ and below flush to 0 and e¹⁰⁰ overflows to +∞, as a
    // float must; never NaN.
    let exp = Self.valueAndGradient(Float.self, Self.extremes) { $0.exp($1) }
    let zero = exp.value.scalars.map { $0 == 0 }
    let infinite = exp.value.scalars.map { $0 == .infinity }
    #expect(zero == [true, true, true, false, false, false, false, false, false])
    #expect(infinite == [false, false, false, false, false, false, false, true, true])
    #expect(!exp.value.scalars.contains { $0.isNaN } && !exp.gradient.scalars.contains { $0.isNaN })
    #expect(exp.value.scalars[4] == 1)
  }

  @Test func lstmCellWithSaturatedGates() {
    let tape = Tape<Float>()
    let x = tape.variable(Tensor(shape: .matrix(2, 1), scalars: [1e4, -1e4]))
    let (h, c) = tape.lstmCell(
      input: x, hidden: tape.constant(Tensor(shape: .matrix(2, 3), repeating: 0)),
      cell: tape.constant(Tensor(shape: .matrix(2, 3), repeating: 50)),
      inputWeights: tape.variable(Tensor(shape: .matrix(1, 12), repeating: 1)),
      hiddenWeights: tape.variable(Tensor(shape: .matrix(3, 12), repeating: 0)),
      bias: tape.variable(Tensor(shape: .vector(12), repeating: 0)))
    tape.backward(from: tape.add(tape.sum(h), tape.sum(c)))
    #expect(Fixtures.allFinite(tape.value(of: h)) && Fixtures.allFinite(tape.value(of: c)))
    #expect(Fixtures.allFinite(tape.gradient(of: x)))
    // Gates saturate: i = f = o = 1 and g = 1 on the first row, so c′ = 51
    // (in Float the cell's gates come within 3·10⁻⁷ of 1, documented).
    #expect(abs(tape.value(of: c).scalars[0] - 51) < 1e-4)
    #expect(abs(tape.value(of: c).scalars[3]) < 1e-4)
  }

  @Test func clampAtItsBoundaries() {
    let tape = Tape<Double>()
    let x = tape.variable(Tensor(shape: .vector(6), scalars: [-1, 1, -1.5, 1.5, 0.25, -1 + 1e-12]))
    let y = tape.clamp(x, lower: -1, upper: 1)
    tape.backward(from: Fixtures.project(tape, y))
    #expect(tape.value(of: y).scalars == [-1, 1, -1, 1, 0.25, -1 + 1e-12])
    let w: Tensor<Double> = Fixtures.tensor(.vector(6), seed: 99)
    // Inside and on the boundary the gradient passes; outside it is zero.
    #expect(tape.gradient(of: x).scalars == [w.scalars[0], w.scalars[1], 0, 0, w.scalars[4], w.scalars[5]])
  }

  @Test func stopGradientBlocksTheGradient() {
    let tape = Tape<Double>()
    let x = tape.variable(Tensor(shape: .vector(3), scalars: [1, -2, 3]))
    // x · stop(x): the value is x², the gradient x (not 2x).
    let y = tape.sum(tape.multiply(x, tape.stopGradient(x)))
    tape.backward(from: y)
    #expect(tape.value(of: y).scalar == 14)
    #expect(tape.gradient(of: x).scalars == [1, -2, 3])
    // A graph entirely behind stop-gradient gives zero gradient.
    let z = tape.sum(tape.square(tape.stopGradient(x)))
    tape.backward(from: z)
    #expect(tape.gradient(of: x).scalars == [0, 0, 0])
  }
}

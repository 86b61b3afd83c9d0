import Autodiff
import Testing

/// The fused LSTM cell against the same cell composed of primitive
/// operations, against finite differences, and against its tape-free
/// inference path.
@Suite struct LSTMCellTests {
  struct Dimensions: Sendable, CustomTestStringConvertible {
    let batch: Int
    let input: Int
    let hidden: Int
    var testDescription: String { "B=\(batch) I=\(input) H=\(hidden)" }
  }

  static let dimensions = [
    Dimensions(batch: 3, input: 1, hidden: 4),
    Dimensions(batch: 5, input: 2, hidden: 7),  // H not a multiple of 4
    Dimensions(batch: 17, input: 20, hidden: 20),  // input through a GEMM (I > 8)
    // More rows than one block of the C forward pass (32), H past a
    // 16-lane vector with a ragged tail, the input term fused (I ≤ 8).
    Dimensions(batch: 70, input: 8, hidden: 37),
    Dimensions(batch: 33, input: 9, hidden: 1),
    // The GEMM-free pre-activations (H even): every chunk width (4H = 24:
    // three vectors; 4H = 56: one chunk of four and three), an odd row count.
    Dimensions(batch: 9, input: 3, hidden: 6),
    Dimensions(batch: 41, input: 14, hidden: 14),
    // The MNIST optimizee's shapes: more rows than one 512-row block (and
    // odd), two features or the 20 units of the layer below.
    Dimensions(batch: 1031, input: 2, hidden: 20),
    Dimensions(batch: 37, input: 20, hidden: 20),
  ]

  /// x, h, c, W_x, W_h, b.
  static func leaves<S: TensorScalar>(_ d: Dimensions, seed: UInt64 = 40) -> [Tensor<S>] {
    [
      Fixtures.tensor(.matrix(d.batch, d.input), seed: seed),
      Fixtures.tensor(.matrix(d.batch, d.hidden), seed: seed + 1),
      Fixtures.tensor(.matrix(d.batch, d.hidden), seed: seed + 2),
      Fixtures.tensor(.matrix(d.input, 4 * d.hidden), seed: seed + 3, scale: 0.6),
      Fixtures.tensor(.matrix(d.hidden, 4 * d.hidden), seed: seed + 4, scale: 0.4),
      Fixtures.tensor(.vector(4 * d.hidden), seed: seed + 5, scale: 0.5),
    ]
  }

  /// The cell from primitives: gate order i, f, g, o along the columns.
  static func composed<S: TensorScalar>(
    _ t: Tape<S>, _ v: [Variable<S>]
  ) -> (hidden: Variable<S>, cell: Variable<S>) {
    let h = v[1].shape[1]
    let z = t.add(t.add(t.matmul(v[0], v[3]), t.matmul(v[1], v[4])), v[5])
    func gate(_ g: LSTMCell.Gate) -> Variable<S> {
      t.slice(z, columns: LSTMCell.columns(of: g, hiddenSize: h))
    }
    let i = t.sigmoid(gate(.input))
    let f = t.sigmoid(gate(.forget))
    let g = t.tanh(gate(.cell))
    let o = t.sigmoid(gate(.output))
    let c = t.add(t.multiply(f, v[2]), t.multiply(i, g))
    return (t.multiply(o, t.tanh(c)), c)
  }

  static func fused<S: TensorScalar>(
    _ t: Tape<S>, _ v: [Variable<S>]
  ) -> (hidden: Variable<S>, cell: Variable<S>) {
    t.lstmCell(input: v[0], hidden: v[1], cell: v[2], inputWeights: v[3], hiddenWeights: v[4], bias: v[5])
  }

  /// Values of h′, c′ and gradients of a projection of both, for every leaf.
  static func evaluate<S: TensorScalar>(
    _ leaves: [Tensor<S>],
    _ cell: (Tape<S>, [Variable<S>]) -> (hidden: Variable<S>, cell: Variable<S>)
  ) -> (values: [Tensor<S>], gradients: [Tensor<S>]) {
    let tape = Tape<S>()
    let v = leaves.map { tape.variable($0) }
    let (h, c) = cell(tape, v)
    let loss = tape.add(Fixtures.project(tape, h, seed: 1), Fixtures.project(tape, c, seed: 2))
    tape.backward(from: loss)
    return ([tape.value(of: h), tape.value(of: c)], v.map { tape.gradient(of: $0) })
  }

  @Test(arguments: dimensions)
  func fusedMatchesComposedInDouble(_ d: Dimensions) {
    let leaves: [Tensor<Double>] = Self.leaves(d)
    let fused = Self.evaluate(leaves, Self.fused)
    let composed = Self.evaluate(leaves, Self.composed)
    for (a, b) in zip(fused.values + fused.gradients, composed.values + composed.gradients) {
      #expect(Fixtures.normalizedDifference(a, b) < 1e-13)
    }
  }

  @Test(arguments: dimensions)
  func fusedMatchesComposedInFloat(_ d: Dimensions) {
    let leaves: [Tensor<Float>] = Self.leaves(d)
    let fused = Self.evaluate(leaves, Self.fused)
    let composed = Self.evaluate(leaves, Self.composed)
    for (a, b) in zip(fused.values + fused.gradients, composed.values + composed.gradients) {
      #expect(Fixtures.normalizedDifference(a, b) < 1e-5)
    }
  }

  /// The Float C kernels (dispatched for this CPU) against the generic
  /// Double loops on the same leaves.
  @Test(arguments: dimensions)
  func floatKernelsMatchDouble(_ d: Dimensions) {
    let doubles: [Tensor<Double>] = Self.leaves(d)
    let floats = doubles.map { Tensor<Float>(shape: $0.shape, scalars: $0.scalars.map(Float.init)) }
    let single = Self.evaluate(floats, Self.fused)
    let double = Self.evaluate(doubles, Self.fused)
    for (a, b) in zip(single.values + single.gradients, double.values + double.gradients) {
      let widened = Tensor<Double>(shape: a.shape, scalars: a.scalars.map(Double.init))
      #expect(Fixtures.normalizedDifference(widened, b) < 2e-6)
    }
  }

  /// x and h also feed the loss directly, recorded after the cell, so the
  /// cell's backward pass accumulates into adjoints that already hold a
  /// contribution (β = 1 in the input-adjoint kernel): Float against Double.
  @Test(arguments: [dimensions[2], dimensions[7], dimensions[8]])
  func inputAdjointsAccumulateInFloat(_ d: Dimensions) {
    func run<S: TensorScalar>(_ leaves: [Tensor<S>]) -> [Tensor<S>] {
      let tape = Tape<S>()
      let v = leaves.map { tape.variable($0) }
      let (h, c) = Self.fused(tape, v)
      var loss = tape.add(Fixtures.project(tape, h, seed: 1), Fixtures.project(tape, c, seed: 2))
      loss = tape.add(loss, tape.add(Fixtures.project(tape, v[0], seed: 5), Fixtures.project(tape, v[1], seed: 6)))
      tape.backward(from: loss)
      return [tape.gradient(of: v[0]), tape.gradient(of: v[1])]
    }
    let doubles: [Tensor<Double>] = Self.leaves(d)
    let floats = doubles.map { Tensor<Float>(shape: $0.shape, scalars: $0.scalars.map(Float.init)) }
    for (a, b) in zip(run(floats), run(doubles)) {
      let widened = Tensor<Double>(shape: a.shape, scalars: a.scalars.map(Double.init))
      #expect(Fixtures.normalizedDifference(widened, b) < 2e-6)
    }
  }

  @Test func kernelPathIsNamed() {
    #expect(["AVX-512", "AVX2+FMA", "baseline"].contains(KernelDispatch.instructionSet))
  }

  @Test(arguments: dimensions.prefix(2))
  func fusedMatchesFiniteDifferences(_ d: Dimensions) {
    let result = GradientChecker.check(Self.leaves(d)) { tape, v in
      let (h, c) = Self.fused(tape, v)
      return tape.add(Fixtures.project(tape, h, seed: 3), Fixtures.project(tape, c, seed: 4))
    }
    #expect(result.maxRelativeError < 1e-6, "\(result)")
  }

  @Test(arguments: dimensions)
  func inferenceMatchesTape(_ d: Dimensions) {
    let leaves: [Tensor<Float>] = Self.leaves(d)
    let tape = Tape<Float>()
    let (h, c) = Self.fused(tape, leaves.map { tape.constant($0) })
    var hidden = leaves[1].scalars
    var cell = leaves[2].scalars
    let count = LSTMCell.workspaceCount(batch: d.batch, inputSize: d.input, hiddenSize: d.hidden)
    var workspace = [Float](repeating: .nan, count: count)
    // In place: the new state overwrites the old.
    hidden.withUnsafeMutableBufferPointer { hp in
      cell.withUnsafeMutableBufferPointer { cp in
        workspace.withUnsafeMutableBufferPointer { wp in
          guard let hb = hp.baseAddress, let cb = cp.baseAddress, let wb = wp.baseAddress else { return }
          LSTMCell.forward(
            batch: d.batch, inputSize: d.input, hiddenSize: d.hidden,
            input: leaves[0].scalars, hidden: hb, cell: cb, inputWeights: leaves[3].scalars,
            hiddenWeights: leaves[4].scalars, bias: leaves[5].scalars, workspace: wb,
            newHidden: hb, newCell: cb)
        }
      }
    }
    #expect(hidden == tape.value(of: h).scalars)
    #expect(cell == tape.value(of: c).scalars)
  }

  @Test func rowSplitAcrossKernelThreadsChangesNothing() {
    // Large enough for the elementwise passes to split over threads.
    let d = Dimensions(batch: 2000, input: 2, hidden: 20)
    let leaves: [Tensor<Float>] = Self.leaves(d)
    let saved = KernelThreads.count
    defer { KernelThreads.count = saved }
    KernelThreads.count = 1
    let serial = Self.evaluate(leaves, Self.fused)
    KernelThreads.count = 3
    let split = Self.evaluate(leaves, Self.fused)
    #expect(serial.values == split.values)
    // The weight gradients are sums over the batch in OpenBLAS, whose own
    // thread count the races of other tests change while this one runs
    // (`BLAS.threadCount`), and OpenBLAS may sum in another order with
    // another count: equal to rounding, not bit for bit. The elementwise
    // passes (what the kernel threads split) are compared exactly above.
    for (a, b) in zip(serial.gradients, split.gradients) {
      #expect(a.shape == b.shape)
      let scale = a.scalars.map { abs($0) }.max() ?? 0
      let worst = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
      #expect(worst <= 1e-5 * max(scale, 1), "largest difference \(worst), largest entry \(scale)")
    }
  }

  @Test func gateLayoutAndForgetBias() {
    #expect(LSTMCell.columns(of: .input, hiddenSize: 20) == 0..<20)
    #expect(LSTMCell.columns(of: .forget, hiddenSize: 20) == 20..<40)
    #expect(LSTMCell.columns(of: .cell, hiddenSize: 20) == 40..<60)
    #expect(LSTMCell.columns(of: .output, hiddenSize: 20) == 60..<80)
    let bias: Tensor<Float> = LSTMCell.initialBias(hiddenSize: 3)
    #expect(bias.shape == [12])
    #expect(bias.scalars == [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
  }

  @Test func closedFormSingleUnit() {
    // One unit, zero weights: every gate is σ or tanh of its bias alone.
    let tape = Tape<Double>()
    let (h, c) = tape.lstmCell(
      input: tape.constant(Tensor(shape: .matrix(1, 1), scalars: [0.3])),
      hidden: tape.constant(Tensor(shape: .matrix(1, 1), scalars: [0.2])),
      cell: tape.constant(Tensor(shape: .matrix(1, 1), scalars: [0.5])),
      inputWeights: tape.constant(Tensor(shape: .matrix(1, 4), repeating: 0)),
      hiddenWeights: tape.constant(Tensor(shape: .matrix(1, 4), repeating: 0)),
      bias: tape.constant(Tensor(shape: .vector(4), scalars: [0.1, 1, -0.4, 2])))
    func sigma(_ x: Double) -> Double { 1 / (1 + Double.expApprox(-x)) }
    func tanh(_ x: Double) -> Double { 2 * sigma(2 * x) - 1 }
    let expectedCell = sigma(1) * 0.5 + sigma(0.1) * tanh(-0.4)
    #expect(abs(tape.value(of: c).scalar - expectedCell) < 1e-12)
    #expect(abs(tape.value(of: h).scalar - sigma(2) * tanh(expectedCell)) < 1e-12)
  }
}

extension Double {
  /// eˣ from its series after halving x until small (tests only).
  static func expApprox(_ x: Double) -> Double {
    var halvings = 0
    var y = x
    while abs(y) > 0.01 {
      y /= 2
      halvings += 1
    }
    var term = 1.0
    var sum = 1.0
    for n in 1..<12 {
      term *= y / Double(n)
      sum += term
    }
    for _ in 0..<halvings { sum *= sum }
    return sum
  }
}

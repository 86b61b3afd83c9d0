import Autodiff
import Testing

/// The tape's bookkeeping: adjoint accumulation, repeated backward passes,
/// leaves, shapes and misuse.
@Suite struct TapeTests {
  @Test func adjointsAccumulateOverEveryUse() {
    // y = x⊙x + 3x + x (three uses of x): dy/dx = 2x + 4.
    let tape = Tape<Double>()
    let x = tape.variable(Tensor(shape: .vector(3), scalars: [1, -2, 0.5]))
    let y = tape.sum(tape.add(tape.add(tape.multiply(x, x), tape.scale(x, by: 3)), x))
    tape.backward(from: y)
    #expect(tape.gradient(of: x).scalars == [6, 0, 5])
  }

  @Test func backwardTwiceDoesNotAccumulate() {
    let tape = Tape<Double>()
    let x = tape.variable(Tensor(shape: .vector(2), scalars: [1, 2]))
    let y = tape.sum(tape.square(x))
    tape.backward(from: y)
    tape.backward(from: y)
    #expect(tape.gradient(of: x).scalars == [2, 4])
    // A second loss on the same graph replaces the gradients.
    let z = tape.sum(x)
    tape.backward(from: z)
    #expect(tape.gradient(of: x).scalars == [1, 1])
  }

  @Test func gradientsOfUnusedAndConstantLeavesAreZero() {
    let tape = Tape<Float>()
    let used = tape.variable(Tensor(shape: .vector(2), scalars: [1, 2]))
    let unused = tape.variable(Tensor(shape: .vector(2), scalars: [3, 4]))
    let constant = tape.constant(Tensor(shape: .vector(2), scalars: [5, 6]))
    tape.backward(from: tape.sum(tape.multiply(used, constant)))
    #expect(tape.gradient(of: used).scalars == [5, 6])
    #expect(tape.gradient(of: unused).scalars == [0, 0])
    #expect(tape.gradient(of: constant).scalars == [0, 0])
  }

  @Test func leafFilledInPlace() {
    let tape = Tape<Float>()
    let x = tape.leaf(shape: .matrix(2, 2), differentiable: true) { buffer in
      for i in buffer.indices { buffer[i] = Float(i) }
    }
    #expect(tape.value(of: x) == Tensor(shape: .matrix(2, 2), scalars: [0, 1, 2, 3]))
    tape.backward(from: tape.mean(x))
    #expect(tape.gradient(of: x).scalars == [0.25, 0.25, 0.25, 0.25])
  }

  @Test func reshapeIsAViewSharingValueAndGradient() {
    let tape = Tape<Double>()
    let x = tape.variable(Tensor(shape: .matrix(2, 3), scalars: [1, 2, 3, 4, 5, 6]))
    let view = tape.reshape(x, to: .vector(6))
    let viewOfView = tape.reshape(view, to: .matrix(3, 2))
    // The views hold x's own storage (no copy), the same elements in
    // row-major order.
    func address(_ v: Variable<Double>) -> UnsafePointer<Double>? { tape.withValue(of: v) { $0.baseAddress } }
    #expect(address(view) == address(x) && address(viewOfView) == address(x))
    #expect(tape.value(of: viewOfView) == Tensor(shape: .matrix(3, 2), scalars: [1, 2, 3, 4, 5, 6]))
    // y = Σ x² + Σ 2·view: dy/dx = 2x + 2, read through x or any view.
    tape.backward(from: tape.add(tape.sum(tape.square(x)), tape.sum(tape.scale(viewOfView, by: 2))))
    #expect(tape.gradient(of: x).scalars == [4, 6, 8, 10, 12, 14])
    #expect(tape.gradient(of: view).scalars == [4, 6, 8, 10, 12, 14])
    #expect(tape.gradient(of: viewOfView).shape == .matrix(3, 2))
    // A view of a constant stays a constant.
    let constant = tape.constant(Tensor(shape: .vector(2), scalars: [1, 2]))
    let constantView = tape.reshape(constant, to: .matrix(1, 2))
    tape.backward(from: tape.sum(tape.multiply(constantView, tape.reshape(x, to: .matrix(3, 2)))))
    #expect(tape.gradient(of: constantView).scalars == [0, 0])
    #expect(tape.gradient(of: x).scalars == [1, 2, 1, 2, 1, 2])
  }

  @Test func affineClosedForm() {
    let tape = Tape<Double>()
    let x = tape.variable(Tensor(shape: .matrix(2, 2), scalars: [1, 2, 3, 4]))
    let w = tape.variable(Tensor(shape: .matrix(2, 3), scalars: [1, 0, -1, 2, 1, 0]))
    let b = tape.variable(Tensor(shape: .vector(3), scalars: [10, 20, 30]))
    let y = tape.affine(x, w, bias: b)
    #expect(tape.value(of: y).scalars == [15, 22, 29, 21, 24, 27])
    // d Σ y / db = the number of rows, per column.
    tape.backward(from: tape.sum(y))
    #expect(tape.gradient(of: b).scalars == [2, 2, 2])
    #expect(tape.gradient(of: x).scalars == [0, 3, 0, 3])
    #expect(tape.gradient(of: w).scalars == [4, 4, 4, 6, 6, 6])
  }

  @Test func matmulClosedForm() {
    let tape = Tape<Double>()
    let a = tape.variable(Tensor(shape: .matrix(2, 3), scalars: [1, 2, 3, 4, 5, 6]))
    let b = tape.variable(Tensor(shape: .matrix(3, 2), scalars: [7, 8, 9, 10, 11, 12]))
    let c = tape.matmul(a, b)
    #expect(tape.value(of: c).scalars == [58, 64, 139, 154])
    // d Σ C / dA = 1·Bᵀ (row sums of B), d Σ C / dB = Aᵀ·1 (column sums of A).
    tape.backward(from: tape.sum(c))
    #expect(tape.gradient(of: a).scalars == [15, 19, 23, 15, 19, 23])
    #expect(tape.gradient(of: b).scalars == [5, 5, 7, 7, 9, 9])
    let ct = tape.matmul(a, a, transposeA: false, transposeB: true)
    #expect(tape.value(of: ct).scalars == [14, 32, 32, 77])
  }

  @Test func reductionsAlongAxes() {
    let tape = Tape<Double>()
    let x = tape.constant(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]))
    #expect(tape.value(of: tape.sum(x, axis: 0)) == Tensor(shape: [3], scalars: [5, 7, 9]))
    #expect(tape.value(of: tape.sum(x, axis: 1)) == Tensor(shape: [2], scalars: [6, 15]))
    #expect(tape.value(of: tape.mean(x, axis: 1)) == Tensor(shape: [2], scalars: [2, 5]))
    #expect(tape.value(of: tape.mean(x)) == Tensor(3.5))
  }

  @Test func indexingValues() {
    let tape = Tape<Double>()
    let x = tape.constant(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]))
    let y = tape.constant(Tensor(shape: [2, 1], scalars: [7, 8]))
    #expect(tape.value(of: tape.concatenate([x, y])).scalars == [1, 2, 3, 7, 4, 5, 6, 8])
    #expect(tape.value(of: tape.slice(x, columns: 1..<3)).scalars == [2, 3, 5, 6])
    #expect(tape.value(of: tape.gather(x, indices: [5, 0, 0], shape: [3])).scalars == [6, 1, 1])
    let scattered = tape.scatter(y, indices: [2, 2], shape: [4])
    #expect(tape.value(of: scattered).scalars == [0, 0, 15, 0])
  }

  /// ``Tape/releaseMemory()`` frees the arena and the scratch buffers (the
  /// LSTM cell's backward uses both), and the tape then records and
  /// differentiates the same graph to the same gradient.
  @Test func releasedTapeHoldsNothingAndStillWorks() {
    let tape = Tape<Float>()
    func gradient() -> [Float] {
      tape.reset()
      let input = tape.variable(Tensor(shape: .matrix(3, 2), scalars: [0.1, -0.2, 0.3, 0.4, -0.5, 0.6]))
      let state = tape.constant(Tensor(shape: .matrix(3, 4), repeating: 0.1))
      let inputWeights = tape.variable(Tensor(shape: .matrix(2, 16), repeating: 0.05))
      let hiddenWeights = tape.variable(Tensor(shape: .matrix(4, 16), repeating: -0.03))
      let bias = tape.variable(Tensor(shape: .vector(16), repeating: 0.2))
      let cell = tape.lstmCell(
        input: input, hidden: state, cell: state, inputWeights: inputWeights, hiddenWeights: hiddenWeights,
        bias: bias)
      tape.backward(from: tape.sum(tape.add(cell.hidden, cell.cell)))
      return tape.gradient(of: inputWeights).scalars + tape.gradient(of: input).scalars
    }
    let before = gradient()
    #expect(tape.storageBytes > 0)
    tape.releaseMemory()
    #expect(tape.storageBytes == 0)
    #expect(tape.nodeCount == 0)
    #expect(gradient() == before)
    #expect(tape.storageBytes > 0)
  }

  @Test func storageIsRecycledAcrossResets() {
    let tape = Tape<Float>()
    func build() {
      tape.reset()
      var x = tape.variable(Tensor(shape: .matrix(64, 64), repeating: 0.5))
      for _ in 0..<50 { x = tape.tanh(tape.add(x, x)) }
      tape.backward(from: tape.sum(x))
    }
    // The first graph may spill into several chunks; the reset merges them.
    build()
    build()
    let settled = tape.storageBytes
    for _ in 0..<5 { build() }
    #expect(tape.storageBytes == settled)
    #expect(tape.nodeCount == 102)
  }

  @Test func variableUsedAfterResetStopsTheProgram() async {
    await #expect(processExitsWith: .failure) {
      let tape = Tape<Float>()
      let x = tape.constant(Tensor(1))
      tape.reset()
      _ = tape.square(x)
    }
  }

  @Test func incompatibleShapesStopTheProgram() async {
    await #expect(processExitsWith: .failure) {
      let tape = Tape<Float>()
      _ = tape.add(
        tape.constant(Tensor(shape: [2, 3], repeating: 1)), tape.constant(Tensor(shape: [2], repeating: 1)))
    }
  }
}

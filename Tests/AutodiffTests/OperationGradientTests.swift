import Autodiff
import Testing

/// One operation under a finite-difference check: the points to
/// differentiate at and a graph that ends in a scalar.
struct OperationCase: Sendable, CustomTestStringConvertible {
  let name: String
  let leaves: [Tensor<Double>]
  let build: @Sendable (Tape<Double>, [Variable<Double>]) -> Variable<Double>

  var testDescription: String { name }

  /// A case whose output is reduced by a random projection.
  static func projected(
    _ name: String, _ leaves: [Tensor<Double>],
    _ body: @escaping @Sendable (Tape<Double>, [Variable<Double>]) -> Variable<Double>
  ) -> OperationCase {
    OperationCase(name: name, leaves: leaves) { tape, v in Fixtures.project(tape, body(tape, v)) }
  }
}

/// Away from zero by at least 0.2, for |x| and the clamp.
private func awayFromZero(_ shape: Shape, seed: UInt64) -> Tensor<Double> {
  var t: Tensor<Double> = Fixtures.tensor(shape, seed: seed)
  t.scalars = t.scalars.map { $0 < 0 ? $0 - 0.2 : $0 + 0.2 }
  return t
}

private let matrix: Tensor<Double> = Fixtures.tensor(.matrix(3, 4), seed: 1)
private let other: Tensor<Double> = Fixtures.tensor(.matrix(3, 4), seed: 2)
private let positive: Tensor<Double> = Fixtures.uniform(.matrix(3, 4), seed: 3, 0.5, 2)

private let unaryCases: [OperationCase] = [
  .projected("scale", [matrix]) { t, v in t.scale(v[0], by: -1.7) },
  .projected("negate", [matrix]) { t, v in t.negate(v[0]) },
  .projected("sigmoid", [matrix]) { t, v in t.sigmoid(v[0]) },
  .projected("tanh", [matrix]) { t, v in t.tanh(v[0]) },
  .projected("softplus", [Fixtures.tensor(.matrix(3, 4), seed: 4, scale: 4)]) { t, v in t.softplus(v[0]) },
  .projected("exp", [matrix]) { t, v in t.exp(v[0]) },
  .projected("log", [positive]) { t, v in t.log(v[0], floor: 1e-3) },
  .projected("square", [matrix]) { t, v in t.square(v[0]) },
  .projected("squareRoot", [positive]) { t, v in t.squareRoot(v[0], floor: 1e-3) },
  .projected("abs", [awayFromZero(.matrix(3, 4), seed: 5)]) { t, v in t.abs(v[0]) },
  .projected("clamp", [awayFromZero(.matrix(3, 4), seed: 6)]) { t, v in
    // Bounds at ±0.9 while |x| ≥ 0.2: some elements inside, some outside.
    t.clamp(v[0], lower: -0.9, upper: 0.9)
  },
  .projected("reshape", [matrix]) { t, v in t.reshape(v[0], to: [2, 6]) },
  .projected("reshape of a reshape", [matrix]) { t, v in t.reshape(t.reshape(v[0], to: [2, 6]), to: [12]) },
  .projected("reshape beside other uses of its input", [matrix]) { t, v in
    // The view shares x's adjoint: uses recorded before and after it must
    // all land there, whatever the order the backward pass meets them in.
    let before = t.square(v[0])
    let view = t.reshape(v[0], to: [4, 3])
    let after = t.multiply(v[0], v[0])
    return t.add(t.add(before, after), t.reshape(t.sigmoid(view), to: .matrix(3, 4)))
  },
  .projected("softmax", [Fixtures.tensor(.matrix(3, 5), seed: 7, scale: 2)]) { t, v in t.softmax(v[0]) },
]

private let reductionCases: [OperationCase] = [
  OperationCase(name: "sum", leaves: [matrix]) { t, v in t.sum(t.square(v[0])) },
  OperationCase(name: "mean", leaves: [matrix]) { t, v in t.mean(t.square(v[0])) },
  .projected("sum axis 0", [Fixtures.tensor([2, 3, 4], seed: 8)]) { t, v in t.sum(v[0], axis: 0) },
  .projected("sum axis 1", [Fixtures.tensor([2, 3, 4], seed: 8)]) { t, v in t.sum(v[0], axis: 1) },
  .projected("mean axis 2", [Fixtures.tensor([2, 3, 4], seed: 8)]) { t, v in t.mean(v[0], axis: 2) },
]

private let indexingCases: [OperationCase] = [
  .projected("concatenate", [matrix, Fixtures.tensor(.matrix(3, 2), seed: 9), other]) { t, v in
    t.concatenate([v[0], v[1], v[2]])
  },
  .projected("concatenate same input twice", [matrix]) { t, v in t.concatenate([v[0], v[0]]) },
  .projected("slice", [matrix]) { t, v in t.slice(v[0], columns: 1..<3) },
  .projected("gather with repeats", [matrix]) { t, v in
    t.gather(v[0], indices: [11, 0, 5, 5, 2, 0], shape: .matrix(2, 3))
  },
  .projected("scatter with repeats", [Fixtures.tensor(.vector(5), seed: 10)]) { t, v in
    t.scatter(v[0], indices: [3, 0, 3, 7, 1], shape: .matrix(2, 4))
  },
]

private let binaryCases: [OperationCase] = {
  let shapes: [(String, Shape, Shape)] = [
    ("same shape", [3, 4], [3, 4]),
    ("row vector", [3, 4], [4]),
    ("row vector 1×n", [3, 4], [1, 4]),
    ("column", [3, 4], [3, 1]),
    ("scalar", [3, 4], []),
    ("scalar on the left", [], [3, 4]),
    ("outer product shapes", [3, 1], [1, 4]),
    ("rank 3 middle", [2, 3, 4], [3, 1]),
  ]
  var cases: [OperationCase] = []
  for (label, a, b) in shapes {
    let left: Tensor<Double> = Fixtures.tensor(a, seed: 11)
    // Divisors bounded away from zero.
    let right: Tensor<Double> = Fixtures.uniform(b, seed: 12, 0.5, 1.5)
    cases.append(.projected("add, \(label)", [left, right]) { t, v in t.add(v[0], v[1]) })
    cases.append(.projected("subtract, \(label)", [left, right]) { t, v in t.subtract(v[0], v[1]) })
    cases.append(.projected("multiply, \(label)", [left, right]) { t, v in t.multiply(v[0], v[1]) })
    cases.append(.projected("divide, \(label)", [left, right]) { t, v in t.divide(v[0], v[1]) })
  }
  return cases
}()

private let matmulCases: [OperationCase] = [(false, false), (true, false), (false, true), (true, true)].map {
  transposeA, transposeB in
  let a: Tensor<Double> = Fixtures.tensor(transposeA ? .matrix(4, 3) : .matrix(3, 4), seed: 13)
  let b: Tensor<Double> = Fixtures.tensor(transposeB ? .matrix(5, 4) : .matrix(4, 5), seed: 14)
  return .projected("matmul \(transposeA ? "Aᵀ" : "A")·\(transposeB ? "Bᵀ" : "B")", [a, b]) { t, v in
    t.matmul(v[0], v[1], transposeA: transposeA, transposeB: transposeB)
  }
}

private let affineCases: [OperationCase] = [Shape.vector(5), Shape.matrix(1, 5)].map { biasShape in
  .projected("affine, bias \(biasShape)", [
    Fixtures.tensor(.matrix(3, 4), seed: 15), Fixtures.tensor(.matrix(4, 5), seed: 16),
    Fixtures.tensor(biasShape, seed: 17),
  ]) { t, v in t.affine(v[0], v[1], bias: v[2]) }
}

private let cellCases: [OperationCase] = [
  OperationCase(
    name: "lstm cell, both outputs",
    leaves: [
      Fixtures.tensor(.matrix(3, 2), seed: 20), Fixtures.tensor(.matrix(3, 5), seed: 21),
      Fixtures.tensor(.matrix(3, 5), seed: 22), Fixtures.tensor(.matrix(2, 20), seed: 23, scale: 0.5),
      Fixtures.tensor(.matrix(5, 20), seed: 24, scale: 0.5), Fixtures.tensor(.vector(20), seed: 25),
    ]
  ) { t, v in
    let (h, c) = t.lstmCell(
      input: v[0], hidden: v[1], cell: v[2], inputWeights: v[3], hiddenWeights: v[4], bias: v[5])
    return t.add(Fixtures.project(t, h, seed: 1), Fixtures.project(t, c, seed: 2))
  },
  OperationCase(
    name: "lstm cell, hidden output only",
    leaves: [
      Fixtures.tensor(.matrix(2, 1), seed: 26), Fixtures.tensor(.matrix(2, 3), seed: 27),
      Fixtures.tensor(.matrix(2, 3), seed: 28), Fixtures.tensor(.matrix(1, 12), seed: 29),
      Fixtures.tensor(.matrix(3, 12), seed: 30), Fixtures.tensor(.vector(12), seed: 31),
    ]
  ) { t, v in
    let (h, _) = t.lstmCell(
      input: v[0], hidden: v[1], cell: v[2], inputWeights: v[3], hiddenWeights: v[4], bias: v[5])
    return Fixtures.project(t, h)
  },
  OperationCase(
    name: "lstm cell, cell output only",
    leaves: [
      Fixtures.tensor(.matrix(2, 1), seed: 32), Fixtures.tensor(.matrix(2, 3), seed: 33),
      Fixtures.tensor(.matrix(2, 3), seed: 34), Fixtures.tensor(.matrix(1, 12), seed: 35),
      Fixtures.tensor(.matrix(3, 12), seed: 36), Fixtures.tensor(.vector(12), seed: 37),
    ]
  ) { t, v in
    let (_, c) = t.lstmCell(
      input: v[0], hidden: v[1], cell: v[2], inputWeights: v[3], hiddenWeights: v[4], bias: v[5])
    return Fixtures.project(t, c)
  },
]

private let customCases: [OperationCase] = [
  OperationCase(name: "custom op (Σ sin x with cos x saved)", leaves: [matrix]) { t, v in
    let y = t.custom(inputs: [v[0]], shape: .scalar, savedCount: v[0].shape.count) { context in
      var total = 0.0
      for (k, x) in context.input(0).enumerated() {
        total += Double.sinApprox(x)
        context.saved[k] = Double.cosApprox(x)
      }
      context.output[0] = total
    } backward: { context in
      context.accumulate(into: 0, context.saved, scaledBy: context.outputAdjoint[0])
    }
    return t.scale(y, by: 3)
  },
  OperationCase(name: "custom op with two inputs (a·b elementwise)", leaves: [matrix, other]) { t, v in
    let y = t.custom(inputs: [v[0], v[1]], shape: v[0].shape) { context in
      for k in context.output.indices { context.output[k] = context.input(0)[k] * context.input(1)[k] }
    } backward: { context in
      let dy = context.outputAdjoint
      if let da = context.inputAdjoint(0) {
        for k in da.indices { da[k] += dy[k] * context.input(1)[k] }
      }
      if let db = context.inputAdjoint(1) {
        for k in db.indices { db[k] += dy[k] * context.input(0)[k] }
      }
    }
    return Fixtures.project(t, y)
  },
]

extension Double {
  /// sin and cos through a truncated Taylor series (no Foundation needed);
  /// exact derivatives of each other to the series' order matter less than
  /// consistency: cosApprox is the derivative of sinApprox term by term.
  static func sinApprox(_ x: Double) -> Double {
    var term = x
    var sum = x
    for n in 1..<12 {
      term *= -x * x / Double((2 * n) * (2 * n + 1))
      sum += term
    }
    return sum
  }

  static func cosApprox(_ x: Double) -> Double {
    var term = 1.0
    var sum = 1.0
    for n in 1..<12 {
      term *= -x * x / Double((2 * n - 1) * (2 * n))
      sum += term
    }
    return sum
  }
}

@Suite("Gradients of every operation against central differences (Double)")
struct OperationGradientTests {
  @Test(arguments: unaryCases + reductionCases + indexingCases)
  func elementwiseReductionAndIndexing(_ operation: OperationCase) {
    let result = GradientChecker.check(operation.leaves, building: operation.build)
    #expect(result.maxRelativeError < 1e-6, "\(operation.name): \(result)")
  }

  @Test(arguments: binaryCases)
  func broadcastingArithmetic(_ operation: OperationCase) {
    let result = GradientChecker.check(operation.leaves, building: operation.build)
    #expect(result.maxRelativeError < 1e-6, "\(operation.name): \(result)")
  }

  @Test(arguments: matmulCases + affineCases + cellCases + customCases)
  func matmulCellAndCustom(_ operation: OperationCase) {
    let result = GradientChecker.check(operation.leaves, building: operation.build)
    #expect(result.maxRelativeError < 1e-6, "\(operation.name): \(result)")
  }

  @Test func checkerCatchesAWrongBackwardPass() {
    // Σ x² whose backward claims x instead of 2x: the checker must object.
    let result = GradientChecker.check([matrix]) { tape, v in
      tape.custom(inputs: [v[0]], shape: .scalar) { context in
        context.output[0] = context.input(0).reduce(0) { $0 + $1 * $1 }
      } backward: { context in
        context.accumulate(into: 0, context.input(0), scaledBy: context.outputAdjoint[0])
      }
    }
    #expect(result.maxRelativeError > 0.4)
    #expect(result.elementCount == 12)
  }
}

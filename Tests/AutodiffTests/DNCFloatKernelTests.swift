import Autodiff
import Testing

/// One DNC operation built in either precision from the same Double leaves.
struct DNCPrecisionCase: Sendable, CustomTestStringConvertible {
  let name: String
  let leaves: [Tensor<Double>]
  let float: @Sendable (Tape<Float>, [Variable<Float>]) -> Variable<Float>
  let double: @Sendable (Tape<Double>, [Variable<Double>]) -> Variable<Double>

  var testDescription: String { name }

  /// The output and every leaf's gradient of a random projection of it.
  static func run<S: TensorScalar>(
    _ leaves: [Tensor<Double>], _ build: (Tape<S>, [Variable<S>]) -> Variable<S>
  ) -> [Tensor<S>] {
    let tape = Tape<S>()
    let v = leaves.map { tape.variable(Tensor(shape: $0.shape, scalars: $0.scalars.map { S($0) })) }
    let y = build(tape, v)
    tape.backward(from: Fixtures.project(tape, y))
    return [tape.value(of: y)] + v.map { tape.gradient(of: $0) }
  }
}

/// Sizes that exercise the eight-lane rows exactly (W = 8, N = 16, the
/// quadratic configuration's), with scalar tails (W = 5, N = 13, an odd
/// K = 5 for the two-rows-at-a-time products), and every path of the row
/// accumulations at once (N = 45 = 16 + 16 + 8 + 5 columns, W = 19, K = 7),
/// where the read weights' scratch (2N² + 6KN floats) outgrows the C
/// kernels' stack buffer and comes from the heap. The quadratic
/// configuration's full size (B = 64 memories, K = nR = 20 read rows each)
/// is large enough for the kernels to split their memories over the kernel
/// threads (``KernelThreads``, whenever the machine has two cores or more).
private func cases(slots n: Int, width w: Int, heads k: Int = 5, memories b: Int = 3) -> [DNCPrecisionCase] {
  let memory: Tensor<Double> = Fixtures.tensor([b, n, w], seed: 41)
  let keys: Tensor<Double> = Fixtures.tensor([b, k, w], seed: 42)
  let strengths: Tensor<Double> = Fixtures.uniform(.matrix(b, k), seed: 43, 0.5, 4)
  let reads: [Tensor<Double>] = (0..<3).map { Fixtures.uniform([b, k, n], seed: 44 + UInt64($0), 0, 1) }
  let link: Tensor<Double> = Fixtures.uniform([b, n, n], seed: 47, 0, 0.3)
  let modes: Tensor<Double> = Fixtures.uniform([b, k, 3], seed: 48, 0, 1)
  let transposedMemory: Tensor<Double> = Fixtures.tensor([b, w, n], seed: 49)
  let precedence: Tensor<Double> = Fixtures.uniform(.matrix(b, n), seed: 50, 0, 0.3)
  let writeWeights: Tensor<Double> = Fixtures.uniform(.matrix(b, n), seed: 51, 0, 0.3)
  let size = "N=\(n) W=\(w) K=\(k)\(b == 3 ? "" : " B=\(b)")"
  // The write side (R = 2 read heads): usage well separated per memory so
  // the allocation's sort has no ties (a tie would let the two precisions
  // sort differently).
  let usage = Tensor<Double>(
    shape: .matrix(b, n), scalars: (0..<(b * n)).map { 0.02 + 0.95 * Double(($0 % n) * 7 % n) / Double(n) })
  let freeGates: Tensor<Double> = Fixtures.uniform(.matrix(b, 2), seed: 52, 0.1, 0.9)
  let headReads: Tensor<Double> = Fixtures.uniform([b, 2, n], seed: 53, 0, 0.4)
  let gates: [Tensor<Double>] = (0..<2).map { Fixtures.uniform(.vector(b), seed: 54 + UInt64($0), 0.1, 0.9) }
  let erase: Tensor<Double> = Fixtures.uniform(.matrix(b, w), seed: 56, 0.1, 0.9)
  let values: Tensor<Double> = Fixtures.tensor(.matrix(b, w), seed: 57)
  let writeSide = [
    DNCPrecisionCase(
      name: "usage, \(size)", leaves: [usage, freeGates, headReads],
      float: { t, v in
        t.dncUsage(usage: v[0], previousWrite: t.constant(writeWeights.converted()), freeGates: v[1], previousReads: v[2])
      },
      double: { t, v in
        t.dncUsage(usage: v[0], previousWrite: t.constant(writeWeights), freeGates: v[1], previousReads: v[2])
      }),
    DNCPrecisionCase(
      name: "usage, write weights differentiable, \(size)", leaves: [usage, writeWeights, freeGates, headReads],
      float: { t, v in
        t.dncUsage(usage: v[0], previousWrite: v[1], freeGates: v[2], previousReads: v[3], stopWriteGradient: false)
      },
      double: { t, v in
        t.dncUsage(usage: v[0], previousWrite: v[1], freeGates: v[2], previousReads: v[3], stopWriteGradient: false)
      }),
    DNCPrecisionCase(
      name: "allocation, \(size)", leaves: [usage],
      float: { t, v in t.dncAllocation(usage: v[0]) }, double: { t, v in t.dncAllocation(usage: v[0]) }),
    DNCPrecisionCase(
      name: "write weights, \(size)", leaves: [writeWeights, precedence, gates[0], gates[1]],
      float: { t, v in t.dncWriteWeights(allocation: v[0], content: v[1], allocationGate: v[2], writeGate: v[3]) },
      double: { t, v in t.dncWriteWeights(allocation: v[0], content: v[1], allocationGate: v[2], writeGate: v[3]) }),
    DNCPrecisionCase(
      name: "erase and write, \(size)", leaves: [memory, writeWeights, erase, values],
      float: { t, v in t.dncEraseWrite(memory: v[0], weights: v[1], erase: v[2], values: v[3]) },
      double: { t, v in t.dncEraseWrite(memory: v[0], weights: v[1], erase: v[2], values: v[3]) }),
    DNCPrecisionCase(
      name: "precedence, \(size)", leaves: [precedence, writeWeights],
      float: { t, v in t.dncPrecedence(precedence: v[0], weights: v[1]) },
      double: { t, v in t.dncPrecedence(precedence: v[0], weights: v[1]) }),
  ]
  // The fused read (`dnc_read_f32`) against its composition in Double:
  // K = 5 or 7 heads as one read head per coordinate, K = 20 as the
  // quadratic configuration's 10 coordinates × 2 heads.
  let readHeads = k % 2 == 0 ? 2 : 1
  let interface: Tensor<Double> = Fixtures.tensor(.matrix(b * k / readHeads, readHeads * (w + 4)), seed: 58)
  let fusedRead = [
    DNCPrecisionCase(
      name: "fused read from the interface, R=\(readHeads), \(size)", leaves: [memory, interface, reads[0], link],
      float: { t, v in t.dncRead(memory: v[0], interface: v[1], readHeads: readHeads, previous: v[2], link: v[3]) },
      double: { t, v in t.dncRead(memory: v[0], interface: v[1], readHeads: readHeads, previous: v[2], link: v[3]) }),
    DNCPrecisionCase(
      name: "fused read, constant previous weights, R=\(readHeads), \(size)", leaves: [memory, interface, link],
      float: { t, v in
        t.dncRead(
          memory: v[0], interface: v[1], readHeads: readHeads, previous: t.constant(reads[0].converted()), link: v[2])
      },
      double: { t, v in
        t.dncRead(memory: v[0], interface: v[1], readHeads: readHeads, previous: t.constant(reads[0]), link: v[2])
      }),
  ]
  return writeSide + fusedRead + [
    DNCPrecisionCase(
      name: "content weights, \(size)", leaves: [memory, keys, strengths],
      float: { t, v in t.dncContentWeights(memory: v[0], keys: v[1], strengths: v[2]) },
      double: { t, v in t.dncContentWeights(memory: v[0], keys: v[1], strengths: v[2]) }),
    DNCPrecisionCase(
      name: "link, \(size)", leaves: [link, precedence, writeWeights],
      float: { t, v in t.dncLink(link: v[0], precedence: v[1], weights: v[2]) },
      double: { t, v in t.dncLink(link: v[0], precedence: v[1], weights: v[2]) }),
    DNCPrecisionCase(
      name: "fused read weights, \(size)", leaves: [reads[0], link, modes, reads[2]],
      float: { t, v in t.dncReadWeights(previous: v[0], link: v[1], modes: v[2], content: v[3]) },
      double: { t, v in t.dncReadWeights(previous: v[0], link: v[1], modes: v[2], content: v[3]) }),
    // Constant previous weights and modes: the Float backward skips g·L.
    DNCPrecisionCase(
      name: "fused read weights, constant previous and modes, \(size)", leaves: [link, reads[2]],
      float: { t, v in
        t.dncReadWeights(
          previous: t.constant(reads[0].converted()), link: v[0], modes: t.constant(modes.converted()), content: v[1])
      },
      double: { t, v in
        t.dncReadWeights(previous: t.constant(reads[0]), link: v[0], modes: t.constant(modes), content: v[1])
      }),
    DNCPrecisionCase(
      name: "w·Lᵀ, \(size)", leaves: [reads[0], link],
      float: { t, v in t.dncBatchedMatmul(v[0], v[1], transposeB: true) },
      double: { t, v in t.dncBatchedMatmul(v[0], v[1], transposeB: true) }),
    DNCPrecisionCase(
      name: "w·L, \(size)", leaves: [reads[1], link],
      float: { t, v in t.dncBatchedMatmul(v[0], v[1]) },
      double: { t, v in t.dncBatchedMatmul(v[0], v[1]) }),
    DNCPrecisionCase(
      name: "w·M, \(size)", leaves: [reads[2], memory],
      float: { t, v in t.dncBatchedMatmul(v[0], v[1]) },
      double: { t, v in t.dncBatchedMatmul(v[0], v[1]) }),
    DNCPrecisionCase(
      name: "rectangular w·Bᵀ, \(size)", leaves: [reads[2], transposedMemory],
      float: { t, v in t.dncBatchedMatmul(v[0], v[1], transposeB: true) },
      double: { t, v in t.dncBatchedMatmul(v[0], v[1], transposeB: true) }),
  ]
}

extension Tensor<Double> {
  /// The same values in another precision.
  fileprivate func converted<S: TensorScalar>() -> Tensor<S> {
    Tensor<S>(shape: shape, scalars: scalars.map { S($0) })
  }
}

private let precisionCases =
  cases(slots: 16, width: 8) + cases(slots: 13, width: 5) + cases(slots: 45, width: 19, heads: 7)
  + cases(slots: 16, width: 8, heads: 20, memories: 64)

/// The `Float` fast paths of ``DNCKernels`` (explicit eight-lane vectors,
/// in Swift or in the C target `CDNCKernels`) against the generic loops in
/// `Double`, which the finite-difference checks of `DNCOperationTests`
/// validate: outputs and gradients agree to single-precision rounding,
/// relative to each tensor's scale.
@Suite("DNC Float kernels against the Double kernels")
struct DNCFloatKernelTests {
  @Test(arguments: precisionCases)
  func floatAgreesWithDouble(_ operation: DNCPrecisionCase) {
    let float = DNCPrecisionCase.run(operation.leaves, operation.float)
    let double = DNCPrecisionCase.run(operation.leaves, operation.double)
    for (index, (f, d)) in zip(float, double).enumerated() {
      let error = Fixtures.normalizedDifference(f, d)
      #expect(error < 1e-5, "\(operation.name), \(index == 0 ? "output" : "gradient of leaf \(index - 1)"): \(error)")
    }
  }
}

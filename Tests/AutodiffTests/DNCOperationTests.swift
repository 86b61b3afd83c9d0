import Autodiff
import Testing

/// Slot usages well apart (gaps of 0.1), shuffled per memory so the sort
/// permutation is not the identity: finite differences of ±10⁻⁵ never cross a
/// tie, where the sort's constant permutation would stop being exact.
private func separatedUsage(batch: Int, slots: Int) -> Tensor<Double> {
  var scalars: [Double] = []
  for b in 0..<batch {
    for i in 0..<slots { scalars.append(0.05 + 0.9 * Double((i * 3 + b) % slots) / Double(slots)) }
  }
  return Tensor(shape: .matrix(batch, slots), scalars: scalars)
}

private let (batch, slots, width, heads) = (2, 5, 3, 2)

private let memory: Tensor<Double> = Fixtures.tensor([batch, slots, width], seed: 11)
private let zeroMemory = Tensor<Double>(shape: [batch, slots, width], repeating: 0)
private let keys: Tensor<Double> = Fixtures.tensor([batch, 3, width], seed: 12)
private let strengths: Tensor<Double> = Fixtures.uniform(.matrix(batch, 3), seed: 13, 0.5, 4)
private let usage: Tensor<Double> = Fixtures.uniform(.matrix(batch, slots), seed: 14, 0, 1)
private let weights: Tensor<Double> = Fixtures.uniform(.matrix(batch, slots), seed: 15, 0, 0.3)
private let gates: Tensor<Double> = Fixtures.uniform(.matrix(batch, heads), seed: 16, 0.1, 0.9)
private let reads: Tensor<Double> = Fixtures.uniform([batch, heads, slots], seed: 17, 0, 0.4)
private let vectors: Tensor<Double> = Fixtures.tensor(.matrix(batch, width), seed: 18)
private let erase: Tensor<Double> = Fixtures.uniform(.matrix(batch, width), seed: 19, 0.1, 0.9)
private let link: Tensor<Double> = Fixtures.uniform([batch, slots, slots], seed: 20, 0, 0.3)
private let precedence: Tensor<Double> = Fixtures.uniform(.matrix(batch, slots), seed: 21, 0, 0.3)
private let modes: Tensor<Double> = Fixtures.uniform([batch, heads, 3], seed: 22, 0, 1)
private let headWeightings: [Tensor<Double>] = (0..<3).map {
  Fixtures.uniform([batch, heads, slots], seed: 23 + UInt64($0), 0, 1)
}

private let zeroLink = Tensor<Double>(shape: [batch, slots, slots], repeating: 0)
private let zeroReads = Tensor<Double>(shape: [batch, heads, slots], repeating: 0)

private let dncCases: [OperationCase] = [
  .projected("content weights", [memory, keys, strengths]) { t, v in
    t.dncContentWeights(memory: v[0], keys: v[1], strengths: v[2])
  },
  // The previous write weights are a constant: usage stops their gradient.
  .projected("usage", [usage, gates, reads]) { t, v in
    t.dncUsage(usage: v[0], previousWrite: t.constant(weights), freeGates: v[1], previousReads: v[2])
  },
  .projected("usage, write weights differentiable", [usage, weights, gates, reads]) { t, v in
    t.dncUsage(
      usage: v[0], previousWrite: v[1], freeGates: v[2], previousReads: v[3], stopWriteGradient: false)
  },
  .projected("allocation, separated usages", [separatedUsage(batch: batch, slots: slots)]) { t, v in
    t.dncAllocation(usage: v[0])
  },
  .projected("allocation, separated usages, 8 slots", [separatedUsage(batch: 3, slots: 8)]) { t, v in
    t.dncAllocation(usage: v[0])
  },
  .projected(
    "write weights",
    [
      weights, usage, Tensor(shape: .vector(batch), scalars: [0.3, 0.8]),
      Tensor(shape: .vector(batch), scalars: [0.6, 0.2]),
    ]
  ) { t, v in
    t.dncWriteWeights(allocation: v[0], content: v[1], allocationGate: v[2], writeGate: v[3])
  },
  .projected("erase and write", [memory, weights, erase, vectors]) { t, v in
    t.dncEraseWrite(memory: v[0], weights: v[1], erase: v[2], values: v[3])
  },
  .projected("precedence", [precedence, weights]) { t, v in t.dncPrecedence(precedence: v[0], weights: v[1])
  },
  .projected("link", [link, precedence, weights]) { t, v in
    t.dncLink(link: v[0], precedence: v[1], weights: v[2])
  },
  .projected("fused read weights", [headWeightings[0], link, modes, headWeightings[2]]) { t, v in
    t.dncReadWeights(previous: v[0], link: v[1], modes: v[2], content: v[3])
  },
  .projected("fused read weights, zero link", [headWeightings[0], zeroLink, modes, headWeightings[2]]) { t, v in
    t.dncReadWeights(previous: v[0], link: v[1], modes: v[2], content: v[3])
  },
  .projected("fused read weights, zero previous weighting", [zeroReads, link, modes, headWeightings[2]]) {
    t, v in t.dncReadWeights(previous: v[0], link: v[1], modes: v[2], content: v[3])
  },
  // A constant previous weighting and constant modes (the first step's):
  // the backward pass skips the products with L and still fills L̄ and c̄.
  .projected("fused read weights, constant previous weighting and modes", [link, headWeightings[2]]) { t, v in
    t.dncReadWeights(previous: t.constant(headWeightings[0]), link: v[0], modes: t.constant(modes), content: v[1])
  },
  // The fused read from its raw interface (2 coordinates per memory, R = 2:
  // K = 4 heads, rows of R(W+4) = 14): in Double it is recorded as the
  // composition of slices, oneplus, softmax, content and read weights.
  .projected(
    "fused read from the interface",
    [
      memory, Fixtures.tensor(.matrix(batch * 2, heads * (width + 4)), seed: 30),
      Fixtures.uniform([batch, 2 * heads, slots], seed: 31, 0, 1), link,
    ]
  ) { t, v in
    t.dncRead(memory: v[0], interface: v[1], readHeads: heads, previous: v[2], link: v[3])
  },
  .projected("forward read w·Lᵀ (square, transposed)", [headWeightings[0], link]) { t, v in
    t.dncBatchedMatmul(v[0], v[1], transposeB: true)
  },
  .projected("backward read w·L (square)", [headWeightings[0], link]) { t, v in
    t.dncBatchedMatmul(v[0], v[1])
  },
  .projected("read words w·M", [headWeightings[1], memory]) { t, v in t.dncBatchedMatmul(v[0], v[1]) },
  .projected("rectangular transposed product", [headWeightings[2], memory.reshaped([batch, width, slots])]) {
    t, v in t.dncBatchedMatmul(v[0], v[1], transposeB: true)
  },
]

extension Tensor {
  fileprivate func reshaped(_ shape: Shape) -> Tensor { Tensor(shape: shape, scalars: scalars) }
}

/// Several steps of the whole memory access, every interface value a leaf:
/// usage → allocation → write weights (content on M_{t−1}) → erase/write →
/// link and precedence → directional and content reads → read words, the
/// states carried from step to step as tape values.
private func memoryAccess(_ t: Tape<Double>, _ v: [Variable<Double>], steps: Int) -> Variable<Double> {
  let (b, n, w, r) = (batch, slots, width, heads)
  var mem = t.constant(Tensor(shape: [b, n, w], repeating: 0))
  var use = t.constant(Tensor(shape: .matrix(b, n), repeating: 0))
  var write = t.constant(Tensor(shape: .matrix(b, n), repeating: 0))
  var prec = t.constant(Tensor(shape: .matrix(b, n), repeating: 0))
  var links = t.constant(Tensor(shape: [b, n, n], repeating: 0))
  var readWeights = t.constant(Tensor(shape: [b, r, n], repeating: 0))
  var total = t.constant(0)
  for step in 0..<steps {
    // Leaves per step: write key (b×1×w), write strength (b×1), erase
    // (b×w), values (b×w), free (b×r), gates (b each ×2), read keys
    // (b×r×w), read strengths (b×r), modes (b×r×3).
    let s = Array(v[(step * 10)..<(step * 10 + 10)])
    let free = t.sigmoid(s[4])
    // The write weights' gradient flows here so finite differences see the
    // same function (training stops it).
    use = t.dncUsage(
      usage: use, previousWrite: write, freeGates: free, previousReads: readWeights, stopWriteGradient: false)
    let allocation = t.dncAllocation(usage: use)
    let content = t.reshape(
      t.dncContentWeights(memory: mem, keys: s[0], strengths: t.softplus(s[1])), to: .matrix(b, n))
    let newWrite = t.dncWriteWeights(
      allocation: allocation, content: content, allocationGate: t.sigmoid(s[5]), writeGate: t.sigmoid(s[6]))
    mem = t.dncEraseWrite(memory: mem, weights: newWrite, erase: t.sigmoid(s[2]), values: s[3])
    links = t.dncLink(link: links, precedence: prec, weights: newWrite)
    prec = t.dncPrecedence(precedence: prec, weights: newWrite)
    write = newWrite
    let contentReads = t.dncContentWeights(memory: mem, keys: s[7], strengths: t.softplus(s[8]))
    let m = t.reshape(t.softmax(t.reshape(s[9], to: .matrix(b * r, 3))), to: [b, r, 3])
    readWeights = t.dncReadWeights(previous: readWeights, link: links, modes: m, content: contentReads)
    let words = t.dncBatchedMatmul(readWeights, mem)
    total = t.add(total, Fixtures.project(t, words, seed: 200 + UInt64(step)))
  }
  return total
}

private func memoryAccessLeaves(steps: Int) -> [Tensor<Double>] {
  let (b, n, w, r) = (batch, slots, width, heads)
  _ = n
  var leaves: [Tensor<Double>] = []
  for step in 0..<steps {
    let seed = 300 + UInt64(step) * 20
    leaves += [
      Fixtures.tensor([b, 1, w], seed: seed), Fixtures.tensor(.matrix(b, 1), seed: seed + 1),
      Fixtures.tensor(.matrix(b, w), seed: seed + 2), Fixtures.tensor(.matrix(b, w), seed: seed + 3),
      Fixtures.tensor(.matrix(b, r), seed: seed + 4), Fixtures.tensor(.vector(b), seed: seed + 5),
      Fixtures.tensor(.vector(b), seed: seed + 6), Fixtures.tensor([b, r, w], seed: seed + 7),
      Fixtures.tensor(.matrix(b, r), seed: seed + 8), Fixtures.tensor([b, r, 3], seed: seed + 9),
    ]
  }
  return leaves
}

@Suite("DNC memory-access operations against central differences (Double)")
struct DNCOperationTests {
  @Test(arguments: dncCases)
  func operationGradient(_ operation: OperationCase) {
    let result = GradientChecker.check(operation.leaves, building: operation.build)
    #expect(result.maxRelativeError < 1e-6, "\(operation.name): \(result)")
  }

  /// The read weights as the composition the fused operation replaces,
  /// built from general tape operations: the two batched products and each
  /// mode's column of π broadcast over the slots.
  private func composition(
    _ t: Tape<Double>, previous: Variable<Double>, link: Variable<Double>, modes: Variable<Double>,
    content: Variable<Double>
  ) -> Variable<Double> {
    let (b, k) = (previous.shape[0], previous.shape[1])
    let grouped = t.reshape(modes, to: [b, k, 3])
    func mode(_ j: Int) -> Variable<Double> { t.slice(grouped, columns: j..<(j + 1)) }
    let backward = t.multiply(mode(0), t.dncBatchedMatmul(previous, link))
    let forward = t.multiply(mode(1), t.dncBatchedMatmul(previous, link, transposeB: true))
    return t.add(t.add(backward, forward), t.multiply(mode(2), content))
  }

  /// The fused read weights are the composition they replace, two
  /// batched products and the mode mix, in value and in all four gradients
  /// (modes given as the B·K×3 softmax shape), under a random upstream
  /// adjoint; B, K, N = 3, 5, 7 leave tails in every eight-lane row.
  @Test func fusedReadWeightsEqualTheComposition() {
    let (b, k, n) = (3, 5, 7)
    let leaves: [Tensor<Double>] = [
      Fixtures.uniform([b, k, n], seed: 60, 0, 1), Fixtures.tensor([b, n, n], seed: 61),
      Fixtures.uniform(.matrix(b * k, 3), seed: 62, 0, 1), Fixtures.uniform([b, k, n], seed: 63, 0, 1),
    ]
    func run(fused: Bool) -> [Tensor<Double>] {
      let tape = Tape<Double>()
      let v = leaves.map { tape.variable($0) }
      let y =
        fused
        ? tape.dncReadWeights(previous: v[0], link: v[1], modes: v[2], content: v[3])
        : composition(tape, previous: v[0], link: v[1], modes: v[2], content: v[3])
      tape.backward(from: Fixtures.project(tape, y, seed: 64))
      return [tape.value(of: y)] + v.map { tape.gradient(of: $0) }
    }
    let (fused, composed) = (run(fused: true), run(fused: false))
    for (index, (f, c)) in zip(fused, composed).enumerated() {
      #expect(f.shape == c.shape)
      #expect(f.scalars.contains { $0 != 0 }, "tensor \(index) is all zero: the comparison would be empty")
      let error = Fixtures.normalizedDifference(f, c)
      #expect(error < 1e-12, "\(index == 0 ? "value" : "gradient of leaf \(index - 1)"): \(error)")
    }
  }

  @Test("whole memory access over several steps from a zero memory", arguments: [1, 3])
  func memoryAccessGradient(steps: Int) {
    // The first write addresses a zero memory, whose norms are √ε = 10⁻³:
    // a small step keeps truncation error low; derivatives below 10⁻⁴ are
    // compared absolutely (rounding dominates their differences).
    let result = GradientChecker.check(memoryAccessLeaves(steps: steps), step: 1e-6, absoluteFloor: 1e-4) {
      t, v in
      memoryAccess(t, v, steps: steps)
    }
    #expect(result.maxRelativeError < 1e-5, "\(steps) steps: \(result)")
    print("DNC memory access, \(steps) steps: \(result)")
  }

  /// Around a zero memory row or key the norms are √ε = 10⁻³, so the
  /// function bends on that scale: a finite-difference step of 10⁻⁸ keeps
  /// truncation error small.
  @Test(arguments: ["zero memory", "zero keys"])
  func contentWeightsGradientAtZero(_ which: String) {
    let zeroKeys = Tensor<Double>(shape: [batch, 3, width], repeating: 0)
    let leaves = which == "zero memory" ? [zeroMemory, keys, strengths] : [memory, zeroKeys, strengths]
    let result = GradientChecker.check(leaves, step: 1e-8) { t, v in
      Fixtures.project(t, t.dncContentWeights(memory: v[0], keys: v[1], strengths: v[2]))
    }
    #expect(result.maxRelativeError < 1e-4, "\(which): \(result)")
  }

  @Test func usageStopsTheWriteWeightsGradient() {
    let tape = Tape<Double>()
    let w = tape.variable(weights)
    let y = tape.dncUsage(
      usage: tape.variable(usage), previousWrite: w, freeGates: tape.variable(gates),
      previousReads: tape.variable(reads))
    tape.backward(from: Fixtures.project(tape, y))
    #expect(tape.gradient(of: w).scalars.allSatisfy { $0 == 0 })
  }

  @Test func allocationOfAnEmptyMemoryIsFiniteAndPrefersTheFirstSlot() {
    let tape = Tape<Double>()
    let u = tape.variable(Tensor(shape: .matrix(1, 4), repeating: 0))
    let a = tape.dncAllocation(usage: u)
    let values = tape.value(of: a).scalars
    // û = ε everywhere; the stable sort keeps slot order: a = (1−ε)·(1, ε, ε², ε³).
    #expect(abs(values[0] - (1 - 1e-6)) < 1e-12)
    #expect(values[1] < 1e-5 && values[1] > 0)
    tape.backward(from: Fixtures.project(tape, a))
    #expect(Fixtures.allFinite(tape.gradient(of: u)))
  }

  @Test func allocationOfAFullMemoryHasAZeroFactorAndStaysFinite() {
    // u = 1 gives û = 1 − 0 exactly and a sorted value of 1: the product
    // backward must not divide by anything.
    let tape = Tape<Double>()
    let u = tape.variable(Tensor(shape: .matrix(1, 3), scalars: [1, 0.2, 1]))
    let a = tape.dncAllocation(usage: u)
    let values = tape.value(of: a).scalars
    #expect(abs(values[1] - (1 - (1e-6 + (1 - 1e-6) * 0.2))) < 1e-12)
    #expect(abs(values[0]) < 1e-12 && abs(values[2]) < 1e-12)
    tape.backward(from: Fixtures.project(tape, a))
    #expect(Fixtures.allFinite(tape.gradient(of: u)))
  }

  @Test func contentWeightsOnAZeroMemoryAreUniform() {
    let tape = Tape<Double>()
    let c = tape.dncContentWeights(
      memory: tape.variable(zeroMemory), keys: tape.variable(keys), strengths: tape.variable(strengths))
    for value in tape.value(of: c).scalars { #expect(abs(value - 1 / Double(slots)) < 1e-12) }
  }

  @Test func linkKeepsAZeroDiagonal() {
    let tape = Tape<Double>()
    let l = tape.value(
      of: tape.dncLink(
        link: tape.constant(link), precedence: tape.constant(precedence), weights: tape.constant(weights)))
    for b in 0..<batch {
      for i in 0..<slots { #expect(l.scalars[(b * slots + i) * slots + i] == 0) }
    }
  }
}

import LinearAlgebra
import Testing

@testable import Optimizees

/// The copy-task LSTM: its hand-written BPTT against finite differences,
/// its minibatch stream, its options and profile, and that it trains.
@Suite struct LSTMCopyTests {
  /// The loss of a network that outputs ½ everywhere: ln 2 per bit and output step.
  static func chanceLoss(length: Int, bits: Int) -> Double { Double(length * bits) * 0.693_147_180_559_945_3 }

  /// The block of θ coordinate `k` belongs to, per gate for W_x, W_h and b.
  static func block(of k: Int, _ network: SequenceLSTM) -> String {
    let gates = ["i", "f", "g", "o"]
    let gate = { (column: Int) in gates[column / network.hidden] }
    let g4 = network.gateWidth
    if k < network.inputWidth * g4 { return "W_x.\(gate(k % g4))" }
    if k < network.biasOffset { return "W_h.\(gate(k % g4))" }
    if k < network.readoutOffset { return "b.\(gate(k - network.biasOffset))" }
    return k < network.readoutBiasOffset ? "W_out" : "b_out"
  }

  // MARK: Gradient

  /// Every coordinate of a tiny network (hidden 3, bits 2, length 2, batch
  /// 2: 92 parameters, each block several times, every gate of W_x, W_h and
  /// b) against central differences of the Float loss on the same
  /// minibatch (``Evaluate`` works on copies, which replay the stream).
  ///
  /// The tolerance, |FD − g| ≤ 1e-2·|g| + 1e-3·‖g‖∞, is set by Float: the
  /// loss is about 3, which Float rounds to ~2·10⁻⁷, so a step of h = 10⁻²
  /// leaves ~10⁻⁵ of rounding noise in the difference quotient, and the
  /// O(h²) truncation of the central difference is smaller still (measured:
  /// at most 1.1·10⁻⁴·‖g‖∞ on these seeds). A relative 1%, plus a floor for
  /// coordinates near zero, sits ten times above that and below the 5%
  /// error the last check shows would be caught.
  @Test(arguments: [UInt64(1), 2, 3])
  func gradientMatchesFiniteDifferencesInEveryBlock(seed: UInt64) throws {
    let problemClass = LSTMCopyClass(bits: 2, lengths: 2...2, hidden: 3, batchSize: 2)
    let problem = problemClass.instance(seed: seed)
    let network = problem.network
    #expect(problem.dimension == 92)
    var rng = RandomSource(seed: seed, stream: 7)
    // Away from θ₀ (gates off ½, cells far from 0), where the products matter.
    let theta = problem.initialParameters.map { $0 + 0.5 * rng.gaussian() }
    let (_, gradient) = Evaluate.smoothWithGradient(problem, at: theta)
    let scale = gradient.map { abs(Double($0)) }.max() ?? 0
    try #require(scale > 0)

    var numeric = [Double](repeating: 0, count: problem.dimension)
    for k in 0..<problem.dimension {
      let h: Float = 1e-2
      var plus = theta
      var minus = theta
      plus[k] += h
      minus[k] -= h
      let step = Double(plus[k]) - Double(minus[k])
      numeric[k] =
        (Double(Evaluate.smooth(problem, at: plus)) - Double(Evaluate.smooth(problem, at: minus))) / step
    }
    func failures(scaling factor: Double) -> [Int] {
      (0..<problem.dimension).filter { k in
        let g = Double(gradient[k]) * factor
        return abs(numeric[k] - g) > 1e-2 * abs(g) + 1e-3 * scale
      }
    }
    let failed = failures(scaling: 1).prefix(8).map {
      "\($0) (\(Self.block(of: $0, network))): \(gradient[$0]) vs \(numeric[$0])"
    }
    #expect(failed.isEmpty, "coordinates disagree: \(failed)")
    // Every block carries gradient (a block left at zero would pass the
    // comparison only if the finite differences were zero too).
    var blocks: [String: Double] = [:]
    for k in 0..<problem.dimension { blocks[Self.block(of: k, network), default: 0] += abs(Double(gradient[k])) }
    let expectedBlocks = ["W_x", "W_h", "b"].flatMap { m in ["i", "f", "g", "o"].map { "\(m).\($0)" } } + [
      "W_out", "b_out",
    ]
    #expect(Set(blocks.keys) == Set(expectedBlocks))
    for name in expectedBlocks { #expect((blocks[name] ?? 0) > 1e-3 * scale, "block \(name) has no gradient") }
    // The check has teeth: a gradient 5% off fails it.
    #expect(!failures(scaling: 1.05).isEmpty)
  }

  @Test func lossWithoutGradientIsTheLossWithIt() {
    let problem = LSTMCopyClass(bits: 3, lengths: 1...4, hidden: 5, batchSize: 3).instance(seed: 4)
    for shift: Float in [0, 0.3] {
      let theta = problem.initialParameters.map { $0 + shift }
      #expect(Evaluate.smooth(problem, at: theta) == Evaluate.smoothWithGradient(problem, at: theta).0)
    }
  }

  // MARK: Determinism and the minibatch stream

  @Test func sameSeedSameStartAndLossSequenceAndCopiesReplay() {
    let problemClass = LSTMCopyClass(bits: 4, lengths: 3...3, hidden: 8, batchSize: 4)
    var first = problemClass.instance(seed: 11)
    var second = problemClass.instance(seed: 11)
    #expect(first.initialParameters == second.initialParameters)
    #expect(first.isStochastic && first.optimum == 0 && first.regularizer.isNone)
    let replay = first
    let theta = first.initialParameters
    let losses = (0..<4).map { _ in first.objective(at: theta) }
    #expect((0..<4).map { _ in second.objective(at: theta) } == losses)
    #expect(Set(losses).count > 1, "consecutive calls saw the same minibatch: \(losses)")
    var copy = replay
    #expect((0..<4).map { _ in copy.objective(at: theta) } == losses)
    // Another seed: another start and other minibatches.
    var other = problemClass.instance(seed: 12)
    #expect(other.initialParameters != theta)
    #expect(other.objective(at: theta) != losses[0])
  }

  @Test func startHasTheDocumentedScalesAndForgetBias() {
    let problem = LSTMCopyClass().instance(seed: 5)
    let network = problem.network
    let theta = problem.initialParameters
    #expect(problem.dimension == 5318)
    let gateBound = 1 / Float(network.stackedWidth).squareRoot()
    #expect(theta[0..<network.biasOffset].allSatisfy { abs($0) <= gateBound })
    #expect(theta[0..<network.biasOffset].contains { abs($0) > 0.9 * gateBound })
    let bias = theta[network.biasOffset..<network.readoutOffset]
    let h = network.hidden
    #expect(bias.enumerated().allSatisfy { $0.element == ($0.offset / h == 1 ? 1 : 0) })
    let readoutBound = 1 / Float(h).squareRoot()
    #expect(theta[network.readoutOffset..<network.readoutBiasOffset].allSatisfy { abs($0) <= readoutBound })
    #expect(theta[network.readoutBiasOffset...].allSatisfy { $0 == 0 })
  }

  /// Outputs start near ½, so the loss starts near length·bits·ln 2.
  @Test(arguments: [[:], ["bits": "3", "length": "8", "hidden": "64"]] as [[String: String]])
  func lossAtStartIsNearChance(_ options: [String: String]) throws {
    let problemClass = try #require(try ProblemCatalog.make("lstm-copy", options: options) as? LSTMCopyClass)
    var problem = problemClass.instance(seed: 2)
    let chance = Self.chanceLoss(length: problemClass.lengths.lowerBound, bits: problemClass.bits)
    for _ in 0..<3 {
      let loss = Double(problem.objective(at: problem.initialParameters))
      #expect(abs(loss - chance) <= 0.02 * chance, "loss \(loss), chance \(chance)")
    }
  }

  /// With `length=MIN-MAX`, each minibatch draws its length: the losses at
  /// θ₀ sit near k·bits·ln 2 for several k of the range, and no other.
  @Test func lengthRangeDrawsLengthsPerMinibatch() {
    var problem = LSTMCopyClass(bits: 6, lengths: 2...4, hidden: 16, batchSize: 8).instance(seed: 3)
    var seen: Set<Int> = []
    for _ in 0..<30 {
      let perLength = Double(problem.objective(at: problem.initialParameters)) / Self.chanceLoss(length: 1, bits: 6)
      let length = Int(perLength.rounded())
      #expect(abs(perLength - Double(length)) < 0.1 && (2...4).contains(length), "\(perLength)")
      seen.insert(length)
    }
    #expect(seen == [2, 3, 4])
  }

  // MARK: Options and profile

  @Test func optionsBuildCanonicalKeys() throws {
    let defaults = try ProblemCatalog.make("lstm-copy")
    #expect(defaults.configurationKey == "lstm-copy(batch=16,bits=6,hidden=32,length=5)")
    #expect(defaults.summary == LSTMCopyClass.profile.summary)
    let ranged = try #require(
      try ProblemCatalog.make("lstm-copy", options: ["length": " 2-8 ", "bits": "8"]) as? LSTMCopyClass)
    #expect(ranged.lengths == 2...8 && ranged.bits == 8)
    #expect(ranged.configurationKey == "lstm-copy(batch=16,bits=8,hidden=32,length=2-8)")
    #expect(ranged.summary.contains("2-8 (drawn per minibatch)"))
    // A one-value range is the fixed length.
    #expect(
      try ProblemCatalog.make("lstm-copy", options: ["length": "5-5"]).configurationKey
        == defaults.configurationKey)
  }

  @Test func unknownOptionListsTheValidOnes() {
    let expected = ProblemError.unknownOption(
      problem: "lstm-copy", option: "layers", valid: ["batch", "bits", "hidden", "length"])
    #expect(throws: expected) { try ProblemCatalog.make("lstm-copy", options: ["layers": "2"]) }
    #expect(expected.description.contains("valid options: batch, bits, hidden, length"))
  }

  struct BadValue: Sendable, CustomTestStringConvertible {
    let option: String
    let value: String
    let expected: String
    var testDescription: String { "\(option)=\(value)" }
  }

  static let lengthExpected = "an integer 1…20 or a range MIN-MAX with 1 ≤ MIN ≤ MAX ≤ 20 (e.g. 5 or 2-8)"

  static let badValues: [BadValue] = [
    BadValue(option: "bits", value: "0", expected: "an integer ≥ 1 and ≤ 32"),
    BadValue(option: "bits", value: "33", expected: "an integer ≥ 1 and ≤ 32"),
    BadValue(option: "hidden", value: "0", expected: "an integer ≥ 1 and ≤ 256"),
    BadValue(option: "hidden", value: "wide", expected: "an integer ≥ 1 and ≤ 256"),
    BadValue(option: "batch", value: "0", expected: "an integer ≥ 1 and ≤ 256"),
    BadValue(option: "length", value: "0", expected: lengthExpected),
    BadValue(option: "length", value: "21", expected: lengthExpected),
    BadValue(option: "length", value: "8-2", expected: lengthExpected),
    BadValue(option: "length", value: "0-3", expected: lengthExpected),
    BadValue(option: "length", value: "3-", expected: lengthExpected),
    BadValue(option: "length", value: "-3", expected: lengthExpected),
    BadValue(option: "length", value: "1-2-3", expected: lengthExpected),
    BadValue(option: "length", value: "five", expected: lengthExpected),
  ]

  @Test(arguments: badValues)
  func badValuesSayWhatIsExpected(_ bad: BadValue) {
    let error = #expect(throws: ProblemError.self) {
      try ProblemCatalog.make("lstm-copy", options: [bad.option: bad.value])
    }
    #expect(
      error
        == .invalidOption(problem: "lstm-copy", option: bad.option, value: bad.value, expected: bad.expected))
    #expect(error?.description.contains("'\(bad.value)'") == true)
  }

  static let optionSets: [[String: String]] = [
    [:], ["hidden": "8"], ["bits": "3", "length": "2-4"], ["batch": "4", "hidden": "64", "bits": "10"],
    ["length": "7"], ["hidden": "1", "bits": "1", "length": "1", "batch": "1"],
  ]

  /// The estimate parses the raw options on its own (it never builds):
  /// its dimension is the instances', its flops the built class's.
  @Test(arguments: optionSets)
  func profileEstimateAgreesWithTheInstance(_ options: [String: String]) throws {
    let profile = try ProblemCatalog.profile(named: "lstm-copy")
    let problemClass = try #require(try profile.make(options: options) as? LSTMCopyClass)
    let problem = problemClass.instance(seed: 1)
    let cost = profile.cost(options: options)
    #expect(cost.dimension == Double(problem.dimension))
    #expect(problem.initialParameters.count == problem.dimension)
    #expect(cost.gradientFlops == problemClass.gradientFlops && cost.gradientFlops > 0)
    #expect(problemClass.instanceBytes >= 4 * problem.dimension)
    // Flops are linear in the batch.
    var doubled = options
    doubled["batch"] = String(2 * problemClass.batchSize)
    #expect(profile.cost(options: doubled).gradientFlops == 2 * cost.gradientFlops)
  }

  @Test func profileFacts() throws {
    let profile = try ProblemCatalog.profile(named: "lstm-copy")
    #expect(profile.isExpensive && !profile.isComposite && !profile.knowsLipschitz && !profile.needsMNIST)
    #expect(profile.optionNames == ["batch", "bits", "hidden", "length"])
    #expect(profile.learnedDefaults == LearnedDefaults(preprocessing: "log-sign:5", outputScale: 0.01))
    #expect(profile.metaTrainingDefaults == MetaTrainingDefaults(batch: 1))
    // Malformed options fall back to the defaults (validation is the build's job).
    #expect(profile.cost(options: ["length": "long", "hidden": "x"]) == profile.cost())
  }

  // MARK: It learns

  /// A few hundred Adam steps (written out here: the optimizers live above
  /// this module) on fresh minibatches learn to copy much better than
  /// chance. Seeded, so the outcome is fixed; the margin is wide (measured:
  /// the last 20 steps average 1.5 against chance 8.3).
  @Test func adamLearnsToCopy() {
    let length = 3, bits = 4
    var problem = LSTMCopyClass(bits: bits, lengths: length...length, hidden: 16, batchSize: 8).instance(seed: 7)
    let losses = HandAdam.losses(&problem, steps: 400, rate: 0.05)
    let chance = Self.chanceLoss(length: length, bits: bits)
    let start = losses.prefix(20).map(Double.init).reduce(0, +) / 20
    let end = losses.suffix(20).map(Double.init).reduce(0, +) / 20
    #expect(abs(start - chance) < 0.1 * chance, "start \(start), chance \(chance)")
    #expect(end < 0.4 * chance, "mean loss of the last 20 steps \(end), chance \(chance)")
  }
}

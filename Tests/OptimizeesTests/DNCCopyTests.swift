import Autodiff
import LinearAlgebra
import Testing

@testable import Optimizees

/// The copy-task DNC: its tape gradient against finite differences (in
/// Double) and the Float problem against the Double network, closed forms
/// at a silent read-out, determinism and replay, its options and profile,
/// the tape bound, and that it trains.
@Suite struct DNCCopyTests {
  /// The loss of a network that outputs ½ everywhere: ln 2 per bit and output step.
  static func chanceLoss(length: Int, bits: Int) -> Double { Double(length * bits) * 0.693_147_180_559_945_3 }

  /// A tiny network: every block, two read heads (so per-head fields and
  /// modes are exercised), 4 slots of 3 words; n = 288.
  static let tiny = DNCCopyNetwork(inputWidth: 3, hidden: 3, slots: 4, wordSize: 3, readHeads: 2, outputWidth: 2)

  /// The bits of a minibatch as the problem draws them: `length·batch·bits`
  /// values, step by step, sequence by sequence, bit by bit.
  static func bits<Scalar: BinaryFloatingPoint>(
    seed: UInt64, count: Int, as: Scalar.Type = Scalar.self
  ) -> [Scalar] {
    var stream = RandomSource(seed: seed, .minibatches)
    var values = [Scalar](repeating: 0, count: count)
    var reader = CopyTaskBits()
    values.withUnsafeMutableBufferPointer { reader.fill($0.baseAddress!, count: count, from: &stream) }
    return values
  }

  /// The loss and, when asked, ∇θ of `network` on a fresh tape of `Scalar`.
  static func evaluate<Scalar: TensorScalar>(
    _ network: DNCCopyNetwork, theta: [Scalar], bits: [Scalar], batch: Int, length: Int, gradient: Bool
  ) -> (loss: Scalar, gradient: [Scalar]) {
    let tape = Tape<Scalar>()
    var result = [Scalar](repeating: 0, count: gradient ? theta.count : 0)
    let loss = theta.withUnsafeBufferPointer { t in
      bits.withUnsafeBufferPointer { b in
        let (loss, parameters) = network.recordLoss(
          on: tape, theta: t.baseAddress!, bits: b.baseAddress!, batch: batch, length: length)
        if gradient {
          tape.backward(from: loss)
          result.withUnsafeMutableBufferPointer { network.gradient(of: parameters, on: tape, into: $0.baseAddress!) }
        }
        return tape.withValue(of: loss) { $0[0] }
      }
    }
    return (loss, result)
  }

  /// The block of θ coordinate `k`.
  static func block(of k: Int, _ network: DNCCopyNetwork) -> DNCCopyNetwork.Block {
    DNCCopyNetwork.Block.allCases.first { network.range(of: $0).contains(k) }!
  }

  // MARK: Gradient

  /// Every coordinate of the tiny network (batch 2, length 2: 5 steps,
  /// 288 parameters) against central differences, all in Double.
  ///
  /// The tolerance, |FD − g| ≤ 10⁻⁶·(|g| + ‖g‖∞), sits far above the
  /// central difference's error at h = 10⁻⁵ (truncation ~h²·f‴ ≈ 10⁻¹⁰,
  /// rounding ~10⁻¹⁶/h ≈ 10⁻¹¹) and far below the 0.1% error the last
  /// check shows would be caught. The usages of the first step tie (all
  /// zero, whatever θ), but every slot's tie breaks by index alike on both
  /// sides of a difference, so the sort's constant permutation is exact.
  @Test(arguments: [UInt64(1), 2, 3])
  func tapeGradientMatchesFiniteDifferencesInDouble(seed: UInt64) throws {
    let network = Self.tiny
    let (batch, length) = (2, 2)
    #expect(network.parameterCount == 288)
    var start = RandomSource(seed: seed, .start)
    var rng = RandomSource(seed: seed, stream: 7)
    // Away from θ₀ (gates off ½, memory well written), where the products matter.
    let theta = network.initialParameters(from: &start).map { Double($0 + 0.5 * rng.gaussian()) }
    let bits: [Double] = Self.bits(seed: seed, count: length * batch * network.outputWidth)
    let (_, gradient) = Self.evaluate(network, theta: theta, bits: bits, batch: batch, length: length, gradient: true)
    let scale = gradient.map(abs).max() ?? 0
    try #require(scale > 0)

    let h = 1e-5
    let numeric = theta.indices.map { k in
      var plus = theta
      var minus = theta
      plus[k] += h
      minus[k] -= h
      let up = Self.evaluate(network, theta: plus, bits: bits, batch: batch, length: length, gradient: false).loss
      let down = Self.evaluate(network, theta: minus, bits: bits, batch: batch, length: length, gradient: false).loss
      return (up - down) / (2 * h)
    }
    func failures(scaling factor: Double) -> [Int] {
      theta.indices.filter { k in abs(numeric[k] - gradient[k] * factor) > 1e-6 * (abs(gradient[k]) + scale) }
    }
    let failed = failures(scaling: 1).prefix(8).map {
      "\($0) (\(Self.block(of: $0, network))): \(gradient[$0]) vs \(numeric[$0])"
    }
    #expect(failed.isEmpty, "coordinates disagree: \(failed)")
    // Every block carries gradient (a block left at zero would pass only if
    // the finite differences were zero too).
    for block in DNCCopyNetwork.Block.allCases {
      let mass = network.range(of: block).map { abs(gradient[$0]) }.reduce(0, +)
      #expect(mass > 1e-3 * scale, "block \(block) has no gradient")
    }
    // The check has teeth: a gradient 0.1% off fails it.
    #expect(!failures(scaling: 1.001).isEmpty)
  }

  /// The Float problem (the thread's Float tape, the C kernels' Float
  /// paths) against the Double network on the same minibatch: the loss to
  /// 10⁻⁵ relative and every coordinate of the gradient to 10⁻³·‖g‖∞.
  @Test(arguments: [UInt64(4), 5])
  func floatProblemAgreesWithTheDoubleNetwork(seed: UInt64) throws {
    let problemClass = DNCCopyClass(bits: 3, lengths: 3...3, hidden: 5, slots: 6, wordSize: 4, readHeads: 2, batchSize: 3)
    let problem = problemClass.instance(seed: seed)
    var rng = RandomSource(seed: seed, stream: 7)
    let theta = problem.initialParameters.map { $0 + 0.3 * rng.gaussian() }
    let (loss, gradient) = Evaluate.smoothWithGradient(problem, at: theta)
    let bits: [Double] = Self.bits(seed: seed, count: 3 * 3 * 3)
    let reference = Self.evaluate(
      problemClass.network, theta: theta.map(Double.init), bits: bits, batch: 3, length: 3, gradient: true)
    #expect(abs(Double(loss) - reference.loss) <= 1e-5 * reference.loss, "\(loss) vs \(reference.loss)")
    let scale = reference.gradient.map(abs).max() ?? 0
    try #require(scale > 0)
    let worst = zip(gradient, reference.gradient).map { abs(Double($0) - $1) }.max() ?? .infinity
    #expect(worst <= 1e-3 * scale, "largest difference \(worst), ‖g‖∞ \(scale)")
  }

  @Test func lossWithoutGradientIsTheLossWithIt() {
    let problem = DNCCopyClass(bits: 3, lengths: 1...4, hidden: 5, slots: 4, wordSize: 3, batchSize: 3)
      .instance(seed: 4)
    for shift: Float in [0, 0.3] {
      let theta = problem.initialParameters.map { $0 + shift }
      #expect(Evaluate.smooth(problem, at: theta) == Evaluate.smoothWithGradient(problem, at: theta).0)
    }
  }

  // MARK: Closed forms

  /// With the read-out zero (W_y = 0, b_y = 0) every logit is 0, whatever
  /// the memory does: the loss is exactly length·bits·ln 2, ∂ℓ/∂b_y[j] is
  /// (1/B)·Σ_{steps, sequences} (½ − y) from the drawn bits alone, and no
  /// gradient reaches the controller or the memory (W_y = 0 blocks it). The
  /// same holds for `lstm-copy`'s read-out, so equal b gradients there say
  /// both classes drew the same minibatch from the seed.
  @Test(arguments: [(UInt64(1), 5...5), (2, 3...3), (3, 1...1)])
  func silentReadOutGivesTheClosedForms(seed: UInt64, lengths: ClosedRange<Int>) throws {
    let (bits, batch) = (6, 4)
    let length = lengths.lowerBound
    let problemClass = DNCCopyClass(bits: bits, lengths: lengths, hidden: 8, slots: 5, wordSize: 4, batchSize: batch)
    let problem = problemClass.instance(seed: seed)
    let network = problem.network
    var theta = problem.initialParameters
    for k in network.range(of: .readout).lowerBound..<theta.count { theta[k] = 0 }
    let (loss, gradient) = Evaluate.smoothWithGradient(problem, at: theta)
    let chance = Self.chanceLoss(length: length, bits: bits)
    #expect(abs(Double(loss) - chance) <= 1e-5 * chance, "loss \(loss), closed form \(chance)")

    let y: [Double] = Self.bits(seed: seed, count: length * batch * bits)
    let biasGradient = (0..<bits).map { j in
      (0..<(length * batch)).map { 0.5 - y[$0 * bits + j] }.reduce(0, +) / Double(batch)
    }
    let readoutBias = network.range(of: .readoutBias)
    for j in 0..<bits {
      #expect(abs(Double(gradient[readoutBias.lowerBound + j]) - biasGradient[j]) <= 1e-6, "b_y[\(j)]")
    }
    #expect(gradient[0..<network.range(of: .readout).lowerBound].allSatisfy { $0 == 0 })

    let lstm = LSTMCopyClass(bits: bits, lengths: lengths, hidden: 8, batchSize: batch).instance(seed: seed)
    var lstmTheta = lstm.initialParameters
    for k in lstm.network.readoutOffset..<lstmTheta.count { lstmTheta[k] = 0 }
    let (lstmLoss, lstmGradient) = Evaluate.smoothWithGradient(lstm, at: lstmTheta)
    #expect(abs(Double(lstmLoss) - chance) <= 1e-5 * chance)
    let lstmBias = Array(lstmGradient[lstm.network.readoutBiasOffset...])
    #expect(zip(lstmBias, gradient[readoutBias]).allSatisfy { abs($0 - $1) <= 1e-6 })
  }

  /// Outputs start near ½, so the loss starts near length·bits·ln 2.
  @Test(arguments: [[:], ["bits": "3", "length": "8", "slots": "24", "reads": "2"]] as [[String: String]])
  func lossAtStartIsNearChance(_ options: [String: String]) throws {
    let problemClass = try #require(try ProblemCatalog.make("dnc-copy", options: options) as? DNCCopyClass)
    var problem = problemClass.instance(seed: 2)
    let chance = Self.chanceLoss(length: problemClass.lengths.lowerBound, bits: problemClass.bits)
    for _ in 0..<3 {
      let loss = Double(problem.objective(at: problem.initialParameters))
      #expect(abs(loss - chance) <= 0.02 * chance, "loss \(loss), chance \(chance)")
    }
  }

  // MARK: Determinism and the minibatch stream

  @Test func sameSeedSameStartAndLossSequenceAndCopiesReplay() {
    let problemClass = DNCCopyClass(bits: 4, lengths: 2...4, hidden: 8, slots: 6, wordSize: 4, batchSize: 4)
    var first = problemClass.instance(seed: 11)
    var second = problemClass.instance(seed: 11)
    #expect(first.initialParameters == second.initialParameters)
    #expect(first.isStochastic && first.optimum == 0 && first.regularizer.isNone)
    let replay = first
    let theta = first.initialParameters
    var gradients: ([Float], [Float]) = (Array(repeating: 0, count: theta.count), Array(repeating: 0, count: theta.count))
    let losses = (0..<4).map { _ in first.objective(at: theta, gradient: &gradients.0) }
    #expect((0..<4).map { _ in second.objective(at: theta, gradient: &gradients.1) } == losses)
    #expect(gradients.0 == gradients.1)
    #expect(Set(losses).count > 1, "consecutive calls saw the same minibatch: \(losses)")
    var copy = replay
    #expect((0..<4).map { _ in copy.objective(at: theta) } == losses)
    // Another seed: another start and other minibatches.
    var other = problemClass.instance(seed: 12)
    #expect(other.initialParameters != theta)
    #expect(other.objective(at: theta) != losses[0])
  }

  /// Evaluations on other threads (each its own tape) give the same values
  /// as on this one.
  @Test func threadsAgree() async {
    let problem = DNCCopyClass(bits: 3, lengths: 2...2, hidden: 6, slots: 4, wordSize: 3, batchSize: 2)
      .instance(seed: 8)
    let theta = problem.initialParameters.map { $0 + 0.1 }
    let here = Evaluate.smoothWithGradient(problem, at: theta)
    let elsewhere = await withTaskGroup(of: Bool.self) { group in
      for _ in 0..<4 { group.addTask { Evaluate.smoothWithGradient(problem, at: theta) == here } }
      return await group.reduce(true) { $0 && $1 }
    }
    #expect(elsewhere)
  }

  @Test func startHasTheDocumentedLayoutAndScales() {
    let problem = DNCCopyClass().instance(seed: 5)
    let network = problem.network
    let theta = problem.initialParameters
    #expect(problem.dimension == 7710 && network.interfaceWidth == 40)
    let expected: [(DNCCopyNetwork.Block, Range<Int>)] = [
      (.controllerInput, 0..<1920), (.controllerHidden, 1920..<6016), (.controllerBias, 6016..<6144),
      (.interface, 6144..<7424), (.interfaceBias, 7424..<7464), (.readout, 7464..<7704), (.readoutBias, 7704..<7710),
    ]
    for (block, range) in expected { #expect(network.range(of: block) == range, "\(block)") }
    let controllerBound = 1 / Float(7 + 8 + 32).squareRoot()
    let controller = theta[0..<6016]
    #expect(controller.allSatisfy { abs($0) <= controllerBound } && controller.contains { abs($0) > 0.9 * controllerBound })
    #expect(theta[6016..<6144].enumerated().allSatisfy { $0.element == ($0.offset / 32 == 1 ? 1 : 0) })
    #expect(theta[6144..<7424].allSatisfy { abs($0) <= 1 / Float(32).squareRoot() })
    #expect(theta[7424..<7464].allSatisfy { $0 == 0 })
    #expect(theta[7464..<7704].allSatisfy { abs($0) <= 1 / Float(40).squareRoot() })
    #expect(theta[7704...].allSatisfy { $0 == 0 })
    // The interface's fields tile its columns in the documented order.
    let fields = DNCCopyNetwork.Field.allCases.map { network.columns(of: $0) }
    #expect(fields.map(\.count) == [8, 1, 3, 8, 1, 8, 8, 1, 1, 1])
    #expect(zip(fields, fields.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
    #expect(fields.first?.lowerBound == 0 && fields.last?.upperBound == 40)
  }

  // MARK: The tape

  /// ``DNCCopyClass/tapeFloats(length:)`` bounds what one evaluation
  /// records, and not loosely (measured: 1.00–1.47 times the tape, over
  /// these and larger configurations): after a reset the tape's arena is
  /// one chunk of its high-water size, which a second recording fills.
  @Test(
    arguments: [
      [:], ["length": "2-9", "slots": "32", "reads": "3", "batch": "8"],
      ["bits": "32", "batch": "2", "hidden": "128", "length": "12"],
      ["batch": "1", "slots": "1", "word": "1", "hidden": "1", "bits": "1", "length": "3"],
    ] as [[String: String]])
  func tapeEstimateBoundsTheMeasuredTape(_ options: [String: String]) throws {
    let problemClass = try #require(try ProblemCatalog.make("dnc-copy", options: options) as? DNCCopyClass)
    let network = problemClass.network
    let (batch, length) = (problemClass.batchSize, problemClass.lengths.upperBound)
    let theta = problemClass.instance(seed: 1).initialParameters
    let bits: [Float] = Self.bits(seed: 1, count: length * batch * problemClass.bits)
    let tape = Tape<Float>()
    for _ in 0..<2 {
      tape.reset()
      theta.withUnsafeBufferPointer { t in
        bits.withUnsafeBufferPointer { b in
          let (loss, _) = network.recordLoss(
            on: tape, theta: t.baseAddress!, bits: b.baseAddress!, batch: batch, length: length)
          tape.backward(from: loss)
        }
      }
    }
    let measured = tape.storageBytes / 4
    let estimate = problemClass.tapeFloats(length: length)
    #expect(measured <= estimate, "measured \(measured) floats, estimate \(estimate)")
    #expect(estimate <= 2 * measured, "measured \(measured) floats, estimate \(estimate)")
  }

  // MARK: Options and profile

  @Test func optionsBuildCanonicalKeys() throws {
    let defaults = try ProblemCatalog.make("dnc-copy")
    #expect(defaults.configurationKey == "dnc-copy(batch=16,bits=6,hidden=32,length=5,reads=1,slots=16,word=8)")
    #expect(defaults.summary == DNCCopyClass.profile.summary)
    let options = ["length": " 2-8 ", "bits": "8", "slots": "12", "word": "6", "reads": "2", "hidden": "20"]
    let custom = try #require(try ProblemCatalog.make("dnc-copy", options: options) as? DNCCopyClass)
    #expect(custom.lengths == 2...8 && custom.bits == 8 && custom.slots == 12 && custom.wordSize == 6)
    #expect(custom.readHeads == 2 && custom.hidden == 20 && custom.batchSize == 16)
    #expect(custom.configurationKey == "dnc-copy(batch=16,bits=8,hidden=20,length=2-8,reads=2,slots=12,word=6)")
    #expect(custom.summary.contains("2-8 (drawn per minibatch)") && custom.summary.contains("2 read heads"))
    #expect(
      try ProblemCatalog.make("dnc-copy", options: ["length": "5-5"]).configurationKey == defaults.configurationKey)
  }

  @Test func unknownOptionListsTheValidOnes() {
    let valid = ["batch", "bits", "hidden", "length", "reads", "slots", "word"]
    let expected = ProblemError.unknownOption(problem: "dnc-copy", option: "layers", valid: valid)
    #expect(throws: expected) { try ProblemCatalog.make("dnc-copy", options: ["layers": "2"]) }
    #expect(expected.description.contains("valid options: batch, bits, hidden, length, reads, slots, word"))
  }

  static let badValues: [LSTMCopyTests.BadValue] = [
    .init(option: "bits", value: "0", expected: "an integer ≥ 1 and ≤ 32"),
    .init(option: "hidden", value: "257", expected: "an integer ≥ 1 and ≤ 256"),
    .init(option: "slots", value: "0", expected: "an integer ≥ 1 and ≤ 64"),
    .init(option: "slots", value: "65", expected: "an integer ≥ 1 and ≤ 64"),
    .init(option: "word", value: "0", expected: "an integer ≥ 1 and ≤ 64"),
    .init(option: "word", value: "wide", expected: "an integer ≥ 1 and ≤ 64"),
    .init(option: "reads", value: "0", expected: "an integer ≥ 1 and ≤ 8"),
    .init(option: "reads", value: "9", expected: "an integer ≥ 1 and ≤ 8"),
    .init(option: "batch", value: "257", expected: "an integer ≥ 1 and ≤ 256"),
    .init(option: "length", value: "21", expected: LSTMCopyTests.lengthExpected),
    .init(option: "length", value: "8-2", expected: LSTMCopyTests.lengthExpected),
  ]

  @Test(arguments: badValues)
  func badValuesSayWhatIsExpected(_ bad: LSTMCopyTests.BadValue) {
    let error = #expect(throws: ProblemError.self) {
      try ProblemCatalog.make("dnc-copy", options: [bad.option: bad.value])
    }
    #expect(
      error == .invalidOption(problem: "dnc-copy", option: bad.option, value: bad.value, expected: bad.expected))
    #expect(error?.description.contains("'\(bad.value)'") == true)
  }

  /// Each option within its range, but together a tape too large: the
  /// error names the product and the bound.
  @Test func tooMuchTapeIsRejectedWithItsSize() throws {
    let options = ["batch": "256", "length": "10-20", "slots": "64"]
    let error = #expect(throws: ProblemError.self) { try ProblemCatalog.make("dnc-copy", options: options) }
    guard case .invalidOption(let problem, let option, let value, let expected)? = error else {
      Issue.record("unexpected \(String(describing: error))")
      return
    }
    #expect(problem == "dnc-copy" && option == "batch×length×slots" && value == "256×10-20×64")
    #expect(expected.hasPrefix("at most 256 MB of tape per evaluation") && expected.contains("at length 20"))
    // The defaults are far inside the bound, and so is the longest length.
    #expect(4 * DNCCopyClass().tapeFloats(length: 5) < 2 << 20)
    #expect(throws: Never.self) { try ProblemCatalog.make("dnc-copy", options: ["length": "20"]) }
  }

  static let optionSets: [[String: String]] = [
    [:], ["hidden": "8"], ["bits": "3", "length": "2-4"], ["slots": "32", "word": "16", "reads": "4"],
    ["hidden": "1", "bits": "1", "length": "1", "batch": "1", "slots": "1", "word": "1", "reads": "1"],
  ]

  /// The estimate parses the raw options on its own (it never builds):
  /// its dimension is the instances', its flops the built class's.
  @Test(arguments: optionSets)
  func profileEstimateAgreesWithTheInstance(_ options: [String: String]) throws {
    let profile = try ProblemCatalog.profile(named: "dnc-copy")
    let problemClass = try #require(try profile.make(options: options) as? DNCCopyClass)
    let problem = problemClass.instance(seed: 1)
    let cost = profile.cost(options: options)
    #expect(cost.dimension == Double(problem.dimension))
    #expect(problem.initialParameters.count == problem.dimension)
    #expect(cost.gradientFlops == problemClass.gradientFlops && cost.gradientFlops > 0)
    #expect(problemClass.instanceBytes >= 4 * problem.dimension)
    var doubled = options
    doubled["batch"] = String(2 * problemClass.batchSize)
    #expect(profile.cost(options: doubled).gradientFlops == 2 * cost.gradientFlops)
  }

  @Test func profileFacts() throws {
    let profile = try ProblemCatalog.profile(named: "dnc-copy")
    #expect(profile.isExpensive && !profile.isComposite && !profile.knowsLipschitz && !profile.needsMNIST)
    #expect(profile.optionNames == ["batch", "bits", "hidden", "length", "reads", "slots", "word"])
    #expect(profile.learnedDefaults == LearnedDefaults(preprocessing: "log-sign:5", outputScale: 0.01))
    #expect(profile.metaTrainingDefaults == MetaTrainingDefaults(batch: 1))
    #expect(profile.cost(options: ["slots": "many", "word": "x"]) == profile.cost())
  }

  // MARK: It learns

  /// 200 hand-written Adam steps (the optimizers live above this module;
  /// lr 0.03, hidden 16, 8 slots of 4, 3 bits, length 2) on fresh
  /// minibatches take the loss far below chance. Seeded, so the outcome is
  /// fixed; the margin is wide (measured: the last 20 steps average 0.13 of
  /// chance, 0.29 after 150 steps).
  @Test func adamLearnsToCopy() {
    let (length, bits) = (2, 3)
    var problem = DNCCopyClass(
      bits: bits, lengths: length...length, hidden: 16, slots: 8, wordSize: 4, batchSize: 8
    ).instance(seed: 7)
    let losses = HandAdam.losses(&problem, steps: 200, rate: 0.03)
    let chance = Self.chanceLoss(length: length, bits: bits)
    let start = losses.prefix(10).map(Double.init).reduce(0, +) / 10
    let end = losses.suffix(20).map(Double.init).reduce(0, +) / 20
    #expect(losses.allSatisfy { $0.isFinite })
    #expect(abs(start - chance) < 0.1 * chance, "start \(start), chance \(chance)")
    #expect(end < 0.35 * chance, "mean loss of the last 20 steps \(end), chance \(chance)")
  }
}

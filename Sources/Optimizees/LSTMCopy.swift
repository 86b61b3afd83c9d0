import LinearAlgebra

/// The copy task of the NTM and DNC papers (Graves et al. 2014, 2016) as an
/// optimizee: train a small LSTM to read a sequence of random binary
/// vectors and write it back.
///
/// Each minibatch is `batch` (16) sequences of `length` (5) vectors of
/// `bits` (6) bits, each bit Bernoulli(½) (``CopyTask``, shared with
/// `dnc-copy`). The network has bits + 1 input
/// channels, the last a delimiter flag, and runs 2·length + 1 steps: the
/// sequence (delimiter 0), one delimiter step (bits 0, delimiter 1), then
/// `length` blank steps during which its read-out must reproduce the
/// sequence in order. The loss is the mean over the batch of the
/// bits-per-sequence cross-entropy: the sum over the output steps and bits
/// of the sigmoid binary cross-entropy (``SequenceLSTM``). It is a
/// recurrent optimizee whose gradients flow through 2·length + 1 steps of
/// gating, unlike the feed-forward MLP.
///
/// Options: `bits` (1…32), `hidden` (units, 1…256, default 32), `batch`
/// (1…256) and `length`, either a fixed integer (`length=5`) or a range
/// `MIN-MAX` (`length=2-8`, 1 ≤ MIN ≤ MAX ≤ 20), in which case every
/// minibatch draws its length uniformly from the range (all sequences of
/// one minibatch share it, as one batched unroll must). One LSTM layer.
/// r = 0: a perfect copy drives the cross-entropy to 0.
public struct LSTMCopyClass: ProblemClass {
  /// The data: bits, lengths, minibatch size (shared with `dnc-copy`).
  let task: CopyTask
  /// LSTM units.
  public let hidden: Int

  /// Bits per vector.
  public var bits: Int { task.bits }
  /// The sequence lengths minibatches draw from (one value: a fixed length).
  public var lengths: ClosedRange<Int> { task.lengths }
  /// Sequences per minibatch.
  public var batchSize: Int { task.batchSize }

  /// The task's option ranges (``CopyTask``), and units up to 256, which
  /// with them keep one evaluation's scratch (T·B·4H floats) under 50 MB.
  static let hiddenRange = 1...256

  public init(bits: Int = 6, lengths: ClosedRange<Int> = 5...5, hidden: Int = 32, batchSize: Int = 16) {
    precondition(hidden >= 1)
    self.task = CopyTask(bits: bits, lengths: lengths, batchSize: batchSize)
    self.hidden = hidden
  }

  /// The options the class accepts.
  static let optionNames = (CopyTask.optionNames + ["hidden"]).sorted()

  init(options: [String: String]) throws(ProblemError) {
    let reader = try OptionReader(problem: Self.profile.name, options: options, valid: Self.optionNames)
    self.task = try CopyTask(reading: reader)
    self.hidden = try reader.integer("hidden", default: 32, in: Self.hiddenRange)
  }

  /// LogAndSign features (k = 5) as on the MLP: the gradients of a network's
  /// weights span decades (the read-out's are far larger than the early
  /// steps' recurrent ones), which raw gradients would hand the LSTM as
  /// inputs of every scale. Output scale 0.01: weights start at ±1/√(D + H)
  /// ≈ 0.16, so steps of order 0.01 move them a few percent, the size of
  /// Adam's well-tuned steps here (its tuned rate is 0.01–0.03,
  /// docs/deep-networks.md). One network per meta-batch: an instance is
  /// thousands of coordinates with a minibatch gradient, like the MLP.
  public static let profile = ProblemProfile(
    name: "lstm-copy",
    summary: "LSTM (32 units) copies 5 random 6-bit vectors (the DNC copy task), bit cross-entropy, minibatch 16",
    optionNames: optionNames, isExpensive: true,
    learnedDefaults: LearnedDefaults(preprocessing: "log-sign:5", outputScale: 0.01),
    metaTrainingDefaults: MetaTrainingDefaults(batch: 1),
    estimate: { options in
      let lengths = options.estimateRange("length", 5...5)
      let meanLength = Double(lengths.lowerBound + lengths.upperBound) / 2
      let network = SequenceLSTM(
        inputWidth: Int(options.estimateInteger("bits", 6)) + 1, hidden: Int(options.estimateInteger("hidden", 32)),
        outputWidth: Int(options.estimateInteger("bits", 6)))
      return ProblemCost(
        dimension: Double(network.parameterCount),
        gradientFlops: LSTMCopyClass.gradientFlops(
          network: network, batch: options.estimateInteger("batch", 16), meanLength: meanLength))
    },
    build: { options, _ throws(ProblemError) in try LSTMCopyClass(options: options) })

  public var profile: ProblemProfile { Self.profile }

  /// The network of every instance: bits + 1 inputs, `hidden` units, `bits` logits.
  var network: SequenceLSTM { SequenceLSTM(inputWidth: bits + 1, hidden: hidden, outputWidth: bits) }

  /// The floating-point operations of one gradient at the mean length (the
  /// products dominate: per step the gate product 2·B·(D + H)·4H forward
  /// and twice that backward (∇W and ∂h_{t−1}, the latter over H rows), the
  /// read-out 2·B·H·O forward and twice backward per output step, about 30
  /// flops per unit and step for the gates' elementwise passes).
  static func gradientFlops(network: SequenceLSTM, batch: Double, meanLength: Double) -> Double {
    let steps = 2 * meanLength + 1
    let (s, h, g, o) = (
      Double(network.stackedWidth), Double(network.hidden), Double(network.gateWidth), Double(network.outputWidth)
    )
    return batch * (steps * (4 * s * g + 2 * h * g + 30 * h) + 6 * meanLength * h * o)
  }

  /// The estimate's flops for this configuration.
  var gradientFlops: Double {
    Self.gradientFlops(network: network, batch: Double(batchSize), meanLength: task.meanLength)
  }

  public var summary: String {
    "LSTM (\(hidden) units) copies \(task.lengthSummary) random \(bits)-bit vectors (the DNC copy task),"
      + " bit cross-entropy, minibatch \(batchSize)"
  }

  public var configurationKey: String {
    ConfigurationKey.make(name, task.keyPairs + [("hidden", String(hidden))])
  }

  /// The instance for `seed`: θ₀ from the start stream, the minibatches from
  /// the minibatch stream.
  public func instance(seed: UInt64) -> LSTMCopyProblem {
    var start = RandomSource(seed: seed, .start)
    let network = network
    return LSTMCopyProblem(
      network: network, task: task,
      initialParameters: network.initialParameters(from: &start),
      minibatches: RandomSource(seed: seed, .minibatches))
  }

  public func sample(seed: UInt64) -> any Problem { instance(seed: seed) }
}

extension LSTMCopyClass: InstanceFootprint {
  /// θ₀ and the generator (the scratch is per thread, not per instance).
  public var instanceBytes: Int { 4 * network.parameterCount + 64 }
}

/// One copy-task training run: each ``smoothLoss(at:gradient:)`` draws the
/// next minibatch of sequences (and, for a length range, its length) from
/// the instance's own seeded stream, so two copies of a problem see the
/// same minibatches in the same order.
///
/// θ is the layout of ``SequenceLSTM`` with D = bits + 1 and O = bits: W_x
/// ((bits + 1) × 4H) and W_h (H × 4H) stacked, gate blocks [i | f | g | o]
/// in every row, then b (4H, forget block initialised to 1), W_out (H ×
/// bits), b_out (bits). For the defaults (6 bits, 32 units): W = θ[0..<4992]
/// (W_x its first 896), b = θ[4992..<5120], W_out = θ[5120..<5312], b_out =
/// θ[5312..<5318]; n = 5318.
public struct LSTMCopyProblem: Problem {
  public let initialParameters: [Float]
  /// The data: bits, lengths, minibatch size.
  let task: CopyTask
  /// The lengths minibatches draw from.
  public var lengths: ClosedRange<Int> { task.lengths }
  /// Sequences per minibatch.
  public var batchSize: Int { task.batchSize }
  let network: SequenceLSTM
  public var dimension: Int { network.parameterCount }
  public var bits: Int { network.outputWidth }
  public var hidden: Int { network.hidden }
  public var optimum: Float { 0 }
  public var isStochastic: Bool { true }
  public var regularizer: Regularizer { .none }

  /// The minibatch stream (a value: copies replay it).
  private var minibatches: RandomSource
  /// Floats of thread scratch an evaluation at the longest length needs
  /// (not kept per problem copy: a race holds hundreds; ``ThreadScratch``).
  private let workspaceCount: Int

  init(network: SequenceLSTM, task: CopyTask, initialParameters: [Float], minibatches: RandomSource) {
    precondition(
      initialParameters.count == network.parameterCount && network.inputWidth == task.inputWidth
        && network.outputWidth == task.bits)
    self.network = network
    self.task = task
    self.initialParameters = initialParameters
    self.minibatches = minibatches
    let longest = task.lengths.upperBound
    self.workspaceCount = network.workspaceCount(
      batch: task.batchSize, steps: CopyTask.steps(length: longest), outputSteps: longest)
  }

  /// The bits-per-sequence cross-entropy on the next minibatch (mean over
  /// its sequences), and its gradient.
  ///
  /// The minibatch: the length (only for a range: one uniform draw), then
  /// the bits, step by step, sequence by sequence, bit by bit, each the next
  /// bit of the generator's 64-bit words from the lowest (``CopyTaskBits``).
  public mutating func smoothLoss(
    at theta: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>?
  ) -> Float {
    precondition(theta.count == dimension)
    var stream = minibatches
    defer { minibatches = stream }
    let length = task.drawLength(from: &stream)
    let (network, batch, bits) = (network, batchSize, bits)
    let steps = CopyTask.steps(length: length)
    return ThreadScratch.withFloats(count: workspaceCount) { base in
      guard let tp = theta.baseAddress else { return 0 }
      let workspace = SequenceLSTM.Workspace(
        base, network: network, batch: batch, steps: steps, outputSteps: length)
      let width = network.stackedWidth
      // Every input row zero, then the sequence and the delimiter.
      workspace.stacked.update(repeating: 0, count: steps * batch * width)
      var reader = CopyTaskBits()
      for t in 0..<length {
        for r in 0..<batch {
          reader.fill(
            workspace.stackedRow(step: t, row: r, batch: batch, network: network), count: bits, from: &stream)
        }
      }
      for r in 0..<batch { workspace.stackedRow(step: length, row: r, batch: batch, network: network)[bits] = 1 }
      // Output step k copies input step k: the targets are the first `bits`
      // columns of blocks 0 … length − 1, rows D + H apart.
      return network.evaluate(
        theta: tp, workspace: workspace, batch: batch, steps: steps, outputSteps: length,
        targets: workspace.stacked, targetStride: width, gradient: gradient?.baseAddress)
    }
  }
}

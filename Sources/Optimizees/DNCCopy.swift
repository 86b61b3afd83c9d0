import Autodiff
import LinearAlgebra

/// The copy task (``CopyTask``: the same data, options and loss as
/// `lstm-copy`) with a differentiable neural computer as the network being
/// trained (``DNCCopyNetwork``): an LSTM controller with an external memory
/// of `slots` × `word` addressed by content, by usage-based allocation and
/// through the temporal links, read by `reads` heads.
///
/// The memory is what the DNC was built for on this task: write each vector
/// to a fresh slot (allocation), then follow the links forward from the
/// first one. Its gradients flow through 2·length + 1 steps of soft
/// addressing, sorting and N × N link updates: a far rougher landscape for
/// an optimizer than the plain LSTM's, and the one a learned optimizer of
/// DNCs must handle.
///
/// Options: those of the task (`bits` 1…32, `length` N or MIN-MAX in 1…20,
/// `batch` 1…256), `hidden` (controller units, 1…256, default 32), `slots`
/// (N, 1…64, default 16), `word` (W, 1…64, default 8) and `reads` (R, 1…8,
/// default 1); and their product must keep one evaluation's tape within
/// ``maximumTapeBytes``. r = 0: a perfect copy drives the cross-entropy to 0.
public struct DNCCopyClass: ProblemClass {
  /// The data: bits, lengths, minibatch size (shared with `lstm-copy`).
  let task: CopyTask
  /// Controller units H.
  public let hidden: Int
  /// Memory slots N.
  public let slots: Int
  /// Word size W.
  public let wordSize: Int
  /// Read heads R.
  public let readHeads: Int

  /// Bits per vector.
  public var bits: Int { task.bits }
  /// The sequence lengths minibatches draw from (one value: a fixed length).
  public var lengths: ClosedRange<Int> { task.lengths }
  /// Sequences per minibatch.
  public var batchSize: Int { task.batchSize }

  /// The network's ranges. Small memories, as the copy task needs (a
  /// sequence of at most 20 vectors, one slot each; DeepMind's example
  /// configuration for its copy task has N = 16, W = 16, R = 4); 64 slots
  /// already make the link matrices 4,096 floats per sequence and step.
  static let hiddenRange = 1...256
  static let slotsRange = 1...64
  static let wordRange = 1...64
  static let readsRange = 1...8

  /// The most tape one evaluation may record (values, adjoints and saved
  /// intermediates of every step, ``tapeFloats(length:)``): 256 MB. The
  /// tape keeps the whole unroll for the backward pass, so unlike
  /// `lstm-copy`'s scratch it grows with B·T·N²; each thread that
  /// evaluates keeps one such tape.
  static let maximumTapeBytes = 256 << 20

  public init(
    bits: Int = 6, lengths: ClosedRange<Int> = 5...5, hidden: Int = 32, slots: Int = 16, wordSize: Int = 8,
    readHeads: Int = 1, batchSize: Int = 16
  ) {
    precondition(hidden >= 1 && slots >= 1 && wordSize >= 1 && readHeads >= 1)
    self.task = CopyTask(bits: bits, lengths: lengths, batchSize: batchSize)
    self.hidden = hidden
    self.slots = slots
    self.wordSize = wordSize
    self.readHeads = readHeads
  }

  /// The options the class accepts.
  static let optionNames = (CopyTask.optionNames + ["hidden", "reads", "slots", "word"]).sorted()

  init(options: [String: String]) throws(ProblemError) {
    let reader = try OptionReader(problem: Self.profile.name, options: options, valid: Self.optionNames)
    self.task = try CopyTask(reading: reader)
    self.hidden = try reader.integer("hidden", default: 32, in: Self.hiddenRange)
    self.slots = try reader.integer("slots", default: 16, in: Self.slotsRange)
    self.wordSize = try reader.integer("word", default: 8, in: Self.wordRange)
    self.readHeads = try reader.integer("reads", default: 1, in: Self.readsRange)
    let bytes = 4 * tapeFloats(length: lengths.upperBound)
    guard bytes <= Self.maximumTapeBytes else {
      throw .invalidOption(
        problem: name, option: "batch×length×slots", value: "\(batchSize)×\(task.lengthText)×\(slots)",
        expected: "at most \(Self.maximumTapeBytes >> 20) MB of tape per evaluation (this needs"
          + " \(bytes >> 20) MB at length \(lengths.upperBound): fewer sequences, shorter ones or fewer slots)")
    }
  }

  /// LogAndSign features (k = 5) and output scale 0.01, as on `lstm-copy`:
  /// the same kind of network (weights at ±1/√fan-in ≈ 0.1–0.2, gradients
  /// spanning decades between the read-out and the early steps), so a
  /// learned optimizer starts where it does there. One network per
  /// meta-batch.
  public static let profile = ProblemProfile(
    name: "dnc-copy",
    summary: "DNC (LSTM 32 units, 16×8 memory, 1 read head) copies 5 random 6-bit vectors,"
      + " bit cross-entropy, minibatch 16",
    optionNames: optionNames, isExpensive: true,
    learnedDefaults: LearnedDefaults(preprocessing: "log-sign:5", outputScale: 0.01),
    metaTrainingDefaults: MetaTrainingDefaults(batch: 1),
    estimate: { options in
      let bits = Int(options.estimateInteger("bits", 6))
      let network = DNCCopyNetwork(
        inputWidth: bits + 1, hidden: Int(options.estimateInteger("hidden", 32)),
        slots: Int(options.estimateInteger("slots", 16)), wordSize: Int(options.estimateInteger("word", 8)),
        readHeads: Int(options.estimateInteger("reads", 1)), outputWidth: bits)
      let lengths = options.estimateRange("length", 5...5)
      return ProblemCost(
        dimension: Double(network.parameterCount),
        gradientFlops: DNCCopyClass.gradientFlops(
          network: network, batch: options.estimateInteger("batch", 16),
          meanLength: Double(lengths.lowerBound + lengths.upperBound) / 2))
    },
    build: { options, _ throws(ProblemError) in try DNCCopyClass(options: options) })

  public var profile: ProblemProfile { Self.profile }

  /// The network of every instance: bits + 1 inputs, `bits` logits.
  var network: DNCCopyNetwork {
    DNCCopyNetwork(
      inputWidth: task.inputWidth, hidden: hidden, slots: slots, wordSize: wordSize, readHeads: readHeads,
      outputWidth: bits)
  }

  /// The floating-point operations of one gradient at the mean length:
  /// three times the forward pass (the backward pass of every operation
  /// costs about twice its forward). Per sequence and step, forward: the
  /// controller's product 2·(D + RW + H)·4H and ~30H elementwise, the
  /// interface 2·H·I, content addressing 4·(R + 1)·N·W (dot products and
  /// norms), erase/write 4NW, the links 6N², the directional reads 4RN²,
  /// the read words 2RNW, ~20N + 10RN for usage, allocation, precedence
  /// and the softmaxes; per output step the read-out 2·(H + RW)·O.
  static func gradientFlops(network: DNCCopyNetwork, batch: Double, meanLength: Double) -> Double {
    let (d, h, n, w, r, o) = (
      Double(network.inputWidth), Double(network.hidden), Double(network.slots), Double(network.wordSize),
      Double(network.readHeads), Double(network.outputWidth)
    )
    let i = Double(network.interfaceWidth)
    let step =
      2 * (d + r * w + h) * 4 * h + 30 * h + 2 * h * i + 4 * (r + 1) * n * w + 4 * n * w + 6 * n * n
      + 4 * r * n * n + 2 * r * n * w + 20 * n + 10 * r * n
    let steps = 2 * meanLength + 1
    return 3 * batch * (steps * step + meanLength * 2 * (h + r * w) * o)
  }

  /// The estimate's flops for this configuration.
  var gradientFlops: Double {
    Self.gradientFlops(network: network, batch: Double(batchSize), meanLength: task.meanLength)
  }

  /// An upper bound on the floats of tape one evaluation at `length`
  /// records and keeps: per sequence and step the link matrix N² and the
  /// memory NW (value and adjoint each), the N- and R·N-long weightings
  /// with what their operations save, the controller's gates and states,
  /// the interface and its fields; per output step the read-out's terms; θ's
  /// leaves (value and adjoint); per node the arena's rounding to 16 floats
  /// (about 50 nodes a step, value and adjoint). The arena holds at least
  /// 2¹⁶ floats and up to a tenth more than it hands out (the tails of the
  /// chunks a growing arena skipped stay in the size it settles at); the
  /// LSTM's backward scratch adds B·4H. A test holds it against the tape's
  /// measured size.
  func tapeFloats(length: Int) -> Int {
    let network = network
    let (h, n, w, r, o) = (hidden, slots, wordSize, readHeads, bits)
    let i = network.interfaceWidth
    let perSequence =
      2 * n * n + 2 * n * w + 20 * n + 8 * r * n + 9 * h + 4 * i + 2 * network.controllerInputWidth + 6 * (r + w)
      + 16
    let perOutputSequence = 2 * (h + r * w) + 12 * o
    let steps = CopyTask.steps(length: length)
    let arena =
      steps * (batchSize * perSequence + 100 * 16) + length * batchSize * perOutputSequence
      + 2 * network.parameterCount
    return max(arena + arena / 10, 1 << 16) + batchSize * network.gateWidth + 64
  }

  public var summary: String {
    "DNC (LSTM \(hidden) units, \(slots)×\(wordSize) memory, \(readHeads) read head\(readHeads == 1 ? "" : "s"))"
      + " copies \(task.lengthSummary) random \(bits)-bit vectors, bit cross-entropy, minibatch \(batchSize)"
  }

  public var configurationKey: String {
    ConfigurationKey.make(
      name,
      task.keyPairs + [
        ("hidden", String(hidden)), ("reads", String(readHeads)), ("slots", String(slots)),
        ("word", String(wordSize)),
      ])
  }

  /// The instance for `seed`: θ₀ from the start stream, the minibatches from
  /// the minibatch stream (the same minibatches as `lstm-copy`'s instance of
  /// that seed and task).
  public func instance(seed: UInt64) -> DNCCopyProblem {
    var start = RandomSource(seed: seed, .start)
    let network = network
    return DNCCopyProblem(
      network: network, task: task, initialParameters: network.initialParameters(from: &start),
      minibatches: RandomSource(seed: seed, .minibatches))
  }

  public func sample(seed: UInt64) -> any Problem { instance(seed: seed) }
}

extension DNCCopyClass: InstanceFootprint {
  /// θ₀ and the generator (the tape is per thread, not per instance).
  public var instanceBytes: Int { 4 * network.parameterCount + 64 }
}

/// One copy-task training run of a DNC: each ``smoothLoss(at:gradient:)``
/// draws the next minibatch (its length, for a range, then its bits, as
/// `lstm-copy` does) from the instance's own seeded stream, records the
/// network's loss on the calling thread's tape (``ThreadTape``) and, for a
/// gradient, runs it backward. Two copies of a problem see the same
/// minibatches in the same order.
///
/// θ is ``DNCCopyNetwork``'s layout. For the defaults (6 bits, H = 32,
/// N = 16, W = 8, R = 1; I = 40): W_x = θ[0..<1920] (15 × 128), W_h =
/// θ[1920..<6016], b = θ[6016..<6144], W_ξ = θ[6144..<7424], b_ξ =
/// θ[7424..<7464], W_y = θ[7464..<7704] (40 × 6), b_y = θ[7704..<7710];
/// n = 7,710.
public struct DNCCopyProblem: Problem {
  public let initialParameters: [Float]
  /// The data: bits, lengths, minibatch size.
  let task: CopyTask
  let network: DNCCopyNetwork
  public var dimension: Int { network.parameterCount }
  public var optimum: Float { 0 }
  public var isStochastic: Bool { true }
  public var regularizer: Regularizer { .none }

  /// The minibatch stream (a value: copies replay it).
  private var minibatches: RandomSource

  init(network: DNCCopyNetwork, task: CopyTask, initialParameters: [Float], minibatches: RandomSource) {
    precondition(
      initialParameters.count == network.parameterCount && network.inputWidth == task.inputWidth
        && network.outputWidth == task.bits)
    self.network = network
    self.task = task
    self.initialParameters = initialParameters
    self.minibatches = minibatches
  }

  /// The bits-per-sequence cross-entropy on the next minibatch (mean over
  /// its sequences), and its gradient by the tape's backward pass.
  ///
  /// The bits go to thread scratch (length·batch·bits floats) in the order
  /// they are drawn, which is the layout the network reads; the graph is
  /// recorded on the thread's tape, reset first, so after the first call
  /// at the longest length its arena allocates no more tensor storage.
  public mutating func smoothLoss(
    at theta: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>?
  ) -> Float {
    precondition(theta.count == dimension && (gradient == nil || gradient?.count == dimension))
    var stream = minibatches
    defer { minibatches = stream }
    let length = task.drawLength(from: &stream)
    let (network, batch) = (network, task.batchSize)
    let count = length * batch * task.bits
    return ThreadScratch.withFloats(count: count) { bits in
      var reader = CopyTaskBits()
      reader.fill(bits, count: count, from: &stream)
      guard let tp = theta.baseAddress else { return 0 }
      return ThreadTape.withTape { tape in
        let (loss, parameters) = network.recordLoss(on: tape, theta: tp, bits: bits, batch: batch, length: length)
        if let g = gradient?.baseAddress {
          tape.backward(from: loss)
          network.gradient(of: parameters, on: tape, into: g)
        }
        return tape.withValue(of: loss) { $0[0] }
      }
    }
  }
}

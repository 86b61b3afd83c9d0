import Optimizees
/// The architecture of the shared-memory coordinatewise DNC optimizer
/// (design "S" of docs/dnc-optimizer.md): an LSTM controller applied to every
/// coordinate with shared weights, per-coordinate read heads on one memory
/// per optimizee, a single write head driven by the coordinates' mean
/// controller state, and the update `Δθᵢ = scale · (w_oᵀ[hᵢ; rᵢ] + b_o)`.
public struct DNCOptimizerConfiguration: Sendable, Hashable, Codable {
  /// Controller hidden units H.
  public var hiddenSize: Int
  /// Memory slots N.
  public var memorySlots: Int
  /// Word size W.
  public var wordSize: Int
  /// Read heads per coordinate R.
  public var readHeads: Int
  /// The gradient's preprocessing into input features.
  public var preprocessing: GradientPreprocessing
  /// The multiplier of the head's output (additive rule), or the first
  /// step's RMS length (secant rules).
  public var outputScale: Float
  /// How the head's outputs become Δθ.
  public var update: LearnedUpdateRule
  /// What the write head writes (a learned vector, or the secant pair's
  /// statistics; the latter needs ``wordSize`` = its
  /// ``DNCMemoryContent/requiredWordSize``).
  public var memoryContent: DNCMemoryContent

  public init(
    hiddenSize: Int = 20, memorySlots: Int = 16, wordSize: Int = 8, readHeads: Int = 2,
    preprocessing: GradientPreprocessing = .none, outputScale: Float = 1, update: LearnedUpdateRule = .additive,
    memoryContent: DNCMemoryContent = .learned
  ) {
    self.update = update
    self.memoryContent = memoryContent
    self.hiddenSize = hiddenSize
    self.memorySlots = memorySlots
    self.wordSize = wordSize
    self.readHeads = readHeads
    self.preprocessing = preprocessing
    self.outputScale = outputScale
  }

  /// The defaults per problem class: the LSTM's preprocessing and scale
  /// (``LSTMOptimizerConfiguration/defaults(forProblem:)``) with N=16, W=8,
  /// R=2, H=20.
  public static func defaults(forProblem name: String) -> DNCOptimizerConfiguration {
    let lstm = LSTMOptimizerConfiguration.defaults(forProblem: name)
    return DNCOptimizerConfiguration(preprocessing: lstm.preprocessing, outputScale: lstm.outputScale)
  }

  /// Features per coordinate.
  public var featureCount: Int { preprocessing.featureCount }
  /// The controller's input per coordinate: features and the previous read
  /// words (R·W).
  public var controllerInputSize: Int { featureCount + readHeads * wordSize }
  /// Per-coordinate read interface: R keys (W each), R strengths, R×3 modes.
  public var readInterfaceSize: Int { readHeads * (wordSize + 4) }
  /// The pooled write interface: key (W), strength, erase (W), write vector
  /// (W, only when it is learned), R free gates, allocation gate, write gate.
  public var writeInterfaceSize: Int { writeInterface.size }

  /// Where each field of the pooled write interface starts.
  public var writeInterface: WriteInterfaceLayout {
    WriteInterfaceLayout(
      wordSize: wordSize, readHeads: readHeads, vectorWidth: memoryContent.writeVectorOutputs(wordSize: wordSize))
  }

  /// Column offsets of the pooled write interface's fields, one place for
  /// the tape and the race-time step.
  public struct WriteInterfaceLayout: Sendable, Hashable {
    public let key: Int, strength: Int, erase: Int, vector: Int, freeGates: Int, allocationGate: Int
    public let writeGate: Int, size: Int
    /// Columns of the write vector (W, or 0 when it is not learned).
    public let vectorWidth: Int

    init(wordSize w: Int, readHeads r: Int, vectorWidth: Int) {
      self.vectorWidth = vectorWidth
      key = 0
      strength = w
      erase = w + 1
      vector = 2 * w + 1
      freeGates = vector + vectorWidth
      allocationGate = freeGates + r
      writeGate = allocationGate + 1
      size = writeGate + 1
    }
  }

  /// The `key=value` record kept in a session's manifest (`update` and
  /// `memory` only when they are not the default, so sessions saved before
  /// the DNC had update rules or memory contents read back unchanged).
  public var record: [String: String] {
    var record = [
      "architecture": LearnedArchitecture.dnc.rawValue, "hidden": String(hiddenSize), "slots": String(memorySlots),
      "word": String(wordSize), "reads": String(readHeads),
      "preprocessing": preprocessing.description, "scale": String(outputScale),
    ]
    if update != .additive { record["update"] = update.rawValue }
    if memoryContent != .learned { record["memory"] = memoryContent.rawValue }
    return record
  }

  /// Rebuilds a configuration from ``record``; nil when a field is missing
  /// or malformed (the caller names the file).
  public init?(record: [String: String]) {
    guard record["architecture"] == LearnedArchitecture.dnc.rawValue,
      let hidden = record["hidden"].flatMap(Int.init), Limits.hidden.contains(hidden),
      let slots = record["slots"].flatMap(Int.init), Limits.memorySlots.contains(slots),
      let word = record["word"].flatMap(Int.init), Limits.wordSize.contains(word),
      let reads = record["reads"].flatMap(Int.init), Limits.readHeads.contains(reads),
      let preprocessing = record["preprocessing"].flatMap(GradientPreprocessing.init(parsing:)),
      let scale = record["scale"].flatMap(Float.init), scale.isFinite,
      let update = record["update"].map(LearnedUpdateRule.init(rawValue:)) ?? .additive,
      let content = record["memory"].map(DNCMemoryContent.init(rawValue:)) ?? .learned,
      content.requiredWordSize.map({ $0 == word }) ?? true
    else { return nil }
    self.init(
      hiddenSize: hidden, memorySlots: slots, wordSize: word, readHeads: reads, preprocessing: preprocessing,
      outputScale: scale, update: update, memoryContent: content)
  }
}

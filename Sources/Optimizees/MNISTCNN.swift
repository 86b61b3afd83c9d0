import LinearAlgebra

/// A small convolutional network on MNIST: L blocks of (k×k convolution,
/// padding k/2 → ReLU → 2×2 max-pool), flatten, one linear layer to the 10
/// classes, softmax cross-entropy, on minibatches of 128 drawn with
/// replacement from the training split. The default — conv 3×3 1→8, pool
/// 28→14, conv 3×3 8→16, pool 14→7, linear 784→10 — has 9,098 parameters.
///
/// **Options.**
/// - `channels` — the blocks' output widths, either as a list, one per block
///   (`channels=8,16`; `/` also separates, as the configuration key prints
///   it), or as one first-block width that doubles per block (`channels=8`
///   with `layers=3` is 8, 16, 32: each pool quarters the area, so doubling
///   the width keeps the blocks' costs comparable). Each width 1…64.
///   Default 8.
/// - `layers` — the number of blocks, 1…3 (default 2, or the length of a
///   `channels` list, which it must then equal). Each pool rounds down, so
///   28×28 images go 28 → 14 → 7 → 3; a data set of smaller images is
///   refused when the last pool would leave nothing.
/// - `kernel` — 3 or 5: odd, so that padding k/2 keeps a map's size.
/// - `batch` — examples per minibatch, 1…60,000 (default 128).
///
/// **θ layout** (``ConvNetwork`` has the details and the maths): per block,
/// its weights `[out][in][kh][kw]` then its biases; then the linear
/// layer's weights `features × 10` (features channel-major,
/// `c·h·w + y·w + x`) and its 10 biases. Default: conv₀ θ[0..<72] and
/// θ[72..<80], conv₁ θ[80..<1232] and θ[1232..<1248], linear θ[1248..<9088]
/// and θ[9088..<9098].
///
/// **θ₀.** He-normal weights, N(0, 2/fan-in), fan-in `in·k²` for a
/// convolution and the feature count for the linear layer, and zero biases,
/// from the instance's `.start` stream. Why not the MLP's N(0, 0.01²): a
/// ReLU layer multiplies the signal's mean square by about fan-in·σ²/2,
/// which is 4.5·10⁻⁴ for conv₀ and 3.6·10⁻³ for conv₁ with σ = 0.01, so
/// the logits are ~10⁻⁵ of the input and the gradients of the early layers
/// vanish with them: plain SGD then does not train (measured in
/// docs/deep-networks.md). With 2/fan-in the mean square is kept from layer
/// to layer (He et al. 2015), the logits are of order one, and the loss at
/// θ₀ starts near ln 10.
///
/// r = 0 (the lower bound of a network's training loss). The data set is
/// loaded once, when the class is built, and shared by all its instances.
public struct MNISTCNNClass: ProblemClass {
  public let dataset: MNISTDataset
  /// The blocks' output channels, first to last.
  public let channels: [Int]
  /// The convolutions' kernel size k (odd; padding k/2).
  public let kernel: Int
  /// Examples per minibatch.
  public let batchSize: Int

  public init(dataset: MNISTDataset, channels: [Int] = [8, 16], kernel: Int = 3, batchSize: Int = 128) {
    precondition(
      !channels.isEmpty && channels.allSatisfy { $0 >= 1 } && kernel >= 1 && kernel % 2 == 1 && batchSize >= 1
        && dataset.train.count >= 1)
    precondition(
      ConvNetwork.pooledSize(dataset.train.rows, blocks: channels.count) >= 1
        && ConvNetwork.pooledSize(dataset.train.columns, blocks: channels.count) >= 1,
      "MNISTCNNClass: \(channels.count) pools leave nothing of \(dataset.train.rows)×\(dataset.train.columns) images")
    self.dataset = dataset
    self.channels = channels
    self.kernel = kernel
    self.batchSize = batchSize
  }

  /// The options the class accepts.
  static let optionNames = ["batch", "channels", "kernel", "layers"]
  /// Channels per block.
  static let widths = 1...64
  /// Blocks.
  static let blockCounts = 1...3
  /// Kernel sizes: odd, so that padding k/2 keeps the size.
  static let kernels = [3, 5]

  /// The options, checked without touching the disk (so a typo fails
  /// before MNIST is looked for).
  struct Settings: Equatable {
    var channels: [Int]
    var kernel: Int
    var batch: Int
  }

  static func settings(_ options: [String: String]) throws(ProblemError) -> Settings {
    let reader = try OptionReader(problem: profile.name, options: options, valid: optionNames)
    let channels = try blockWidths(channels: options["channels"], layers: options["layers"], reader: reader)
    var kernel = 3
    if let text = options["kernel"] {
      guard let value = Int(text.trimmed), kernels.contains(value) else {
        throw .invalidOption(
          problem: profile.name, option: "kernel", value: text,
          expected: "3 or 5 (an odd size, so that padding k/2 keeps the image size)")
      }
      kernel = value
    }
    let batch = try reader.integer("batch", default: 128, in: 1...60_000)
    return Settings(channels: channels, kernel: kernel, batch: batch)
  }

  /// The blocks' widths from the `channels` and `layers` options (see the
  /// type's documentation).
  static func blockWidths(
    channels: String?, layers: String?, reader: OptionReader
  ) throws(ProblemError) -> [Int] {
    let name = profile.name
    let blocks: Int? = layers == nil ? nil : try reader.integer("layers", default: 2, in: blockCounts)
    guard let channels else { return doubling(8, blocks: blocks ?? 2) }
    let expected =
      "a first-block width \(widths.lowerBound)…\(widths.upperBound) that doubles per block (channels=8),"
      + " or one width per block, comma-separated (channels=8,16), at most \(blockCounts.upperBound) blocks"
    let parts = channels.split(separator: ",", omittingEmptySubsequences: false).flatMap {
      $0.split(separator: "/", omittingEmptySubsequences: false)
    }
    var list: [Int] = []
    for part in parts {
      guard let width = Int(String(part).trimmed), Self.widths.contains(width) else {
        throw .invalidOption(problem: name, option: "channels", value: channels, expected: expected)
      }
      list.append(width)
    }
    guard list.count <= blockCounts.upperBound else {
      throw .invalidOption(problem: name, option: "channels", value: channels, expected: expected)
    }
    if list.count == 1 {
      let doubled = doubling(list[0], blocks: blocks ?? 2)
      guard doubled.allSatisfy(Self.widths.contains) else {
        throw .invalidOption(
          problem: name, option: "channels", value: channels,
          expected: "a first-block width whose doubling stays ≤ \(widths.upperBound) over \(doubled.count) blocks"
            + " (\(channels.trimmed) gives \(doubled.map(String.init).joined(separator: ","))), or one width per"
            + " block, comma-separated, each \(widths.lowerBound)…\(widths.upperBound)")
      }
      return doubled
    }
    if let blocks, blocks != list.count, let layers {
      throw .invalidOption(
        problem: name, option: "layers", value: layers,
        expected: "\(list.count), the number of widths channels=\(channels) lists (or give one first-block width)")
    }
    return list
  }

  /// `first`, 2·`first`, 4·`first`, … (`blocks` widths).
  static func doubling(_ first: Int, blocks: Int) -> [Int] {
    (0..<blocks).map { first << $0 }
  }

  init(_ settings: Settings, dataset: MNISTDataset) throws(ProblemError) {
    let (rows, columns) = (dataset.train.rows, dataset.train.columns)
    let blocks = settings.channels.count
    guard ConvNetwork.pooledSize(rows, blocks: blocks) >= 1, ConvNetwork.pooledSize(columns, blocks: blocks) >= 1
    else {
      var fitting = 0
      while ConvNetwork.pooledSize(min(rows, columns), blocks: fitting + 1) >= 1 { fitting += 1 }
      throw .invalidOption(
        problem: Self.profile.name, option: "layers", value: String(blocks),
        expected: "at most \(fitting) blocks for this data set's \(rows)×\(columns) images (each 2×2 pool halves"
          + " the size, rounded down, and must leave at least 1×1)")
    }
    self.init(dataset: dataset, channels: settings.channels, kernel: settings.kernel, batchSize: settings.batch)
  }

  /// Parses the options (before touching the disk, so a typo fails fast),
  /// then loads MNIST from `mnistDirectory` or the default locations.
  init(options: [String: String], mnistDirectory: String?) throws(ProblemError) {
    let settings = try Self.settings(options)
    try self.init(settings, dataset: try MNISTDataset.load(directory: mnistDirectory))
  }

  /// The class on an already loaded data set (the report's studies share
  /// one copy, possibly a subset), with the same validation as the catalog.
  public init(options: [String: String], dataset: MNISTDataset) throws(ProblemError) {
    try self.init(try Self.settings(options), dataset: dataset)
  }

  /// The same features and scale as the MLP (LogAndSign, k = 5; 0.01): the
  /// gradients are of the same order, and one network per meta-batch.
  public static let profile = ProblemProfile(
    name: "mnist-cnn",
    summary: "CNN conv3×3 1→8→16 (ReLU, 2×2 max-pool) → 784→10 on MNIST, softmax cross-entropy, minibatch 128"
      + " (needs the data)",
    optionNames: optionNames, dataSet: .mnist, isExpensive: true,
    learnedDefaults: LearnedDefaults(preprocessing: "log-sign:5", outputScale: 0.01),
    metaTrainingDefaults: MetaTrainingDefaults(batch: 1),
    estimate: { options in
      // 28×28 images; a malformed option falls back to its default.
      let kernel = options["kernel"].flatMap { Int($0.trimmed) }.flatMap { kernels.contains($0) ? $0 : nil } ?? 3
      let network = ConvNetwork(
        imageHeight: 28, imageWidth: 28, channels: estimateWidths(options), kernel: kernel,
        classCount: MNISTDataset.classCount)
      return ProblemCost(
        dimension: Double(network.parameterCount),
        gradientFlops: 6 * options.estimateInteger("batch", 128) * Double(network.forwardMultiplyAdds))
    },
    build: { options, directory throws(ProblemError) in
      try MNISTCNNClass(options: options, mnistDirectory: directory)
    })

  /// The widths the options ask for, or the default's when they are malformed.
  static func estimateWidths(_ options: [String: String]) -> [Int] {
    let known = options.filter { optionNames.contains($0.key) }
    guard let reader = try? OptionReader(problem: profile.name, options: known, valid: optionNames) else {
      return [8, 16]
    }
    return (try? blockWidths(channels: known["channels"], layers: known["layers"], reader: reader))
      ?? (try? blockWidths(channels: nil, layers: known["layers"], reader: reader)) ?? [8, 16]
  }

  public var profile: ProblemProfile { Self.profile }

  public var summary: String {
    var parts: [String] = []
    var inputs = 1
    var size = (dataset.train.rows, dataset.train.columns)
    for width in channels {
      size = (size.0 / 2, size.1 / 2)
      parts.append("conv\(kernel)×\(kernel) \(inputs)→\(width), pool→\(size.0)×\(size.1)")
      inputs = width
    }
    let features = inputs * size.0 * size.1
    return "CNN \(parts.joined(separator: ", ")), linear \(features)→\(MNISTDataset.classCount) (ReLU) on MNIST,"
      + " softmax cross-entropy, minibatch \(batchSize)"
  }

  /// `mnist-cnn(batch=128,channels=8/16,kernel=3)`: the widths are joined
  /// by `/`, since `,` separates the key's options (`layers` is their
  /// count, so `channels=8,16` and `channels=8 layers=2` share a key).
  public var configurationKey: String {
    ConfigurationKey.make(
      name,
      [
        ("batch", String(batchSize)), ("channels", channels.map(String.init).joined(separator: "/")),
        ("kernel", String(kernel)),
      ])
  }

  public func instance(seed: UInt64) -> MNISTCNNProblem {
    let network = ConvNetwork(
      imageHeight: dataset.train.rows, imageWidth: dataset.train.columns, channels: channels, kernel: kernel,
      classCount: MNISTDataset.classCount)
    var start = RandomSource(seed: seed, .start)
    return MNISTCNNProblem(
      dataset: dataset, network: network, batchSize: batchSize,
      initialParameters: network.initialParameters(using: &start),
      minibatches: RandomSource(seed: seed, .minibatches))
  }

  public func sample(seed: UInt64) -> any Problem { instance(seed: seed) }
}

/// One MNIST CNN training run: each ``smoothLoss(at:gradient:)`` draws the
/// next minibatch from the instance's own seeded stream (with replacement),
/// so two copies of a problem see the same minibatches in the same order.
///
/// A minibatch is pushed through the network in chunks of ``chunk``
/// examples, each chunk one im2col product per block, with the gradient
/// accumulated over the chunks: the workspace (im2col matrices, maps, pool
/// arg-maxes, deltas) is sized for one chunk, so its size does not grow
/// with the minibatch, and it is thread scratch (``ThreadScratch``), not
/// kept per problem copy (a race holds hundreds).
public struct MNISTCNNProblem: MNISTClassifierProblem {
  public let dataset: MNISTDataset
  public let batchSize: Int
  public let initialParameters: [Float]
  let network: ConvNetwork
  public var dimension: Int { network.parameterCount }
  /// The blocks' output channels.
  public var channels: [Int] { network.blocks.map(\.outputChannels) }
  public var kernel: Int { network.kernel }
  public var optimum: Float { 0 }
  public var isStochastic: Bool { true }
  public var regularizer: Regularizer { .none }

  /// Examples per pass through the network.
  let chunk: Int
  /// The minibatch stream (a value: copies replay it).
  private var minibatches: RandomSource
  /// Training-set indices of the current minibatch.
  private var batchIndices: [Int]
  /// Floats of thread scratch one evaluation needs: a chunk's gathered
  /// images, then the network's workspace for a chunk.
  private let workspaceCount: Int

  /// The most examples per pass. On the default network a chunk of 16
  /// holds its workspace (2.4 MB) in this machine's L2 cache, and was the
  /// fastest of 8, 16, 32, 64 and 109 at batch 128 (thread CPU time, on a
  /// shared machine: 9.5 ms against 12 ms at 32 and 17 ms at 64;
  /// docs/deep-networks.md).
  static let largestChunk = 16
  /// The workspace one pass may use (floats; 16 MB): wide networks take
  /// smaller chunks instead of more memory.
  static let workspaceBudget = 1 << 22

  /// Examples per pass for `network` and minibatches of `batch`.
  static func chunkSize(network: ConvNetwork, batch: Int) -> Int {
    let perExample = network.workspaceCount(batch: 1) + network.pixels
    return max(1, min(batch, largestChunk, workspaceBudget / perExample))
  }

  init(
    dataset: MNISTDataset, network: ConvNetwork, batchSize: Int, initialParameters: [Float],
    minibatches: RandomSource
  ) {
    precondition(
      network.imageHeight == dataset.train.rows && network.imageWidth == dataset.train.columns
        && initialParameters.count == network.parameterCount && batchSize >= 1)
    self.dataset = dataset
    self.network = network
    self.batchSize = batchSize
    self.initialParameters = initialParameters
    self.minibatches = minibatches
    self.batchIndices = [Int](repeating: 0, count: batchSize)
    let chunk = Self.chunkSize(network: network, batch: batchSize)
    self.chunk = chunk
    self.workspaceCount = chunk * network.pixels + network.workspaceCount(batch: chunk)
  }

  /// The mean cross-entropy on the next minibatch, and its gradient.
  public mutating func smoothLoss(
    at theta: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>?
  ) -> Float {
    precondition(theta.count == dimension && (gradient.map { $0.count == dimension } ?? true))
    let train = dataset.train
    for i in 0..<batchSize { batchIndices[i] = minibatches.index(below: train.count) }
    let (network, batch, chunk, pixels) = (network, batchSize, chunk, network.pixels)
    return ThreadScratch.withFloats(count: workspaceCount) { scratch in
      train.labels.withUnsafeBufferPointer { labels in
        batchIndices.withUnsafeBufferPointer { indices in
          guard let t = theta.baseAddress else { return 0 }
          let g = gradient?.baseAddress
          g?.update(repeating: 0, count: network.parameterCount)
          var lossSum: Double = 0
          var start = 0
          while start < batch {
            let rows = min(chunk, batch - start)
            train.copyImages(at: UnsafeBufferPointer(rebasing: indices[start..<(start + rows)]), into: scratch)
            let first = start
            lossSum +=
              network.evaluate(
                theta: t, input: scratch, batch: rows, label: { Int(labels[indices[first + $0]]) },
                workspace: scratch + chunk * pixels, gradient: g, gradientScale: 1 / Float(batch)
              ).lossSum
            start += rows
          }
          return Float(lossSum / Double(batch))
        }
      }
    }
  }

  /// Loss and accuracy of the network θ on the first `examples` images of
  /// `split` (all of them when nil), in chunks copied out of the data set:
  /// the held-out report of a training run. It does not touch the
  /// minibatch stream.
  public func evaluate(at theta: [Float], split: DataSplit, examples: Int? = nil) -> MNISTEvaluation {
    precondition(theta.count == dimension)
    let data = dataset.split(split)
    let total = min(examples ?? data.count, data.count)
    precondition(total >= 1, "evaluate: no examples")
    let (network, chunk, pixels) = (network, chunk, network.pixels)
    var lossSum: Double = 0
    var correct = 0
    ThreadScratch.withFloats(count: workspaceCount) { scratch in
      theta.withUnsafeBufferPointer { tp in
        data.labels.withUnsafeBufferPointer { labels in
          guard let t = tp.baseAddress else { return }
          data.forEachChunk(of: total, chunk: chunk, into: scratch) { first, rows in
            let result = network.evaluate(
              theta: t, input: scratch, batch: rows, label: { Int(labels[first + $0]) },
              workspace: scratch + chunk * pixels, gradient: nil, gradientScale: 0)
            lossSum += result.lossSum
            correct += result.correct
          }
        }
      }
    }
    return MNISTEvaluation(
      meanLoss: Float(lossSum / Double(total)), accuracy: Float(correct) / Float(total), examples: total)
  }
}

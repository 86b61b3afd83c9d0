import LinearAlgebra

/// The L2L MNIST task: train an MLP classifier (784→20→10, sigmoid,
/// softmax cross-entropy) on minibatches of 128 drawn with replacement from
/// the MNIST training split.
///
/// Variants for generalisation tests change the width (`hidden`, 20), the
/// depth (`layers`, 1), the nonlinearity (`activation`: sigmoid, relu,
/// tanh) and the minibatch size (`batch`, 128). θ₀: every weight and bias
/// ~ N(0, 0.01²), as in DeepMind's code. r = 0 (the optimum of a network's
/// training loss is unknown; 0 is its lower bound). The data set is loaded
/// once, when the class is built, and shared by all its instances.
public struct MNISTMLPClass: ProblemClass {
  public let dataset: MNISTDataset
  /// Units per hidden layer.
  public let hidden: Int
  /// The number of hidden layers.
  public let layers: Int
  public let activation: Activation
  /// Examples per minibatch.
  public let batchSize: Int

  public init(
    dataset: MNISTDataset, hidden: Int = 20, layers: Int = 1, activation: Activation = .sigmoid,
    batchSize: Int = 128
  ) {
    precondition(hidden >= 1 && layers >= 0 && batchSize >= 1 && dataset.train.count >= 1)
    self.dataset = dataset
    self.hidden = hidden
    self.layers = layers
    self.activation = activation
    self.batchSize = batchSize
  }

  /// The options the class accepts.
  static let optionNames = ["activation", "batch", "hidden", "layers"]

  /// Parses the options (before touching the disk, so a typo fails fast),
  /// then loads MNIST from `mnistDirectory` or the default locations.
  init(options: [String: String], mnistDirectory: String?) throws(ProblemError) {
    let reader = try OptionReader(problem: Self.profile.name, options: options, valid: Self.optionNames)
    let hidden = try reader.integer("hidden", default: 20, in: 1...4096)
    let layers = try reader.integer("layers", default: 1, in: 0...16)
    let activation = try reader.choice("activation", default: Activation.sigmoid)
    let batch = try reader.integer("batch", default: 128, in: 1...60_000)
    self.init(
      dataset: try MNISTDataset.load(directory: mnistDirectory), hidden: hidden, layers: layers,
      activation: activation, batchSize: batch)
  }

  /// LogAndSign features (k = 5) and scale 0.01 as DeepMind's code; one
  /// network per meta-batch (each is 16k coordinates already).
  public static let profile = ProblemProfile(
    name: "mnist-mlp",
    summary: "MLP 784→20→10 sigmoid on MNIST, softmax cross-entropy, minibatch 128 (needs the data)",
    optionNames: optionNames, dataSet: .mnist, isExpensive: true,
    learnedDefaults: LearnedDefaults(preprocessing: "log-sign:5", outputScale: 0.01),
    metaTrainingDefaults: MetaTrainingDefaults(batch: 1),
    estimate: { options in
      let hidden = options.estimateInteger("hidden", 20), layers = options.estimateInteger("layers", 1)
      let pixels = 784.0, classes = Double(MNISTDataset.classCount)
      let n =
        layers > 0
        ? (pixels + 1) * hidden + (layers - 1) * (hidden + 1) * hidden + (hidden + 1) * classes
        : (pixels + 1) * classes
      return ProblemCost(dimension: n, gradientFlops: 6 * options.estimateInteger("batch", 128) * n)
    },
    build: { options, directory throws(ProblemError) in
      try MNISTMLPClass(options: options, mnistDirectory: directory)
    })

  public var profile: ProblemProfile { Self.profile }

  /// Widths from input to output: [784, hidden × layers, 10].
  public var layerSizes: [Int] {
    [dataset.pixels] + [Int](repeating: hidden, count: layers) + [MNISTDataset.classCount]
  }

  public var summary: String {
    "MLP \(layerSizes.map(String.init).joined(separator: "→")) \(activation.rawValue) on MNIST,"
      + " softmax cross-entropy, minibatch \(batchSize)"
  }

  public var configurationKey: String {
    ConfigurationKey.make(
      name,
      [
        ("activation", activation.rawValue), ("batch", String(batchSize)), ("hidden", String(hidden)),
        ("layers", String(layers)),
      ])
  }

  public func instance(seed: UInt64) -> MNISTMLPProblem {
    let network = MLPNetwork(sizes: layerSizes, activation: activation)
    var start = RandomSource(seed: seed, .start)
    let theta0 = start.gaussianArray(count: network.parameterCount, standardDeviation: 0.01)
    return MNISTMLPProblem(
      dataset: dataset, network: network, batchSize: batchSize, initialParameters: theta0,
      minibatches: RandomSource(seed: seed, .minibatches))
  }

  public func sample(seed: UInt64) -> any Problem { instance(seed: seed) }
}

/// One MNIST MLP training run: each ``smoothLoss(at:gradient:)`` draws the
/// next minibatch from the instance's own seeded stream, so two copies of a
/// problem see the same minibatches in the same order.
///
/// θ packs every weight and bias in one vector, layer by layer from the
/// input: W_ℓ (row-major `inputs_ℓ × outputs_ℓ`, so a batch of row vectors
/// maps as A·W_ℓ), then b_ℓ (`outputs_ℓ`). For 784→20→10: W₀ = θ[0..<15680],
/// b₀ = θ[15680..<15700], W₁ = θ[15700..<15900], b₁ = θ[15900..<15910].
public struct MNISTMLPProblem: MNISTClassifierProblem {
  public let dataset: MNISTDataset
  public let batchSize: Int
  public let initialParameters: [Float]
  let network: MLPNetwork
  public var dimension: Int { network.parameterCount }
  public var layerSizes: [Int] { network.sizes }
  public var activation: Activation { network.activation }
  public var optimum: Float { 0 }
  public var isStochastic: Bool { true }
  public var regularizer: Regularizer { .none }

  /// The minibatch stream (a value: copies replay it).
  private var minibatches: RandomSource
  /// Training-set indices of the current minibatch.
  private var batchIndices: [Int]
  /// Floats of thread scratch one evaluation needs: the gathered
  /// minibatch, the layer outputs, the backprop buffers (not kept per
  /// problem copy: a race holds hundreds; ``ThreadScratch``).
  private let workspaceCount: Int

  init(
    dataset: MNISTDataset, network: MLPNetwork, batchSize: Int, initialParameters: [Float],
    minibatches: RandomSource
  ) {
    precondition(network.inputWidth == dataset.pixels && initialParameters.count == network.parameterCount)
    self.dataset = dataset
    self.network = network
    self.batchSize = batchSize
    self.initialParameters = initialParameters
    self.minibatches = minibatches
    self.batchIndices = [Int](repeating: 0, count: batchSize)
    let size =
      batchSize * network.inputWidth + network.activationCount(batch: batchSize)
      + network.deltaCount(batch: batchSize)
    self.workspaceCount = size
  }

  /// The mean cross-entropy on the next minibatch, and its gradient.
  public mutating func smoothLoss(
    at theta: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>?
  ) -> Float {
    precondition(theta.count == dimension)
    let train = dataset.train
    for i in 0..<batchSize { batchIndices[i] = minibatches.index(below: train.count) }
    let (batch, width) = (batchSize, network.inputWidth)
    let activations = network.activationCount(batch: batch)
    return ThreadScratch.withFloats(count: workspaceCount) { input in
      train.labels.withUnsafeBufferPointer { labels in
        batchIndices.withUnsafeBufferPointer { indices in
          guard let tp = theta.baseAddress else { return 0 }
          train.copyImages(at: indices, into: input)
          let outputs = input + batch * width
          return network.evaluate(
            theta: tp, input: input, batch: batch, label: { Int(labels[indices[$0]]) },
            outputs: outputs, deltas: outputs + activations, gradient: gradient?.baseAddress
          ).meanLoss
        }
      }
    }
  }

  /// Loss and accuracy of the network θ on the first `examples` images of
  /// `split` (all of them when nil), evaluated in chunks of 1000: the
  /// held-out report of a training run. It does not touch the minibatch
  /// stream.
  public func evaluate(at theta: [Float], split: DataSplit, examples: Int? = nil) -> MNISTEvaluation {
    precondition(theta.count == dimension)
    let data = dataset.split(split)
    let total = min(examples ?? data.count, data.count)
    precondition(total >= 1, "evaluate: no examples")
    let chunk = min(1000, total)
    var outputs = [Float](repeating: 0, count: network.activationCount(batch: chunk))
    var input = [Float](repeating: 0, count: chunk * network.inputWidth)
    var lossSum: Double = 0
    var correct = 0
    theta.withUnsafeBufferPointer { tp in
      data.labels.withUnsafeBufferPointer { labels in
        outputs.withUnsafeMutableBufferPointer { out in
          input.withUnsafeMutableBufferPointer { inputBuffer in
            guard let t = tp.baseAddress, let o = out.baseAddress, let x = inputBuffer.baseAddress else { return }
            data.forEachChunk(of: total, chunk: chunk, into: x) { first, rows in
              let result = network.evaluate(
                theta: t, input: x, batch: rows, label: { Int(labels[first + $0]) }, outputs: o, deltas: nil,
                gradient: nil)
              lossSum += Double(result.meanLoss) * Double(rows)
              correct += result.correct
            }
          }
        }
      }
    }
    return MNISTEvaluation(
      meanLoss: Float(lossSum / Double(total)), accuracy: Float(correct) / Float(total), examples: total)
  }
}

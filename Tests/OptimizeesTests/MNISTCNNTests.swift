import Foundation
import LinearAlgebra
import Testing

@testable import Optimizees

extension FakeMNIST {
  /// Random 8×8 "images": big enough for two or three blocks (8 → 4 → 2 → 1),
  /// with 80 test images so an evaluation takes several of the CNN's
  /// 16-example chunks.
  static let eightByEight = MNISTDataset(
    train: split(count: 64, rows: 8, columns: 8, seed: 11), test: split(count: 80, rows: 8, columns: 8, seed: 12))

  /// Odd-sized 9×9 images: the pools drop a row and a column (9 → 4 → 2 → 1).
  static let nineByNine = MNISTDataset(
    train: split(count: 64, rows: 9, columns: 9, seed: 13), test: split(count: 20, rows: 9, columns: 9, seed: 14))

  /// 28×28 random images, for what depends only on the image size.
  static let fullSize = MNISTDataset(
    train: split(count: 16, rows: 28, columns: 28, seed: 15), test: split(count: 10, rows: 28, columns: 28, seed: 16))
}

/// A CNN configuration on fake data.
struct CNNCase: Sendable, CustomTestStringConvertible {
  let data: String
  let channels: [Int]
  let kernel: Int
  let batch: Int

  var dataset: MNISTDataset {
    switch data {
    case "9×9": FakeMNIST.nineByNine
    case "4×4": FakeMNIST.dataset
    default: FakeMNIST.eightByEight
    }
  }

  var problemClass: MNISTCNNClass {
    MNISTCNNClass(dataset: dataset, channels: channels, kernel: kernel, batchSize: batch)
  }

  var testDescription: String {
    "\(data) channels \(channels.map(String.init).joined(separator: ",")) k=\(kernel) batch \(batch)"
  }

  static let all: [CNNCase] = [
    CNNCase(data: "8×8", channels: [2, 3], kernel: 3, batch: 4),
    CNNCase(data: "9×9", channels: [2], kernel: 5, batch: 4),
    CNNCase(data: "9×9", channels: [2, 2, 3], kernel: 3, batch: 3),
    CNNCase(data: "8×8", channels: [3, 2], kernel: 5, batch: 2),
    // More examples than one chunk (16): the gradient accumulates over two passes.
    CNNCase(data: "4×4", channels: [2, 2], kernel: 3, batch: 20),
  ]
}

/// The convolutional network against a direct Double implementation of its
/// documented layout, its options, its determinism, and — on the real
/// files — that it starts at chance and learns.
@Suite struct MNISTCNNTests {
  // MARK: A reference from the definitions

  /// Logits of one image by the documented layout, in Double, straight from
  /// the definitions (direct convolution sums, ReLU *before* the pool, as
  /// textbooks write it; the network applies it after, which must agree).
  static func referenceLogits(
    theta: [Double], channels: [Int], kernel: Int, image: ArraySlice<Float>, rows: Int, columns: Int
  ) -> [Double] {
    var maps = [image.map(Double.init)]
    var (h, w) = (rows, columns)
    var offset = 0
    let pad = kernel / 2
    for outputs in channels {
      let inputs = maps.count
      let (weights, biases) = (offset, offset + outputs * inputs * kernel * kernel)
      offset = biases + outputs
      var convolved = [[Double]](repeating: [Double](repeating: 0, count: h * w), count: outputs)
      for o in 0..<outputs {
        for y in 0..<h {
          for x in 0..<w {
            var sum = theta[biases + o]
            for c in 0..<inputs {
              for i in 0..<kernel {
                for j in 0..<kernel {
                  let (sy, sx) = (y + i - pad, x + j - pad)
                  guard sy >= 0, sy < h, sx >= 0, sx < w else { continue }
                  sum += theta[weights + ((o * inputs + c) * kernel + i) * kernel + j] * maps[c][sy * w + sx]
                }
              }
            }
            convolved[o][y * w + x] = max(sum, 0)
          }
        }
      }
      let (ph, pw) = (h / 2, w / 2)
      maps = convolved.map { map in
        (0..<(ph * pw)).map { p in
          let corner = 2 * (p / pw) * w + 2 * (p % pw)
          return max(map[corner], map[corner + 1], map[corner + w], map[corner + w + 1])
        }
      }
      (h, w) = (ph, pw)
    }
    let features = maps.flatMap { $0 }  // c·h·w + y·w + x
    let classes = MNISTDataset.classCount
    let bias = offset + features.count * classes
    return (0..<classes).map { k in
      features.indices.reduce(theta[bias + k]) { $0 + features[$1] * theta[offset + $1 * classes + k] }
    }
  }

  /// The mean cross-entropy over `indices` of `images`, and how many are
  /// classified correctly.
  static func referenceLoss(
    theta: [Double], channels: [Int], kernel: Int, images: LabelledImages, indices: [Int]
  ) -> (loss: Double, correct: Int) {
    var total: Double = 0
    var correct = 0
    for index in indices {
      let z = referenceLogits(
        theta: theta, channels: channels, kernel: kernel,
        image: images.image(index)[...], rows: images.rows, columns: images.columns)
      let shift = z.max() ?? 0
      let label = Int(images.labels[index])
      total += log(z.reduce(0) { $0 + exp($1 - shift) }) + shift - z[label]
      if z.firstIndex(of: shift) == label { correct += 1 }
    }
    return (total / Double(indices.count), correct)
  }

  /// The documented parameter count: per block out·(in·k² + 1), then
  /// (features + 1)·10.
  static func parameterCount(_ c: CNNCase) -> Int {
    var (inputs, h, w, count) = (1, c.dataset.train.rows, c.dataset.train.columns, 0)
    for outputs in c.channels {
      count += outputs * (inputs * c.kernel * c.kernel + 1)
      (inputs, h, w) = (outputs, h / 2, w / 2)
    }
    return count + (inputs * h * w + 1) * 10
  }

  // MARK: Layout, loss and gradient

  @Test(arguments: CNNCase.all)
  func evaluationMatchesTheDocumentedLayout(_ c: CNNCase) {
    let problem = c.problemClass.instance(seed: 2)
    #expect(problem.dimension == Self.parameterCount(c))
    #expect(problem.channels == c.channels && problem.kernel == c.kernel)
    var rng = RandomSource(seed: 4)
    let theta = problem.initialParameters.map { $0 + 0.3 * rng.gaussian() }
    for split in DataSplit.allCases {
      let images = c.dataset.split(split)
      let result = problem.evaluate(at: theta, split: split)  // the whole split: 80 test images are five chunks
      let reference = Self.referenceLoss(
        theta: theta.asDouble, channels: c.channels, kernel: c.kernel, images: images,
        indices: Array(0..<images.count))
      #expect(result.examples == images.count)
      #expect(abs(Double(result.meanLoss) - reference.loss) <= 1e-5 * reference.loss, "\(split)")
      #expect(abs(Double(result.accuracy) - Double(reference.correct) / Double(images.count)) < 1e-6, "\(split)")
      let five = problem.evaluate(at: theta, split: split, examples: 5)
      #expect(five.examples == 5 && problem.meanLoss(at: theta, split: split, examples: 5) == five.meanLoss)
    }
  }

  /// θ's blocks by name, for messages.
  static func blockName(of coordinate: Int, in problem: MNISTCNNProblem) -> String {
    let network = problem.network
    for (index, block) in network.blocks.enumerated() {
      if coordinate < block.biasOffset { return "conv\(index) weights" }
      if coordinate < block.biasOffset + block.outputChannels { return "conv\(index) biases" }
    }
    return coordinate < network.linearWeightOffset + network.featureCount * network.classCount
      ? "linear weights" : "linear biases"
  }

  /// Every coordinate of ∇θ (all blocks: each convolution's weights and
  /// biases, the linear layer's) against central differences of the Double
  /// reference on the same minibatch.
  ///
  /// Why the reference and not the Float loss: the Double loss differences
  /// cleanly at a step of 1e-7, and a step that small crosses a ReLU or
  /// max-pool kink (a pre-activation or a window's runner-up within 1e-7 of
  /// switching) with probability about 1e-7 × (units that depend on the
  /// coordinate ~10³) per coordinate, so the check sees the derivative the
  /// network actually has; at the Float loss's usable steps (1e-3) kinks
  /// are crossed routinely. θ is θ₀ plus noise: at θ₀ the biases are 0, so
  /// every constant patch sits exactly on ReLU's kink.
  @Test(arguments: CNNCase.all)
  func gradientMatchesCentralDifferencesOfTheReference(_ c: CNNCase) throws {
    let seed: UInt64 = 5
    let problem = c.problemClass.instance(seed: seed)
    var rng = RandomSource(seed: seed, stream: 7)
    let theta = problem.initialParameters.map { $0 + 0.1 * rng.gaussian() }
    let (loss, gradient) = Evaluate.smoothWithGradient(problem, at: theta)
    // The minibatch: `batch` draws with replacement from the instance's own stream.
    var stream = RandomSource(seed: seed, .minibatches)
    let train = c.dataset.train
    let indices = (0..<c.batch).map { _ in stream.index(below: train.count) }
    let point = theta.asDouble
    func reference(_ t: [Double]) -> Double {
      Self.referenceLoss(theta: t, channels: c.channels, kernel: c.kernel, images: train, indices: indices).loss
    }
    let atPoint = reference(point)
    #expect(abs(Double(loss) - atPoint) <= 1e-5 * atPoint, "minibatch loss \(loss) vs reference \(atPoint)")

    var numeric: [Double] = []
    for i in 0..<problem.dimension {
      let h = 1e-7 * max(1, abs(point[i]))
      var plus = point
      var minus = point
      plus[i] += h
      minus[i] -= h
      numeric.append((reference(plus) - reference(minus)) / (2 * h))
    }
    let scale = numeric.map(abs).max() ?? 0
    try #require(scale > 0)
    func failures(_ factor: Double) -> [Int] {
      numeric.indices.filter { i in
        abs(Double(gradient[i]) * factor - numeric[i]) > 1e-3 * abs(numeric[i]) + 1e-5 * scale
      }
    }
    let wrong = failures(1)
    let named = wrong.prefix(8).map { "\($0) (\(Self.blockName(of: $0, in: problem)))" }
    #expect(wrong.isEmpty, "\(wrong.count) of \(problem.dimension) coordinates disagree: \(named)")
    // Every block has a non-zero gradient somewhere, so every block was checked.
    let blocks = Set((0..<problem.dimension).filter { gradient[$0] != 0 }.map { Self.blockName(of: $0, in: problem) })
    #expect(blocks.count == 2 * c.channels.count + 2, "non-zero gradients only in \(blocks.sorted())")
    // The check has teeth: a gradient 1 % off fails it.
    #expect(!failures(1.01).isEmpty)
  }

  @Test func chunksAreBoundedByTheWorkspaceBudget() {
    let small = MNISTCNNClass(dataset: FakeMNIST.fullSize, batchSize: 5).instance(seed: 1)
    #expect(small.chunk == 5)
    let standard = MNISTCNNClass(dataset: FakeMNIST.fullSize).instance(seed: 1)
    #expect(standard.chunk == MNISTCNNProblem.largestChunk)
    // The widest network (64 channels per block, 5×5 kernels) takes fewer
    // examples per pass instead of more memory.
    let wide = MNISTCNNClass(dataset: FakeMNIST.fullSize, channels: [64, 64, 64], kernel: 5).instance(seed: 1)
    let perExample = wide.network.workspaceCount(batch: 1) + wide.network.pixels
    #expect(wide.chunk >= 1 && wide.chunk < MNISTCNNProblem.largestChunk)
    #expect(wide.chunk * perExample <= MNISTCNNProblem.workspaceBudget)
  }

  @Test func lossWithoutGradientEqualsLossWithGradient() {
    for c in CNNCase.all {
      let problem = c.problemClass.instance(seed: 9)
      let theta = problem.initialParameters.map { $0 + 0.05 }
      #expect(Evaluate.smooth(problem, at: theta) == Evaluate.smoothWithGradient(problem, at: theta).0, "\(c)")
    }
  }

  // MARK: Initialisation and determinism

  @Test func initialParametersAreHeNormalWithZeroBiases() {
    let problem = MNISTCNNClass(dataset: FakeMNIST.fullSize).instance(seed: 3)
    let theta = problem.initialParameters
    let network = problem.network
    #expect(theta.count == 9098)
    for (range, tolerance) in zip(network.weightRanges, [0.3, 0.08, 0.04] as [Float]) {
      let weights = theta[range.start..<(range.start + range.count)]
      let meanSquare = weights.reduce(0) { $0 + $1 * $1 } / Float(weights.count)
      let expected = 2 / Float(range.fanIn)
      #expect(abs(meanSquare / expected - 1) < tolerance, "fan-in \(range.fanIn): \(meanSquare) vs \(expected)")
    }
    for block in network.blocks {
      #expect(theta[block.biasOffset..<(block.biasOffset + block.outputChannels)].allSatisfy { $0 == 0 })
    }
    #expect(theta[(network.linearWeightOffset + 7840)...].allSatisfy { $0 == 0 })
  }

  @Test func sameSeedSameStartAndLossesAndCopiesReplayTheMinibatches() {
    let problemClass = MNISTCNNClass(dataset: FakeMNIST.eightByEight, channels: [2, 3], batchSize: 8)
    var first = problemClass.instance(seed: 42)
    var second = problemClass.instance(seed: 42)
    #expect(first.initialParameters == second.initialParameters)
    let replay = first
    let theta = first.initialParameters
    let losses = (0..<5).map { _ in first.objective(at: theta) }
    #expect((0..<5).map { _ in second.objective(at: theta) } == losses)
    #expect(Set(losses).count > 1, "every call saw the same minibatch")
    var copy = replay
    #expect((0..<5).map { _ in copy.objective(at: theta) } == losses)
    // Another seed: another start and other minibatches.
    var other = problemClass.instance(seed: 43)
    #expect(other.initialParameters != theta)
    #expect(other.objective(at: theta) != losses[0])
    #expect(first.isStochastic && first.optimum == 0 && first.regularizer.isNone)
  }

  // MARK: Options

  struct BadOptions: Sendable, CustomTestStringConvertible {
    let options: [String: String]
    let error: ProblemError
    var testDescription: String {
      options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }
  }

  static func invalid(_ option: String, _ value: String, _ expected: String) -> ProblemError {
    .invalidOption(problem: "mnist-cnn", option: option, value: value, expected: expected)
  }

  static let channelsExpected =
    "a first-block width 1…64 that doubles per block (channels=8), or one width per block, comma-separated"
    + " (channels=8,16), at most 3 blocks"

  static let badOptions: [BadOptions] = [
    BadOptions(
      options: ["width": "8"],
      error: .unknownOption(problem: "mnist-cnn", option: "width", valid: ["batch", "channels", "kernel", "layers"])),
    BadOptions(
      options: ["kernel": "4"],
      error: invalid("kernel", "4", "3 or 5 (an odd size, so that padding k/2 keeps the image size)")),
    BadOptions(options: ["channels": "0"], error: invalid("channels", "0", channelsExpected)),
    BadOptions(options: ["channels": "8,,16"], error: invalid("channels", "8,,16", channelsExpected)),
    BadOptions(options: ["channels": "8,16,32,64"], error: invalid("channels", "8,16,32,64", channelsExpected)),
    BadOptions(options: ["channels": "8,65"], error: invalid("channels", "8,65", channelsExpected)),
    BadOptions(
      options: ["channels": "64"],
      error: invalid(
        "channels", "64",
        "a first-block width whose doubling stays ≤ 64 over 2 blocks (64 gives 64,128), or one width per block,"
          + " comma-separated, each 1…64")),
    BadOptions(options: ["layers": "4"], error: invalid("layers", "4", "an integer ≥ 1 and ≤ 3")),
    BadOptions(options: ["layers": "0"], error: invalid("layers", "0", "an integer ≥ 1 and ≤ 3")),
    BadOptions(
      options: ["channels": "8,16", "layers": "3"],
      error: invalid("layers", "3", "2, the number of widths channels=8,16 lists (or give one first-block width)")),
    BadOptions(options: ["batch": "0"], error: invalid("batch", "0", "an integer ≥ 1 and ≤ 60000")),
  ]

  /// Bad options fail with a message saying what is expected, before the
  /// data is looked for (the directory does not exist).
  @Test(arguments: badOptions)
  func badOptionsSayWhatIsExpected(_ bad: BadOptions) {
    #expect(throws: bad.error) {
      try ProblemCatalog.make("mnist-cnn", options: bad.options, mnistDirectory: "/no/such/dir")
    }
    // The message names what was wrong: the unknown key, or the bad value.
    for (key, value) in bad.options {
      #expect(bad.error.description.contains(bad.error.isUnknownOption ? key : value))
    }
  }

  @Test func tooManyPoolsForTheImagesIsRefused() {
    // 4×4 images: two pools leave 1×1, a third nothing.
    #expect(
      throws: Self.invalid(
        "layers", "3",
        "at most 2 blocks for this data set's 4×4 images (each 2×2 pool halves the size, rounded down, and must"
          + " leave at least 1×1)")
    ) {
      try MNISTCNNClass(options: ["layers": "3"], dataset: FakeMNIST.dataset)
    }
    #expect(throws: Never.self) { try MNISTCNNClass(options: ["layers": "3"], dataset: FakeMNIST.eightByEight) }
  }

  @Test func optionsBuildTheNetworkTheyDescribe() throws {
    let dataset = FakeMNIST.fullSize
    let cases: [([String: String], [Int], String)] = [
      ([:], [8, 16], "mnist-cnn(batch=128,channels=8/16,kernel=3)"),
      (["channels": "8,16"], [8, 16], "mnist-cnn(batch=128,channels=8/16,kernel=3)"),
      (["channels": "8/16", "layers": "2"], [8, 16], "mnist-cnn(batch=128,channels=8/16,kernel=3)"),
      (["channels": " 4 ", "layers": "3"], [4, 8, 16], "mnist-cnn(batch=128,channels=4/8/16,kernel=3)"),
      (["layers": "1", "kernel": "5", "batch": "32"], [8], "mnist-cnn(batch=32,channels=8,kernel=5)"),
      (["channels": "16, 4, 64"], [16, 4, 64], "mnist-cnn(batch=128,channels=16/4/64,kernel=3)"),
    ]
    for (options, channels, key) in cases {
      let problemClass = try MNISTCNNClass(options: options, dataset: dataset)
      #expect(problemClass.channels == channels, "\(options)")
      #expect(problemClass.configurationKey == key)
      #expect(problemClass.instance(seed: 1).channels == channels)
    }
  }

  static let costOptions: [[String: String]] = [
    [:], ["channels": "4"], ["channels": "8,16", "kernel": "5"], ["layers": "1"], ["layers": "3"],
    ["channels": "16,4,32", "batch": "7"], ["channels": "2,3", "kernel": "5"],
  ]

  /// The profile's estimate (which assumes 28×28 images and loads nothing)
  /// has the built instance's dimension.
  @Test(arguments: costOptions)
  func costDimensionIsTheInstances(_ options: [String: String]) throws {
    let profile = try ProblemCatalog.profile(named: "mnist-cnn")
    let problem = try MNISTCNNClass(options: options, dataset: FakeMNIST.fullSize).instance(seed: 1)
    let cost = profile.cost(options: options)
    #expect(cost.dimension == Double(problem.dimension))
    #expect(cost.gradientFlops > 6 * Double(problem.batchSize * problem.dimension))
  }

  @Test func costFallsBackToDefaultsOnMalformedOptions() throws {
    let profile = try ProblemCatalog.profile(named: "mnist-cnn")
    #expect(profile.cost().dimension == 9098)
    for options in [["channels": "many"], ["kernel": "4"], ["layers": "9"], ["colour": "red"]] {
      #expect(profile.cost(options: options).dimension == 9098, "\(options)")
    }
  }

  // MARK: The real files

  /// The shipped files, as ``MNISTTests`` finds them (the default search).
  static var real: MNISTDataset? { try? MNISTTests.real.get() }
  static var realMissing: Comment {
    Comment(rawValue: "MNIST not found by the default search (\(String(describing: MNISTTests.real)))")
  }

  @Test(.enabled(if: real != nil, realMissing))
  func defaultNetworkStartsNearChanceAndSGDLearns() throws {
    let dataset = try #require(Self.real)
    var problem = MNISTCNNClass(dataset: dataset).instance(seed: 1)
    #expect(problem.dimension == 9098)
    var theta = problem.initialParameters
    // Near chance: ln 10, plus what logits of spread σ cost (≈ σ²/2; the
    // He-normal head gives σ ≈ 0.6, and 2.37…2.59 over seeds 1–6).
    let start = problem.evaluate(at: theta, split: .test, examples: 1000)
    let chance = Float(log(10.0))
    #expect(start.meanLoss > chance - 0.05 && start.meanLoss < chance + 0.4, "test loss at θ₀: \(start.meanLoss)")
    // Plain SGD, lr 0.1, 50 minibatches of 128 (measured over seeds 1–6: the
    // mean of the last 5 minibatch losses is 0.15–0.2 of the first 5's, test
    // accuracy 0.79–0.86; from N(0, 0.01²) weights the loss stays at 2.30).
    var gradient = [Float](repeating: 0, count: theta.count)
    var losses: [Float] = []
    for _ in 0..<50 {
      losses.append(problem.objective(at: theta, gradient: &gradient))
      for i in theta.indices { theta[i] -= 0.1 * gradient[i] }
    }
    let first = losses.prefix(5).reduce(0, +) / 5
    let last = losses.suffix(5).reduce(0, +) / 5
    #expect(last < 0.5 * first, "mean minibatch loss \(first) over the first 5 steps, \(last) over the last 5")
    let end = problem.evaluate(at: theta, split: .test, examples: 1000)
    #expect(end.accuracy > 0.7, "test accuracy after 50 SGD steps: \(end.accuracy)")
  }
}

extension ProblemError {
  fileprivate var isUnknownOption: Bool {
    if case .unknownOption = self { return true }
    return false
  }
}

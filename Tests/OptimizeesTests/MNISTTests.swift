import Foundation
import LinearAlgebra
import Testing

@testable import Optimizees

/// The MLP's parameter layout and loss against a hand-written forward pass,
/// and the real MNIST files when they are present.
@Suite struct MNISTTests {
  /// The documented layout, evaluated in Double: for each layer, W
  /// (inputs×outputs, row-major) then b; sigmoid hidden layers; softmax
  /// cross-entropy.
  static func referenceLoss(
    theta: [Float], sizes: [Int], activation: Activation, images: LabelledImages, count: Int
  ) -> (loss: Double, accuracy: Double) {
    var total: Double = 0
    var correct = 0
    for example in 0..<count {
      var a = images.image(example).map(Double.init)
      var offset = 0
      for l in 0..<(sizes.count - 1) {
        let (fanIn, fanOut) = (sizes[l], sizes[l + 1])
        var z = (0..<fanOut).map { Double(theta[offset + fanIn * fanOut + $0]) }
        for i in 0..<fanIn {
          for j in 0..<fanOut { z[j] += a[i] * Double(theta[offset + i * fanOut + j]) }
        }
        offset += fanIn * fanOut + fanOut
        if l < sizes.count - 2 {
          switch activation {
          case .sigmoid: z = z.map { 1 / (1 + exp(-$0)) }
          case .relu: z = z.map { max($0, 0) }
          case .tanh: z = z.map { tanh($0) }
          }
        }
        a = z
      }
      let shift = a.max() ?? 0
      let logSum = log(a.reduce(0) { $0 + exp($1 - shift) }) + shift
      let label = Int(images.labels[example])
      total += logSum - a[label]
      if a.firstIndex(of: a.max() ?? 0) == label { correct += 1 }
    }
    return (total / Double(count), Double(correct) / Double(count))
  }

  @Test(arguments: [(0, Activation.sigmoid), (1, .sigmoid), (2, .tanh), (2, .relu)])
  func evaluationMatchesTheDocumentedLayout(layers: Int, activation: Activation) {
    let problemClass = MNISTMLPClass(
      dataset: FakeMNIST.dataset, hidden: 5, layers: layers, activation: activation)
    let problem = problemClass.instance(seed: 2)
    let sizes = [16] + [Int](repeating: 5, count: layers) + [10]
    #expect(problem.layerSizes == sizes)
    let expectedCount = zip(sizes, sizes.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 + $1.1 }
    #expect(problem.dimension == expectedCount)
    var rng = RandomSource(seed: 4)
    let theta = rng.gaussianArray(count: problem.dimension, standardDeviation: 0.8)
    for split in DataSplit.allCases {
      let result = problem.evaluate(at: theta, split: split, examples: 20)
      let reference = Self.referenceLoss(
        theta: theta, sizes: sizes, activation: activation, images: FakeMNIST.dataset.split(split), count: 20)
      #expect(result.examples == 20)
      #expect(abs(Double(result.meanLoss) - reference.loss) <= 1e-5 * reference.loss)
      #expect(abs(Double(result.accuracy) - reference.accuracy) < 1e-6)
    }
    // The default count is the whole split.
    #expect(problem.evaluate(at: theta, split: .test).examples == 32)
    #expect(problem.meanLoss(at: theta, split: .test) == problem.evaluate(at: theta, split: .test).meanLoss)
  }

  @Test func minibatchLossIsTheMeanOverExamplesDrawnFromTheTrainingSplit() {
    // With one training example repeated, every minibatch is that example.
    let one = LabelledImages(
      images: FakeMNIST.dataset.train.images.prefix(16).map { $0 }, labels: [7], rows: 4, columns: 4)
    let dataset = MNISTDataset(train: one, test: FakeMNIST.dataset.test)
    var problem = MNISTMLPClass(dataset: dataset, hidden: 3, batchSize: 5).instance(seed: 1)
    let theta = problem.initialParameters.map { $0 * 100 }
    let loss = problem.objective(at: theta)
    let reference = Self.referenceLoss(
      theta: theta, sizes: [16, 3, 10], activation: .sigmoid, images: one, count: 1)
    #expect(abs(Double(loss) - reference.loss) <= 1e-5 * reference.loss)
  }

  @Test func initialParametersAreSmallGaussians() {
    let problem = MNISTMLPClass(dataset: FakeMNIST.dataset, hidden: 20).instance(seed: 3)
    let theta = problem.initialParameters
    let mean = theta.reduce(0, +) / Float(theta.count)
    let deviation = (theta.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(theta.count)).squareRoot()
    #expect(abs(mean) < 0.002)
    #expect(abs(deviation - 0.01) < 0.001)
  }

  // MARK: The real files

  /// The shipped files, found by the default search (no directory given), so
  /// the search and the SHA-256 check of the shipped manifest both run.
  static let real: Result<MNISTDataset, ProblemError> = Result { () throws(ProblemError) in
    try MNISTDataset.load()
  }

  @Test func shippedFilesAreFoundByTheDefaultSearchAndMatchTheirManifest() throws {
    let dataset = try Self.real.get()
    let directory = try #require(dataset.directory)
    #expect(
      URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        == URL(fileURLWithPath: TestFiles.repositoryMNISTDirectory).resolvingSymlinksInPath().path)
    #expect(FileManager.default.fileExists(atPath: directory + "/SHA256SUMS"))
  }

  @Test func realFilesHaveTheStandardShape() throws {
    let dataset = try Self.real.get()
    #expect(dataset.train.count == 60000 && dataset.test.count == 10000)
    #expect(dataset.train.rows == 28 && dataset.train.columns == 28 && dataset.pixels == 784)
    #expect(dataset.train.images.count == 60000 * 784 && dataset.test.images.count == 10000 * 784)
    for split in [dataset.train, dataset.test] {
      #expect(split.labels.allSatisfy { $0 < 10 })
      let (low, high) = split.images.withUnsafeBufferPointer { pixels in
        var (low, high) = (Float.infinity, -Float.infinity)
        for v in pixels {
          low = min(low, v)
          high = max(high, v)
        }
        return (low, high)
      }
      #expect(low == 0 && high == 1)
    }
    // The standard class counts (e.g. 5923 zeros in train, 980 in test).
    #expect(dataset.train.labels.filter { $0 == 0 }.count == 5923)
    #expect(dataset.test.labels.filter { $0 == 0 }.count == 980)
    #expect(dataset.train.labels.filter { $0 == 1 }.count == 6742)
    #expect(dataset.test.labels.filter { $0 == 1 }.count == 1135)
  }

  @Test func defaultNetworkStartsAtChanceAndLearns() throws {
    let dataset = try Self.real.get()
    var problem = MNISTMLPClass(dataset: dataset).instance(seed: 1)
    #expect(problem.dimension == 784 * 20 + 20 + 20 * 10 + 10)
    // Tiny weights: every class equally likely, loss ln 10.
    var theta = problem.initialParameters
    let start = problem.evaluate(at: theta, split: .test, examples: 2000)
    #expect(abs(start.meanLoss - Float(log(10.0))) < 0.01)
    // Plain SGD (lr 3, RNNprop-style budgets) for 150 minibatches of 128.
    var gradient = [Float](repeating: 0, count: theta.count)
    for _ in 0..<150 {
      _ = problem.objective(at: theta, gradient: &gradient)
      for i in theta.indices { theta[i] -= 3 * gradient[i] }
    }
    let end = problem.evaluate(at: theta, split: .test, examples: 2000)
    #expect(end.meanLoss < 0.7, "test loss after 150 SGD steps: \(end.meanLoss)")
    #expect(end.accuracy > 0.8, "test accuracy after 150 SGD steps: \(end.accuracy)")
  }
}

/// ``LabelledImages`` keeps an IDX file's bytes and scales them when copied
/// out: the floats a network sees are exactly `Float(byte) · (1/255)`, and
/// every way of reading them agrees.
@Suite struct LabelledImagesStorageTests {
  static let bytes: [UInt8] = (0..<(5 * 6)).map { UInt8(($0 * 37 + 11) % 256) }
  static let stored = LabelledImages(bytes: bytes, labels: [3, 1, 4, 1, 5], rows: 2, columns: 3)

  @Test func bytesAreScaledExactlyAsBefore() {
    let scale: Float = 1 / 255
    #expect(Self.stored.images == Self.bytes.map { Float($0) * scale })
    #expect(Self.stored.image(2) == Array(Self.stored.images[12..<18]))
  }

  @Test func minibatchCopiesFollowTheIndices() {
    let indices = [4, 0, 4, 2]
    var out = [Float](repeating: .nan, count: indices.count * 6)
    indices.withUnsafeBufferPointer { i in
      out.withUnsafeMutableBufferPointer { Self.stored.copyImages(at: i, into: $0.baseAddress!) }
    }
    #expect(out == indices.flatMap { Self.stored.image($0) })
    // The same through float storage built from those values.
    let floats = LabelledImages(images: Self.stored.images, labels: Self.stored.labels, rows: 2, columns: 3)
    var again = [Float](repeating: .nan, count: indices.count * 6)
    indices.withUnsafeBufferPointer { i in
      again.withUnsafeMutableBufferPointer { floats.copyImages(at: i, into: $0.baseAddress!) }
    }
    #expect(again == out)
  }

  @Test func chunksCoverTheImagesInOrder() {
    var buffer = [Float](repeating: .nan, count: 2 * 6)
    var seen: [(Int, Int, [Float])] = []
    buffer.withUnsafeMutableBufferPointer { b in
      guard let base = b.baseAddress else { return }
      Self.stored.forEachChunk(of: 5, chunk: 2, into: base) { first, rows in
        seen.append((first, rows, Array(UnsafeBufferPointer(start: base, count: rows * 6))))
      }
    }
    #expect(seen.map(\.0) == [0, 2, 4] && seen.map(\.1) == [2, 2, 1])
    #expect(seen.flatMap(\.2) == Self.stored.images)
  }

  /// The sixteen-lane conversion against the scalar one, bit for bit: every
  /// byte value, lengths around the vector width and a full image, at
  /// source and destination offsets that leave the vectors unaligned.
  @Test(arguments: [0, 1, 15, 16, 17, 31, 33, 784, 1000])
  func vectorScalingMatchesTheScalarConversion(count: Int) {
    let scale: Float = 1 / 255
    let source: [UInt8] = (0..<(count + 3)).map { UInt8(($0 * 97 + 5) % 256) }
    for offset in [0, 1, 3] where offset + count <= source.count {
      var out = [Float](repeating: .nan, count: count + 2)
      source.withUnsafeBufferPointer { bytes in
        out.withUnsafeMutableBufferPointer { floats in
          LabelledImages.scaleBytes(bytes.baseAddress! + offset, count: count, by: scale, into: floats.baseAddress! + 1)
        }
      }
      let expected = source[offset..<(offset + count)].map { Float($0) * scale }
      #expect(Array(out[1..<(count + 1)]).map(\.bitPattern) == expected.map(\.bitPattern))
      #expect(out[0].isNaN && out[count + 1].isNaN, "wrote outside [1, count]")
    }
    let everyByte = (0...255).map { UInt8($0) }
    var all = [Float](repeating: 0, count: 256)
    everyByte.withUnsafeBufferPointer { bytes in
      all.withUnsafeMutableBufferPointer { LabelledImages.scaleBytes(bytes.baseAddress!, count: 256, by: scale, into: $0.baseAddress!) }
    }
    #expect(all.map(\.bitPattern) == everyByte.map { (Float($0) * scale).bitPattern })
  }

  @Test func prefixKeepsTheFirstImagesAndAtLeastOne() {
    let first = Self.stored.prefix(2)
    #expect(first.count == 2 && first.labels == [3, 1])
    #expect(first.images == Array(Self.stored.images[0..<12]))
    #expect(Self.stored.prefix(0).count == 1 && Self.stored.prefix(99).count == 5)
  }
}

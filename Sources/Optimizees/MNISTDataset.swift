/// Which part of a data set: the split optimizees train on, or the held-out
/// split used for generalisation reports.
public enum DataSplit: String, CaseIterable, Sendable {
  case train, test
}

/// Labelled images, row-major: image `i` is pixels `i*pixels ..< (i+1)*pixels`,
/// intensities scaled to [0, 1].
///
/// Images read from an IDX file keep their bytes (one per pixel) and are
/// scaled to floats, `Float(byte) · (1/255)`, only when a minibatch or an
/// evaluation chunk is copied out: MNIST's training split is 47 MB that way
/// instead of 188 MB as floats, in every process that loads it, and the
/// floats a network sees are the same to the bit. Images built in memory
/// (tests, synthetic data) keep the floats they were given.
public struct LabelledImages: Sendable {
  private enum Storage: Sendable {
    case bytes([UInt8])
    case floats([Float])
  }

  private let storage: Storage
  /// Class labels in 0..<``MNISTDataset/classCount``.
  public let labels: [UInt8]
  public let rows: Int
  public let columns: Int

  /// The number of images.
  public var count: Int { labels.count }
  /// Pixels per image, the input width of a classifier.
  public var pixels: Int { rows * columns }

  /// Images built in memory (tests, synthetic data). Labels must lie in
  /// 0..<10 and `images` must hold `labels.count` images of rows×columns.
  public init(images: [Float], labels: [UInt8], rows: Int, columns: Int) {
    precondition(rows >= 1 && columns >= 1 && images.count == labels.count * rows * columns)
    precondition(labels.allSatisfy { Int($0) < MNISTDataset.classCount })
    self.init(storage: .floats(images), labels: labels, rows: rows, columns: columns)
  }

  /// Images as an IDX file stores them, one byte per pixel (0 … 255).
  init(bytes: [UInt8], labels: [UInt8], rows: Int, columns: Int) {
    precondition(rows >= 1 && columns >= 1 && bytes.count == labels.count * rows * columns)
    self.init(storage: .bytes(bytes), labels: labels, rows: rows, columns: columns)
  }

  private init(storage: Storage, labels: [UInt8], rows: Int, columns: Int) {
    self.storage = storage
    self.labels = labels
    self.rows = rows
    self.columns = columns
  }

  /// The scale from a stored byte to an intensity.
  private static let byteScale: Float = 1 / 255

  /// Copies the images at `indices`, in that order, into `destination`
  /// (indices.count × pixels floats). Allocates nothing.
  public func copyImages(at indices: UnsafeBufferPointer<Int>, into destination: UnsafeMutablePointer<Float>) {
    let width = pixels
    for (row, index) in indices.enumerated() {
      precondition(index >= 0 && index < count, "LabelledImages: image \(index) of \(count)")
      copy(from: index * width, count: width, into: destination + row * width)
    }
  }

  /// Copies images `range` into `destination` (range.count × pixels floats).
  public func copyImages(_ range: Range<Int>, into destination: UnsafeMutablePointer<Float>) {
    precondition(range.lowerBound >= 0 && range.upperBound <= count, "LabelledImages: images \(range) of \(count)")
    copy(from: range.lowerBound * pixels, count: range.count * pixels, into: destination)
  }

  private func copy(from start: Int, count: Int, into destination: UnsafeMutablePointer<Float>) {
    switch storage {
    case .bytes(let bytes):
      let scale = Self.byteScale
      bytes.withUnsafeBufferPointer { source in
        guard let base = source.baseAddress else { return }
        Self.scaleBytes(base + start, count: count, by: scale, into: destination)
      }
    case .floats(let floats):
      floats.withUnsafeBufferPointer { source in
        guard let base = source.baseAddress else { return }
        destination.update(from: base + start, count: count)
      }
    }
  }

  /// destination[k] = Float(source[k]) · scale, sixteen bytes per step:
  /// widened to 32-bit integers and converted in SIMD lanes, the same floats
  /// as the scalar conversion. Every minibatch of every racer passes through
  /// here (a 100-instance MNIST race converts 10⁹ pixels per racer), and the
  /// scalar loop was a tenth of such a race.
  @inline(never)
  static func scaleBytes(
    _ source: UnsafePointer<UInt8>, count: Int, by scale: Float, into destination: UnsafeMutablePointer<Float>
  ) {
    let raw = UnsafeRawPointer(source)
    let target = UnsafeMutableRawPointer(destination)
    let stride = MemoryLayout<Float>.stride
    var k = 0
    while k + 16 <= count {
      let bytes = raw.loadUnaligned(fromByteOffset: k, as: SIMD16<UInt8>.self)
      let floats = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: bytes)) * scale
      target.storeBytes(of: floats, toByteOffset: k * stride, as: SIMD16<Float>.self)
      k += 16
    }
    while k < count {
      destination[k] = Float(source[k]) * scale
      k += 1
    }
  }

  /// The first `total` images in chunks of at most `chunk`, each copied
  /// into `buffer` (chunk × pixels floats) before `body(first, rows)` sees
  /// it: how a network is evaluated on a whole split. Allocates nothing.
  public func forEachChunk(
    of total: Int, chunk: Int, into buffer: UnsafeMutablePointer<Float>, _ body: (_ first: Int, _ rows: Int) -> Void
  ) {
    precondition(total <= count && chunk >= 1, "LabelledImages: \(total) images in chunks of \(chunk) of \(count)")
    var first = 0
    while first < total {
      let rows = min(chunk, total - first)
      copyImages(first..<(first + rows), into: buffer)
      body(first, rows)
      first += rows
    }
  }

  /// Image `index` as floats (tests and references; a network copies
  /// minibatches with ``copyImages(at:into:)``).
  public func image(_ index: Int) -> [Float] {
    precondition(index >= 0 && index < count, "LabelledImages: image \(index) of \(count)")
    return [Float](unsafeUninitializedCapacity: pixels) { buffer, initialised in
      if let base = buffer.baseAddress { copyImages(index..<(index + 1), into: base) }
      initialised = pixels
    }
  }

  /// Every image as floats, row-major: a full copy (188 MB for MNIST's
  /// training split), for tests and small data sets.
  public var images: [Float] {
    [Float](unsafeUninitializedCapacity: count * pixels) { buffer, initialised in
      if let base = buffer.baseAddress, count > 0 { copyImages(0..<count, into: base) }
      initialised = count * pixels
    }
  }

  /// The first `n` images (at least one, at most all), stored as these are.
  public func prefix(_ n: Int) -> LabelledImages {
    let kept = max(1, min(n, count))
    let storage: Storage =
      switch self.storage {
      case .bytes(let bytes): .bytes(Array(bytes.prefix(kept * pixels)))
      case .floats(let floats): .floats(Array(floats.prefix(kept * pixels)))
      }
    return LabelledImages(storage: storage, labels: Array(labels.prefix(kept)), rows: rows, columns: columns)
  }
}

/// The MNIST handwritten digits, loaded once per class and shared by every
/// instance of `mnist-mlp` or `mnist-cnn` (it is immutable, so sharing
/// across threads is safe).
///
/// ``load(directory:)`` finds the four IDX files (see ``MNISTFiles``): in
/// `directory` when one is given (the CLI's `--mnist DIR`), else in
/// `$MNEMO_MNIST`, else in `data/mnist/` under the working directory, else in
/// the repository's `data/mnist/` (which ships the four files; see
/// ``MNISTFiles/searchDirectories(explicit:environment:executable:sourceFile:)``).
/// When the directory holds a `SHA256SUMS` manifest, as the shipped one does,
/// each file must match its digest. The files are validated — magic numbers 2051 (images) and 2049 (labels),
/// three and one dimensions, equal image and label counts, labels below 10,
/// equal image sizes in both splits — so a damaged download is reported
/// with the file and the fault instead of training on garbage. Any data set
/// in the same format (Fashion-MNIST, say) loads too.
public final class MNISTDataset: Sendable {
  /// The number of classes (digits 0–9).
  public static let classCount = 10
  /// The magic number of an IDX image file (unsigned bytes, 3 dimensions).
  public static let imageMagic: UInt32 = 2051
  /// The magic number of an IDX label file (unsigned bytes, 1 dimension).
  public static let labelMagic: UInt32 = 2049

  public let train: LabelledImages
  public let test: LabelledImages
  /// The directory the files came from (nil for data built in memory).
  public let directory: String?

  public init(train: LabelledImages, test: LabelledImages, directory: String? = nil) {
    precondition(train.rows == test.rows && train.columns == test.columns)
    self.train = train
    self.test = test
    self.directory = directory
  }

  /// The given split.
  public func split(_ split: DataSplit) -> LabelledImages {
    split == .train ? train : test
  }

  /// Pixels per image.
  public var pixels: Int { train.pixels }

  /// Loads the four files from the first directory that has them all: `directory`
  /// alone when given, else `$MNEMO_MNIST` then `data/mnist`.
  ///
  /// A data set already in memory for the same four files (same paths,
  /// inodes, sizes and modification times) is returned instead of a second
  /// copy: the dashboard makes both MNIST classes, and each copy is ≈ 220 MB.
  /// The cache holds its data sets weakly, so one no problem uses is freed.
  public static func load(directory: String? = nil) throws(ProblemError) -> MNISTDataset {
    let searched = MNISTFiles.searchDirectories(
      explicit: directory, environment: FileSystem.environment(MNISTFiles.environmentVariable))
    let (found, paths) = try MNISTFiles.locate(in: searched)
    let key = LoadedDatasets.Key(paths: paths)
    if let key, let loaded = LoadedDatasets.shared.dataset(for: key) { return loaded }
    let dataset = try read(paths: paths, in: found)
    if let key { LoadedDatasets.shared.insert(dataset, for: key) }
    return dataset
  }

  /// Reads and validates the four files at `paths` (found in `found`).
  private static func read(paths: [String], in found: String) throws(ProblemError) -> MNISTDataset {
    try MNISTFiles.verify(paths: paths, in: found)
    let train = try readSplit(imagesPath: paths[0], labelsPath: paths[1])
    let test = try readSplit(imagesPath: paths[2], labelsPath: paths[3])
    guard train.rows == test.rows, train.columns == test.columns else {
      throw .corruptFile(
        path: paths[2],
        reason: "holds \(test.rows)×\(test.columns) images but \(paths[0]) holds"
          + " \(train.rows)×\(train.columns)")
    }
    return MNISTDataset(train: train, test: test, directory: found)
  }

  /// The fewest images a split may hold (one per digit).
  static let minimumImages = 10

  /// One split from an image file and a label file, validated against each other.
  static func readSplit(imagesPath: String, labelsPath: String) throws(ProblemError) -> LabelledImages {
    let imageFile = try IDXReader.read(path: imagesPath)
    guard imageFile.magic == imageMagic, imageFile.dimensions.count == 3 else {
      throw .corruptFile(
        path: imagesPath,
        reason: "magic number \(imageFile.magic) (dimensions \(imageFile.dimensions)) is not an IDX image"
          + " file (magic \(imageMagic): count × rows × columns)")
    }
    let labelFile = try IDXReader.read(path: labelsPath)
    guard labelFile.magic == labelMagic, labelFile.dimensions.count == 1 else {
      throw .corruptFile(
        path: labelsPath,
        reason: "magic number \(labelFile.magic) (dimensions \(labelFile.dimensions)) is not an IDX label"
          + " file (magic \(labelMagic): count)")
    }
    let count = imageFile.dimensions[0]
    // Smaller than any data set an MLP can learn or be tested on: a
    // truncated or stand-in file, said here rather than trained on.
    guard count >= minimumImages else {
      throw .corruptFile(
        path: imagesPath, reason: "holds \(count) images; a split needs at least \(minimumImages)")
    }
    guard imageFile.dimensions[1] >= 2, imageFile.dimensions[2] >= 2 else {
      throw .corruptFile(
        path: imagesPath,
        reason: "holds \(imageFile.dimensions[1])×\(imageFile.dimensions[2])-pixel images; at least 2×2 are needed")
    }
    guard labelFile.dimensions[0] == count else {
      throw .corruptFile(
        path: labelsPath,
        reason: "holds \(labelFile.dimensions[0]) labels but \(imagesPath) holds \(count) images")
    }
    if let bad = labelFile.bytes.firstIndex(where: { Int($0) >= classCount }) {
      throw .corruptFile(
        path: labelsPath,
        reason: "label \(bad) is \(labelFile.bytes[bad]), outside the digits 0–9")
    }
    return LabelledImages(
      bytes: imageFile.bytes, labels: labelFile.bytes,
      rows: imageFile.dimensions[1], columns: imageFile.dimensions[2])
  }
}

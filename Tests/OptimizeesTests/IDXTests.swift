import Foundation
@testable import Optimizees
import TestSupport
import Testing

/// The IDX reader and the MNIST loader on small files written here, raw and
/// gzipped, intact and damaged.
@Suite struct IDXTests {
  static let payload: [UInt8] = (0..<24).map { UInt8($0 * 10) }

  @Test(arguments: [false, true])
  func roundTrip(gzip: Bool) throws {
    let directory = try Scratch.directory("optimizees")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent(gzip ? "x.gz" : "x").path
    try TestFiles.write(TestFiles.idx(dimensions: [2, 3, 4], payload: Self.payload), to: path, gzip: gzip)
    let file = try IDXReader.read(path: path)
    #expect(file.magic == 2051)
    #expect(file.dimensions == [2, 3, 4])
    #expect(file.bytes == Self.payload)
  }

  /// A damaged file and the phrase its error must contain.
  struct Damage: Sendable, CustomTestStringConvertible {
    let label: String
    let bytes: [UInt8]
    let gzip: Bool
    let reason: String
    var testDescription: String { label }
  }

  static let damages: [Damage] = {
    let good = TestFiles.idx(dimensions: [2, 3, 4], payload: payload)
    var wrongType = good
    wrongType[2] = 0x0D  // float, not unsigned bytes
    return [
      Damage(label: "not IDX", bytes: [1, 2] + good.dropFirst(2), gzip: false, reason: "not an IDX file"),
      Damage(label: "float data", bytes: wrongType, gzip: false, reason: "not unsigned bytes"),
      Damage(label: "truncated payload", bytes: Array(good.dropLast(5)), gzip: false, reason: "truncated"),
      Damage(
        label: "truncated gzip payload", bytes: Array(good.dropLast(5)), gzip: true, reason: "truncated"),
      Damage(label: "truncated header", bytes: Array(good.prefix(6)), gzip: false, reason: "truncated"),
      Damage(label: "trailing bytes", bytes: good + [7, 7], gzip: false, reason: "beyond"),
      Damage(label: "empty file", bytes: [], gzip: false, reason: "truncated"),
      Damage(
        label: "zero dimension", bytes: TestFiles.idx(dimensions: [0, 3], payload: []), gzip: false,
        reason: "size 0"),
    ]
  }()

  @Test(arguments: damages)
  func damagedFilesAreReportedWithTheirPath(_ damage: Damage) throws {
    let directory = try Scratch.directory("optimizees")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("damaged").path
    try TestFiles.write(damage.bytes, to: path, gzip: damage.gzip)
    let error = #expect(throws: ProblemError.self) { try IDXReader.read(path: path) }
    guard case .corruptFile(let reportedPath, let reason) = error else {
      Issue.record("expected corruptFile, got \(String(describing: error))")
      return
    }
    #expect(reportedPath == path)
    #expect(reason.contains(damage.reason), "\(reason)")
    #expect(error?.description.hasPrefix(path) == true)
  }

  @Test func corruptGzipStreamIsReported() throws {
    let directory = try Scratch.directory("optimizees")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("bad.gz").path
    try TestFiles.write(TestFiles.idx(dimensions: [2, 3, 4], payload: Self.payload), to: path, gzip: true)
    // Cut the gzip stream in half: zlib reports a premature end.
    var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    bytes.removeLast(bytes.count / 2)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    #expect(throws: ProblemError.self) { try IDXReader.read(path: path) }
    do {
      _ = try IDXReader.read(path: path)
    } catch {
      guard case .corruptFile(let reported, _) = error else {
        Issue.record("expected corruptFile, got \(error)")
        return
      }
      #expect(reported == path)
    }
  }

  @Test func missingFileIsReportedWithItsPath() {
    let path = "/nonexistent-mnemo-dir/train-images-idx3-ubyte"
    #expect(
      throws: ProblemError.corruptFile(path: path, reason: "cannot be opened (No such file or directory)")
    ) {
      try IDXReader.read(path: path)
    }
  }

  // MARK: The MNIST loader

  @Test(arguments: [false, true])
  func datasetRoundTrip(gzip: Bool) throws {
    let directory = try Scratch.directory("optimizees")
    defer { try? FileManager.default.removeItem(at: directory) }
    try TestFiles.writeDataset(FakeMNIST.dataset, to: directory, gzip: gzip)
    let loaded = try MNISTDataset.load(directory: directory.path)
    #expect(loaded.directory == directory.path)
    for split in DataSplit.allCases {
      let original = FakeMNIST.dataset.split(split)
      let read = loaded.split(split)
      #expect(read.count == original.count && read.rows == 4 && read.columns == 4)
      #expect(read.labels == original.labels)
      // Pixels are quantised to bytes: within half a grey level.
      let worst = zip(read.images, original.images).map { abs($0 - $1) }.max() ?? 1
      #expect(worst <= 0.5 / 255 + 1e-6)
    }
  }

  /// Loading the same four files twice shares one copy in memory; a file
  /// rewritten since (another identity) is read again.
  @Test func sameFilesShareOneCopyUntilTheyChange() throws {
    let directory = try Scratch.directory("optimizees")
    defer { try? FileManager.default.removeItem(at: directory) }
    try TestFiles.writeDataset(FakeMNIST.dataset, to: directory, gzip: false)
    let first = try MNISTDataset.load(directory: directory.path)
    let second = try MNISTDataset.load(directory: directory.path)
    #expect(first === second)
    let relabelled = MNISTDataset(
      train: FakeMNIST.split(count: 64, seed: 99), test: FakeMNIST.dataset.test, directory: nil)
    try TestFiles.writeDataset(relabelled, to: directory, gzip: false)
    let third = try MNISTDataset.load(directory: directory.path)
    #expect(third !== first)
    #expect(third.train.labels == relabelled.train.labels)
  }

  @Test func dottedFileNamesAreAccepted() throws {
    let directory = try Scratch.directory("optimizees")
    defer { try? FileManager.default.removeItem(at: directory) }
    try TestFiles.writeDataset(FakeMNIST.dataset, to: directory, gzip: false)
    for file in MNISTFiles.allCases {
      try FileManager.default.moveItem(
        at: directory.appendingPathComponent(file.canonicalName),
        to: directory.appendingPathComponent(file.dottedName))
    }
    #expect(try MNISTDataset.load(directory: directory.path).train.count == 64)
  }

  @Test func missingFilesAreListedWithTheDirectory() throws {
    let directory = try Scratch.directory("optimizees")
    defer { try? FileManager.default.removeItem(at: directory) }
    try TestFiles.writeDataset(FakeMNIST.dataset, to: directory, gzip: true)
    try FileManager.default.removeItem(at: directory.appendingPathComponent("t10k-labels-idx1-ubyte.gz"))
    let expected = ProblemError.mnistNotFound(
      searched: [directory.path], missing: ["missing t10k-labels-idx1-ubyte"])
    #expect(throws: expected) { try MNISTDataset.load(directory: directory.path) }
    let message = expected.description
    for needed in [
      directory.path, "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
      "t10k-labels-idx1-ubyte", "yann.lecun.com/exdb/mnist", "ossci-datasets", "data/mnist", "--mnist",
      "MNEMO_MNIST",
    ] {
      #expect(message.contains(needed), "message lacks \(needed)")
    }
  }

  @Test func absentDirectoryIsReported() {
    #expect(throws: ProblemError.mnistNotFound(searched: ["/no/such/mnist"], missing: ["no such directory"]))
    {
      try MNISTDataset.load(directory: "/no/such/mnist")
    }
  }

  @Test func searchOrderPrefersTheExplicitDirectoryThenTheEnvironment() {
    #expect(MNISTFiles.searchDirectories(explicit: "/a", environment: "/b") == ["/a"])
    let none = MNISTFiles.searchDirectories(explicit: nil, environment: "/b", executable: nil, sourceFile: "/x/y/z.swift")
    #expect(none == ["/b", "data/mnist"])
    #expect(MNISTFiles.searchDirectories(explicit: nil, environment: nil, executable: nil, sourceFile: "/x") == ["data/mnist"])
  }

  /// The repository's folder is found from a binary under `.build/release`
  /// (as `make run` starts it) and from the source tree, whatever the working
  /// directory; each directory is listed once.
  @Test func searchFindsTheRepositoryFromTheBinaryAndFromTheSources() throws {
    let root = try Scratch.directory("optimizees")
    defer { try? FileManager.default.removeItem(at: root) }
    try FileManager.default.createDirectory(
      at: root.appendingPathComponent("data/mnist"), withIntermediateDirectories: true)
    let binary = root.appendingPathComponent(".build/release/mnemo").path
    let fromBinary = MNISTFiles.searchDirectories(
      explicit: nil, environment: nil, executable: binary, sourceFile: "/nowhere/a/b.swift")
    #expect(fromBinary == ["data/mnist", root.path + "/data/mnist"])
    let source = root.appendingPathComponent("Sources/Optimizees/MNISTFiles.swift").path
    let fromSources = MNISTFiles.searchDirectories(
      explicit: nil, environment: nil, executable: binary, sourceFile: source)
    #expect(fromSources == ["data/mnist", root.path + "/data/mnist"], "the same folder twice is listed once")
    let onlySources = MNISTFiles.searchDirectories(
      explicit: nil, environment: nil, executable: "/usr/bin/mnemo", sourceFile: source)
    #expect(onlySources == ["data/mnist", root.path + "/data/mnist"])
  }

  /// SHA-256 against the standard's test vectors, fed whole and in uneven
  /// chunks (the padding boundary cases: 55, 56 and 64 bytes).
  @Test(arguments: [
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    ),
    (String(repeating: "a", count: 55), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
    (String(repeating: "a", count: 64), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
    (String(repeating: "a", count: 1000), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"),
  ])
  func sha256MatchesTheStandardVectors(message: String, digest: String) {
    var whole = SHA256()
    whole.update(Array(message.utf8))
    #expect(whole.hexDigest() == digest)
    var chunked = SHA256()
    let bytes = Array(message.utf8)
    var start = 0
    var size = 1
    while start < bytes.count {
      let end = min(start + size, bytes.count)
      chunked.update(Array(bytes[start..<end]))
      start = end
      size = size * 3 + 1
    }
    #expect(chunked.hexDigest() == digest)
  }

  /// A directory with a `SHA256SUMS` manifest loads when every file matches,
  /// and names the damaged file and both digests when one does not.
  @Test func manifestIsCheckedWhenPresent() throws {
    let directory = try Scratch.directory("optimizees")
    defer { try? FileManager.default.removeItem(at: directory) }
    try TestFiles.writeDataset(FakeMNIST.dataset, to: directory, gzip: true)
    var lines: [String] = []
    for file in MNISTFiles.allCases {
      let path = directory.appendingPathComponent(file.canonicalName + ".gz").path
      let digest = try SHA256.hexDigest(ofFileAt: path).get()
      lines.append("\(digest)  \(file.canonicalName).gz")
    }
    let manifest = directory.appendingPathComponent("SHA256SUMS")
    try (lines.joined(separator: "\n") + "\n").write(to: manifest, atomically: true, encoding: .utf8)
    #expect(try MNISTDataset.load(directory: directory.path).train.count == 64)

    // One digit of one digest changed: the file no longer matches.
    let wrongDigest = "0" + lines[2].dropFirst(1)
    let flipped = lines[2].hasPrefix("0") ? "1" + lines[2].dropFirst(1) : wrongDigest
    var damaged = lines
    damaged[2] = flipped
    try (damaged.joined(separator: "\n") + "\n").write(to: manifest, atomically: true, encoding: .utf8)
    let error = #expect(throws: ProblemError.self) { try MNISTDataset.load(directory: directory.path) }
    guard case .checksumMismatch(let path, let expected, let actual) = error else {
      Issue.record("expected a checksum mismatch, got \(String(describing: error))")
      return
    }
    #expect(path.hasSuffix("t10k-images-idx3-ubyte.gz"))
    #expect(expected == String(flipped.prefix(64)) && actual == String(lines[2].prefix(64)))
    let message = error?.description ?? ""
    #expect(message.contains(expected) && message.contains(actual) && message.contains("--mnist"))

    // A manifest that does not list a loaded file is refused, not ignored.
    try (lines.dropLast().joined(separator: "\n") + "\n").write(to: manifest, atomically: true, encoding: .utf8)
    #expect(throws: ProblemError.self) { try MNISTDataset.load(directory: directory.path) }
    // Garbage in the manifest is reported with its line.
    try "not a digest line\n".write(to: manifest, atomically: true, encoding: .utf8)
    let garbage = #expect(throws: ProblemError.self) { try MNISTDataset.load(directory: directory.path) }
    #expect(garbage?.description.contains("line 1") == true)
  }

  /// The one-line summary the picker shows keeps the hint (`--mnist`).
  @Test func notFoundSummaryIsOneShortLineWithTheHint() {
    let summary = ProblemError.mnistNotFound(searched: ["data/mnist"], missing: ["no such directory"]).summary
    #expect(!summary.contains("\n") && summary.count <= 60 && summary.contains("--mnist"))
  }

  /// One file of a valid data set replaced by a damaged one.
  struct Inconsistency: Sendable, CustomTestStringConvertible {
    let label: String
    let file: String
    let bytes: [UInt8]
    let reason: String
    var testDescription: String { label }
  }

  static let inconsistencies: [Inconsistency] = [
    Inconsistency(
      label: "label count mismatch", file: "train-labels-idx1-ubyte",
      bytes: TestFiles.idx(dimensions: [63], payload: [UInt8](repeating: 1, count: 63)),
      reason: "holds 63 labels but"),
    Inconsistency(
      label: "labels swapped for images", file: "train-images-idx3-ubyte",
      bytes: TestFiles.idx(dimensions: [64], payload: [UInt8](repeating: 1, count: 64)),
      reason: "is not an IDX image file"),
    Inconsistency(
      label: "images swapped for labels", file: "t10k-labels-idx1-ubyte",
      bytes: TestFiles.idx(dimensions: [32, 4, 4], payload: [UInt8](repeating: 1, count: 512)),
      reason: "is not an IDX label file"),
    Inconsistency(
      label: "label out of range", file: "t10k-labels-idx1-ubyte",
      bytes: TestFiles.idx(dimensions: [32], payload: [UInt8](repeating: 3, count: 31) + [10]),
      reason: "label 31 is 10"),
    Inconsistency(
      label: "test images of another size", file: "t10k-images-idx3-ubyte",
      bytes: TestFiles.idx(dimensions: [32, 2, 8], payload: [UInt8](repeating: 1, count: 512)),
      reason: "holds 2×8 images"),
  ]

  @Test(arguments: inconsistencies)
  func inconsistentDataSetsNameTheFile(_ case_: Inconsistency) throws {
    let directory = try Scratch.directory("optimizees")
    defer { try? FileManager.default.removeItem(at: directory) }
    try TestFiles.writeDataset(FakeMNIST.dataset, to: directory, gzip: false)
    let path = directory.appendingPathComponent(case_.file).path
    try TestFiles.write(case_.bytes, to: path, gzip: false)
    let error = #expect(throws: ProblemError.self) { try MNISTDataset.load(directory: directory.path) }
    guard case .corruptFile(let reported, let reason) = error else {
      Issue.record("expected corruptFile, got \(String(describing: error))")
      return
    }
    #expect(reported == path)
    #expect(reason.contains(case_.reason), "\(reason)")
  }
}

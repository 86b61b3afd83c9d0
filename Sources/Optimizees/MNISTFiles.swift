/// The four files of the MNIST distribution, and where Mnemo looks for them.
///
/// Each file may be raw or gzipped (`.gz`), under its canonical name
/// (`train-images-idx3-ubyte`) or the dotted variant some mirrors use
/// (`train-images.idx3-ubyte`).
enum MNISTFiles: CaseIterable {
  case trainImages, trainLabels, testImages, testLabels

  static var all: [MNISTFiles] { allCases }

  /// The name in LeCun's distribution.
  var canonicalName: String {
    switch self {
    case .trainImages: "train-images-idx3-ubyte"
    case .trainLabels: "train-labels-idx1-ubyte"
    case .testImages: "t10k-images-idx3-ubyte"
    case .testLabels: "t10k-labels-idx1-ubyte"
    }
  }

  /// The dotted variant of the name used by some mirrors.
  var dottedName: String {
    switch self {
    case .trainImages: "train-images.idx3-ubyte"
    case .trainLabels: "train-labels.idx1-ubyte"
    case .testImages: "t10k-images.idx3-ubyte"
    case .testLabels: "t10k-labels.idx1-ubyte"
    }
  }

  /// Accepted file names, in order of preference.
  var candidateNames: [String] {
    [canonicalName, canonicalName + ".gz", dottedName, dottedName + ".gz"]
  }

  /// The path of this file in `directory`, if one of its names exists.
  func path(in directory: String) -> String? {
    candidateNames.lazy.map { FileSystem.join(directory, $0) }.first(where: FileSystem.isFile)
  }

  /// The environment variable naming an MNIST directory.
  static let environmentVariable = "MNEMO_MNIST"

  /// The directory searched when neither an explicit directory nor the
  /// environment variable is given, relative to the working directory.
  static let defaultDirectory = "data/mnist"

  /// The checksum manifest a data directory may hold, in `sha256sum` format
  /// (`<64 hex digits>  <file name>` per line). The repository's
  /// `data/mnist/` ships one, so the shipped files are checked whenever they
  /// are loaded; another data set (Fashion-MNIST, a user's copy) loads
  /// unchecked unless it brings its own.
  static let manifestName = "SHA256SUMS"

  /// The directories to search, in order: an explicit directory alone (the
  /// user asked for it, so nothing else is tried), else `$MNEMO_MNIST` when
  /// set, then `data/mnist` under the working directory, then the
  /// repository's `data/mnist` found from the running binary (walking up from
  /// `.build/release/mnemo` or a test bundle), then the one of the source tree
  /// this module was compiled from. The last two let `mnemo` run from any
  /// directory, and tests run from any working directory, with the data
  /// shipped in the repository.
  static func searchDirectories(
    explicit: String?, environment: String?, executable: String? = FileSystem.executablePath(),
    sourceFile: String = #filePath
  ) -> [String] {
    if let explicit { return [explicit] }
    var directories: [String] = []
    if let environment { directories.append(environment) }
    directories.append(defaultDirectory)
    if let executable {
      // .build/release/mnemo → repository root is three levels up; a test
      // bundle (.build/release/X.xctest/...) sits deeper, so try a few.
      var folder = FileSystem.parent(executable)
      for _ in 0..<5 {
        guard let up = folder.map(FileSystem.parent) ?? nil else { break }
        folder = up
        if let candidate = folder.map({ FileSystem.join($0, defaultDirectory) }), FileSystem.isDirectory(candidate) {
          directories.append(candidate)
          break
        }
      }
    }
    // Sources/Optimizees/MNISTFiles.swift → the repository root.
    if let root = FileSystem.parent(sourceFile).flatMap(FileSystem.parent).flatMap(FileSystem.parent) {
      let candidate = FileSystem.join(root, defaultDirectory)
      if FileSystem.isDirectory(candidate) { directories.append(candidate) }
    }
    var seen = Set<String>()
    return directories.filter { seen.insert(FileSystem.canonical($0)).inserted }
  }

  /// Checks each of `paths` against the `SHA256SUMS` manifest of `directory`
  /// when there is one: a file the manifest lists must have the listed digest.
  /// A mismatch (a damaged copy, a Git LFS pointer, a partial download) is a
  /// ``ProblemError/checksumMismatch(path:expected:actual:)``; a file the
  /// manifest does not list is a ``ProblemError/corruptFile(path:reason:)``,
  /// since a manifest that covers some files must cover those loaded.
  static func verify(paths: [String], in directory: String) throws(ProblemError) {
    let manifestPath = FileSystem.join(directory, manifestName)
    guard FileSystem.isFile(manifestPath) else { return }
    guard let text = FileSystem.readText(manifestPath) else {
      throw .corruptFile(path: manifestPath, reason: "cannot be read (\(FileSystem.lastErrorDescription()))")
    }
    let digests = try parseManifest(text, path: manifestPath)
    for path in paths {
      let name = FileSystem.lastComponent(path)
      guard let expected = digests[name] else {
        throw .corruptFile(
          path: manifestPath, reason: "lists no SHA-256 for \(name); add its line (sha256sum \(name))")
      }
      switch SHA256.hexDigest(ofFileAt: path) {
      case .failure(let failure):
        throw .corruptFile(path: path, reason: "cannot be read to check its SHA-256 (\(failure.reason))")
      case .success(let actual):
        guard actual == expected else { throw .checksumMismatch(path: path, expected: expected, actual: actual) }
      }
    }
  }

  /// File name → lowercase hex digest, from `sha256sum` output (binary-mode
  /// `*name` accepted; blank lines and `#` comments skipped).
  static func parseManifest(_ text: String, path: String) throws(ProblemError) -> [String: String] {
    var digests: [String: String] = [:]
    for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = rawLine.trimmingWhitespace()
      if line.isEmpty || line.hasPrefix("#") { continue }
      let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
      let digest = parts[0].lowercased()
      guard parts.count == 2, digest.count == 64, digest.allSatisfy(\.isHexDigit) else {
        throw .corruptFile(
          path: path, reason: "line \(number + 1) is not '<64 hex digits>  <file name>' (sha256sum format)")
      }
      var name = parts[1].trimmingWhitespace()
      if name.hasPrefix("*") { name.removeFirst() }
      digests[name] = digest
    }
    return digests
  }

  /// The first directory holding all four files, and their paths in
  /// `allCases` order; otherwise ``ProblemError/mnistNotFound(searched:missing:)``
  /// saying what each directory lacked.
  static func locate(
    in directories: [String]
  ) throws(ProblemError) -> (directory: String, paths: [String]) {
    var missing: [String] = []
    for directory in directories {
      guard FileSystem.isDirectory(directory) else {
        missing.append("no such directory")
        continue
      }
      let paths = allCases.map { $0.path(in: directory) }
      let found = paths.compactMap { $0 }
      if found.count == allCases.count { return (directory, found) }
      let absent = zip(allCases, paths).filter { $0.1 == nil }.map(\.0.canonicalName)
      missing.append("missing \(absent.joined(separator: ", "))")
    }
    throw .mnistNotFound(searched: directories, missing: missing)
  }
}

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

  /// The directories to search, in order: an explicit directory alone (the
  /// user asked for it, so nothing else is tried), else `$MNEMO_MNIST` when
  /// set, then `data/mnist`.
  static func searchDirectories(explicit: String?, environment: String?) -> [String] {
    if let explicit { return [explicit] }
    var directories: [String] = []
    if let environment { directories.append(environment) }
    directories.append(defaultDirectory)
    return directories
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

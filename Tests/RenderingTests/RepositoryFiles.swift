// Locates files of the package (not of the test bundle) from this source
// file's path, so tests can check the shipped themes when they are present.

enum RepositoryFiles {
  /// The package root: three levels above Tests/RenderingTests/<file>.
  static let packageRoot: String = {
    var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
  }()

  static var themesDirectory: String { packageRoot + "/themes" }
}

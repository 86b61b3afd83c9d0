import Foundation

/// Scratch folders for file-format tests.
enum FileManagerHelpers {
  /// A new, empty temporary folder.
  static func temporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("mnemo-tests-\(UUID().uuidString)", isDirectory: true)
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}

import Foundation

/// Scratch folders for tests that read and write files.
///
/// Every folder is new and empty (its name carries a label, for finding
/// leftovers, and a UUID, so parallel tests and repeated runs never share
/// one); tests remove it with ``remove(_:)`` in a `defer`.
public enum Scratch {
  /// A new, empty folder under the system's temporary folder.
  public static func directory(_ label: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("mnemo-\(label)-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// A path under the temporary folder that does not exist yet, for tests
  /// of code that must create its own output folder.
  public static func absentPath(_ label: String) -> URL {
    FileManager.default.temporaryDirectory
      .appendingPathComponent("mnemo-\(label)-\(UUID().uuidString)", isDirectory: true)
  }

  /// Removes a scratch folder and everything in it (permissions restored
  /// first, for tests that made part of it read-only).
  public static func remove(_ url: URL) {
    if let enumerator = FileManager.default.enumerator(atPath: url.path) {
      while let relative = enumerator.nextObject() as? String {
        _ = try? FileManager.default.setAttributes(
          [.posixPermissions: 0o700], ofItemAtPath: url.appendingPathComponent(relative).path)
      }
    }
    _ = try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: url.path)
    try? FileManager.default.removeItem(at: url)
  }
}

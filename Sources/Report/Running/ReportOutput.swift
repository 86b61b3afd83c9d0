import Foundation

/// The report's directory: created up front and probed for writing, so an
/// unwritable `--out` fails before hours of work rather than after.
struct ReportOutput {
  let directory: URL

  /// Creates the directory and checks that a file can be written in it.
  func prepare() throws(ReportError) {
    let manager = FileManager.default
    var isDirectory: ObjCBool = false
    if manager.fileExists(atPath: directory.path, isDirectory: &isDirectory), !isDirectory.boolValue {
      throw .unwritableOutput(path: directory.path, reason: "it exists and is not a directory")
    }
    do {
      try manager.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
      throw .unwritableOutput(path: directory.path, reason: Self.whyNotCreatable(directory))
    }
    let probe = directory.appendingPathComponent(".mnemo-report-probe")
    do {
      try Data().write(to: probe)
      try manager.removeItem(at: probe)
    } catch {
      throw .unwritableOutput(path: directory.path, reason: "a test file cannot be written there")
    }
  }

  /// Why `directory` cannot be created, in the system's words about the
  /// first missing folder on its path (Foundation's "The file doesn't
  /// exist." for /proc/nope says nothing useful).
  static func whyNotCreatable(_ directory: URL) -> String {
    var missing = directory.standardizedFileURL
    var parent = missing.deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: parent.path), parent.path != "/" {
      missing = parent
      parent = missing.deletingLastPathComponent()
    }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: parent.path, isDirectory: &isDirectory), !isDirectory.boolValue {
      return "\(parent.path) is a file, not a folder"
    }
    if mkdir(missing.path, 0o755) == 0 {
      rmdir(missing.path)
      return "a folder below \(missing.path) cannot be created"
    }
    return "cannot create the folder \(missing.path) in \(parent.path): \(String(cString: strerror(errno)))"
  }

  /// Writes `text` to `name` in the directory atomically.
  func write(_ text: String, to name: String) throws(ReportError) {
    let url = directory.appendingPathComponent(name)
    do {
      try Data(text.utf8).write(to: url, options: .atomic)
    } catch {
      throw .writeFailed(path: url.path, reason: error.localizedDescription)
    }
  }
}

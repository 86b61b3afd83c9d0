#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The few file-system questions the MNIST loader asks, answered by POSIX
/// calls so that the module does not need Foundation.
enum FileSystem {
  /// Whether `path` names an existing regular file (following links).
  static func isFile(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
  }

  /// What identifies the contents of the file at `path` without reading
  /// it: device, inode, size and modification time (nil if it cannot be
  /// stat'ed). Two equal identities are, for a cache, the same file.
  static func identity(_ path: String) -> [Int]? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return [
      Int(info.st_dev), Int(info.st_ino), Int(info.st_size), Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec),
    ]
  }

  /// Whether `path` names an existing directory (following links).
  static func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
  }

  /// `directory/name`, without doubling a trailing slash.
  static func join(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
  }

  /// The value of environment variable `name`, nil when unset or empty.
  static func environment(_ name: String) -> String? {
    guard let raw = getenv(name) else { return nil }
    let value = String(cString: raw)
    return value.isEmpty ? nil : value
  }

  /// The current error number as text (e.g. "No such file or directory").
  static func lastErrorDescription() -> String {
    guard let text = strerror(errno) else { return "error \(errno)" }
    return String(cString: text)
  }

  /// The folder holding `path` (`/a/b` → `/a`, `b` → `.`), nil at the root.
  static func parent(_ path: String) -> String? {
    var trimmed = path
    while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
    guard trimmed != "/" else { return nil }
    guard let slash = trimmed.lastIndex(of: "/") else { return "." }
    return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
  }

  /// The last component of `path` (`/a/b.gz` → `b.gz`).
  static func lastComponent(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
  }

  /// `path` with links and `..` resolved when it exists, else unchanged;
  /// used to drop duplicate search directories.
  static func canonical(_ path: String) -> String {
    guard let resolved = realpath(path, nil) else { return path }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  /// The running executable's absolute path (`/proc/self/exe` on Linux),
  /// nil where it cannot be told.
  static func executablePath() -> String? {
    #if os(Linux)
      var buffer = [CChar](repeating: 0, count: 4096)
      let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
      guard count > 0 else { return nil }
      return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    #else
      guard let first = CommandLine.arguments.first, first.hasPrefix("/") else { return nil }
      return first
    #endif
  }

  /// The whole of a small text file, nil when it cannot be read.
  static func readText(_ path: String) -> String? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let got = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
      bytes += buffer[0..<got]
      if got < buffer.count { break }
    }
    if ferror(file) != 0 { return nil }
    return String(decoding: bytes, as: UTF8.self)
  }
}

extension StringProtocol {
  /// Without leading and trailing spaces, tabs and carriage returns.
  func trimmingWhitespace() -> String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
    guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
      return ""
    }
    return String(self[first...last])
  }
}

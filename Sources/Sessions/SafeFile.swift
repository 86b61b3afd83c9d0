import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// File reads and writes for session folders that hostile or damaged
/// folders cannot turn against the user: a read opens only a regular file
/// (never a directory, FIFO — which would block forever —, device or
/// symbolic link, e.g. one to /dev/zero), checks its size against a limit
/// before reading, and names the file in every error; a write never follows
/// a link and reaches the disk before it is renamed into place.
enum SafeFile {
  /// The largest `session.json` read (a manifest is a few KB).
  static let manifestLimit = 1 << 20
  /// The largest history (`training.csv`, `race.csv`) read.
  static let historyLimit = 64 << 20
  /// The largest weights file read (the largest configuration ``Limits``
  /// allows is far smaller).
  static let weightsLimit = 512 << 20

  /// Whether something (anything, even a dangling link) is at `url`.
  static func exists(_ url: URL) -> Bool {
    var status = stat()
    return lstat(url.path, &status) == 0
  }

  /// The bytes of the regular file at `url`, at most `limit` of them.
  static func contents(_ url: URL, limit: Int) throws(SessionError) -> Data {
    var status = stat()
    guard lstat(url.path, &status) == 0 else {
      throw .corrupt(path: url.path, reason: "cannot be read (\(String(cString: strerror(errno))))")
    }
    try requireRegular(status, path: url.path)
    guard Int(status.st_size) <= limit else {
      throw .corrupt(
        path: url.path, reason: "it is \(status.st_size) bytes, more than the \(limit) bytes such a file can be")
    }
    let descriptor = open(url.path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
    guard descriptor >= 0 else {
      throw .corrupt(path: url.path, reason: "cannot be opened (\(String(cString: strerror(errno))))")
    }
    defer { close(descriptor) }
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        throw .corrupt(path: url.path, reason: "cannot be read (\(String(cString: strerror(errno))))")
      }
      if count == 0 { break }
      data.append(contentsOf: buffer[0..<count])
      guard data.count <= limit else {
        throw .corrupt(path: url.path, reason: "it grew past the \(limit) bytes such a file can be while being read")
      }
    }
    return data
  }

  /// Fails unless `url` is absent or a regular file a rename may replace.
  static func requireReplaceable(_ url: URL) throws(SessionError) {
    var status = stat()
    guard lstat(url.path, &status) == 0 else { return }
    do {
      try requireRegular(status, path: url.path)
    } catch {
      throw .writeFailed(path: url.path, reason: "\(Self.kind(status)) is in the way; move it aside and save again")
    }
  }

  /// Writes `data` to a new file at `url` (replacing a regular file there,
  /// never following a link) and flushes it to the disk.
  static func writeDurably(_ data: Data, to url: URL) throws(SessionError) {
    unlink(url.path)
    let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644)
    guard descriptor >= 0 else {
      throw .writeFailed(path: url.path, reason: String(cString: strerror(errno)))
    }
    defer { close(descriptor) }
    var written = 0
    while written < data.count {
      let count = data.withUnsafeBytes { bytes in
        write(descriptor, bytes.baseAddress! + written, data.count - written)
      }
      if count < 0 {
        if errno == EINTR { continue }
        let reason = String(cString: strerror(errno))
        unlink(url.path)
        throw .writeFailed(path: url.path, reason: reason)
      }
      written += count
    }
    guard fsync(descriptor) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(url.path)
      throw .writeFailed(path: url.path, reason: reason)
    }
  }

  /// rename(2), which replaces the target atomically.
  static func move(_ source: URL, to target: URL) throws(SessionError) {
    guard rename(source.path, target.path) == 0 else {
      throw .writeFailed(path: target.path, reason: String(cString: strerror(errno)))
    }
  }

  private static func requireRegular(_ status: stat, path: String) throws(SessionError) {
    guard status.st_mode & S_IFMT == S_IFREG else {
      throw .corrupt(path: path, reason: "it is \(kind(status)), not a regular file")
    }
  }

  private static func kind(_ status: stat) -> String {
    switch status.st_mode & S_IFMT {
    case S_IFDIR: "a directory"
    case S_IFLNK: "a symbolic link"
    case S_IFIFO: "a FIFO"
    case S_IFCHR, S_IFBLK: "a device"
    case S_IFSOCK: "a socket"
    default: "a regular file"
    }
  }
}

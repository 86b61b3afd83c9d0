import CZlib
import Foundation

/// The contents of one IDX file of unsigned bytes: its dimensions and its
/// payload in row-major order.
public struct IDXFile: Sendable, Equatable {
  /// The magic number (`0x0000_08_NN`: unsigned bytes, NN dimensions).
  public let magic: UInt32
  /// The size of each dimension, outermost first (e.g. [60000, 28, 28]).
  public let dimensions: [Int]
  /// The payload, `dimensions.reduce(1, *)` bytes.
  public let bytes: [UInt8]
}

/// Reads the IDX format of the MNIST distribution, raw or gzipped.
///
/// An IDX file is a big-endian header — two zero bytes, a type byte (0x08
/// for unsigned bytes, the only type MNIST uses), the number of dimensions,
/// then one 32-bit size per dimension — followed by the payload. zlib's
/// `gzread` reads gzip streams and passes plain files through unchanged, so
/// one path serves `train-images-idx3-ubyte` and `train-images-idx3-ubyte.gz`
/// alike. Everything a damaged file can get wrong (magic, dimensions, a
/// short payload, trailing bytes, a bad gzip checksum) is a
/// ``ProblemError/corruptFile(path:reason:)`` naming the file.
public enum IDXReader {
  /// The largest payload accepted (2³¹ − 1 bytes), far above MNIST's 47 MB.
  static let maximumPayload = Int(Int32.max)

  /// The largest file read: MNIST's largest gzipped file is 9.9 MB, raw 47 MB.
  static let maximumFileSize = 256 << 20

  public static func read(path: String) throws(ProblemError) -> IDXFile {
    try checkFile(path: path)
    guard let file = gzopen(path, "rb") else {
      throw .corruptFile(path: path, reason: "cannot be opened (\(FileSystem.lastErrorDescription()))")
    }
    defer { gzclose(file) }
    gzbuffer(file, 1 << 17)

    let header = try readExactly(file, count: 4, path: path, what: "the 4-byte header")
    guard header[0] == 0, header[1] == 0 else {
      throw .corruptFile(
        path: path,
        reason: "not an IDX file (the first two bytes are \(header[0]), \(header[1]); IDX starts with 0, 0)")
    }
    guard header[2] == 0x08 else {
      throw .corruptFile(
        path: path, reason: "IDX data type 0x\(String(header[2], radix: 16)) is not unsigned bytes (0x08)")
    }
    let rank = Int(header[3])
    guard rank >= 1 else {
      throw .corruptFile(path: path, reason: "IDX header declares no dimensions")
    }
    let magic = header.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    let sizeBytes = try readExactly(file, count: 4 * rank, path: path, what: "\(rank) dimension sizes")
    var dimensions: [Int] = []
    var payload = 1
    for d in 0..<rank {
      let size = sizeBytes[(4 * d)..<(4 * d + 4)].reduce(0) { $0 << 8 | Int($1) }
      guard size >= 1 else {
        throw .corruptFile(path: path, reason: "dimension \(d) has size 0")
      }
      let (product, overflow) = payload.multipliedReportingOverflow(by: size)
      guard !overflow, product <= maximumPayload else {
        throw .corruptFile(path: path, reason: "dimensions \(dimensions + [size]) are implausibly large")
      }
      dimensions.append(size)
      payload = product
    }
    let shape = dimensions.map(String.init).joined(separator: "×")
    let bytes = try readExactly(file, count: payload, path: path, what: "the \(shape) payload")
    var extra: UInt8 = 0
    let trailing = gzread(file, &extra, 1)
    if trailing < 0 { throw streamError(file, path: path) }
    guard trailing == 0 else {
      throw .corruptFile(path: path, reason: "has bytes beyond the \(shape) payload its header declares")
    }
    return IDXFile(magic: magic, dimensions: dimensions, bytes: bytes)
  }

  /// Refuses what `gzread` would read without a word: something that is not
  /// a regular file (a FIFO would block forever), a file over
  /// ``maximumFileSize``, and a gzip file with non-zero bytes after its
  /// stream (zlib ignores trailing garbage; `gzip -t` reports it).
  static func checkFile(path: String) throws(ProblemError) {
    var status = stat()
    guard stat(path, &status) == 0 else {
      throw .corruptFile(path: path, reason: "cannot be opened (\(FileSystem.lastErrorDescription()))")
    }
    guard status.st_mode & S_IFMT == S_IFREG else {
      throw .corruptFile(path: path, reason: "is not a regular file")
    }
    let size = Int(status.st_size)
    guard size <= maximumFileSize else {
      throw .corruptFile(path: path, reason: "is \(size) bytes, more than the \(maximumFileSize) an IDX file may be")
    }
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw .corruptFile(path: path, reason: "cannot be opened (\(FileSystem.lastErrorDescription()))")
    }
    defer { try? handle.close() }
    let magic = [UInt8](handle.readData(ofLength: 2))
    guard magic == [0x1F, 0x8B] else { return }
    handle.seek(toFileOffset: 0)
    let data = [UInt8](handle.readDataToEndOfFile())
    guard let trailing = trailingBytesAfterGzipStream(data) else { return }  // gzread reports the damage
    guard trailing.allSatisfy({ $0 == 0 }) else {
      throw .corruptFile(
        path: path, reason: "has \(trailing.count) bytes of garbage after its gzip stream (a damaged download?)")
    }
  }

  /// The bytes after the end of the first gzip stream in `data`; nil when
  /// the stream does not end cleanly.
  static func trailingBytesAfterGzipStream(_ data: [UInt8]) -> ArraySlice<UInt8>? {
    var stream = z_stream()
    guard inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      return nil
    }
    defer { inflateEnd(&stream) }
    var output = [UInt8](repeating: 0, count: 1 << 16)
    let remaining: Int? = data.withUnsafeBufferPointer { input in
      stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
      stream.avail_in = uInt(input.count)
      while true {
        let status = output.withUnsafeMutableBufferPointer { out in
          stream.next_out = out.baseAddress
          stream.avail_out = uInt(out.count)
          return inflate(&stream, Z_NO_FLUSH)
        }
        if status == Z_STREAM_END { return Int(stream.avail_in) }
        if status != Z_OK { return nil }
      }
    }
    guard let remaining else { return nil }
    return data[(data.count - remaining)...]
  }

  /// Exactly `count` bytes, or an error saying the file ends early.
  private static func readExactly(
    _ file: gzFile, count: Int, path: String, what: String
  ) throws(ProblemError) -> [UInt8] {
    var buffer = [UInt8](repeating: 0, count: count)
    var filled = 0
    var failed = false
    buffer.withUnsafeMutableBytes { raw in
      guard let base = raw.baseAddress else { return }
      while filled < count {
        let chunk = UInt32(min(count - filled, 1 << 30))
        let got = gzread(file, base + filled, chunk)
        if got < 0 {
          failed = true
          return
        }
        if got == 0 { return }
        filled += Int(got)
      }
    }
    if failed { throw streamError(file, path: path) }
    guard filled == count else {
      throw .corruptFile(
        path: path, reason: "is truncated: it ends after \(filled) of the \(count) bytes of \(what)")
    }
    return buffer
  }

  /// The error zlib reports on `file` (a damaged gzip stream).
  private static func streamError(_ file: gzFile, path: String) -> ProblemError {
    var code: Int32 = 0
    let message = gzerror(file, &code).map { String(cString: $0) } ?? "zlib error \(code)"
    return .corruptFile(path: path, reason: "cannot be decompressed (\(message))")
  }
}

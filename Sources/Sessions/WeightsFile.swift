import Foundation

/// The binary weights format of a session: a header, named tensors, and a
/// checksum over everything before it.
///
/// Layout (little-endian):
/// ```
/// "MNEMOWT\0"            8 bytes  magic
/// version                UInt32   (1)
/// tensor count           UInt32
/// per tensor: name length UInt32, name UTF-8, rank UInt32, dims UInt64 × rank,
///             values Float32 × Π dims
/// CRC-32 (IEEE)          UInt32   of all preceding bytes
/// ```
/// A wrong magic or version, a truncated file, trailing bytes or a checksum
/// mismatch are errors naming the file: weights are never half loaded.
public enum WeightsFile {
  static let magic: [UInt8] = Array("MNEMOWT".utf8) + [0]
  /// The format version this build writes and reads.
  public static let version: UInt32 = 1

  /// The bytes of `tensors` in this format.
  public static func encode(_ tensors: NamedTensors) -> Data {
    var bytes: [UInt8] = magic
    append(version, to: &bytes)
    append(UInt32(tensors.entries.count), to: &bytes)
    for entry in tensors.entries {
      let name = Array(entry.name.utf8)
      append(UInt32(name.count), to: &bytes)
      bytes += name
      append(UInt32(entry.shape.count), to: &bytes)
      for dimension in entry.shape { append(UInt64(dimension), to: &bytes) }
      bytes.reserveCapacity(bytes.count + entry.values.count * 4)
      for value in entry.values { append(value.bitPattern, to: &bytes) }
    }
    append(CRC32.checksum(bytes), to: &bytes)
    return Data(bytes)
  }

  /// Decodes `data`, read from `path` (named in errors).
  public static func decode(_ data: Data, path: String) throws(SessionError) -> NamedTensors {
    let bytes = [UInt8](data)
    guard bytes.count >= magic.count + 12 else {
      throw .corrupt(path: path, reason: "the file is truncated (\(bytes.count) bytes)")
    }
    guard Array(bytes[0..<magic.count]) == magic else {
      throw .corrupt(path: path, reason: "it is not a Mnemo weights file (bad magic number)")
    }
    let stored = readUInt32(bytes, at: bytes.count - 4)
    guard CRC32.checksum(bytes[0..<(bytes.count - 4)]) == stored else {
      throw .corrupt(path: path, reason: "the checksum does not match: the file is damaged or truncated")
    }
    var reader = ByteReader(bytes: bytes, end: bytes.count - 4, offset: magic.count, path: path)
    let fileVersion = try reader.uint32()
    guard fileVersion == version else {
      throw .unsupportedVersion(path: path, found: Int(fileVersion), supported: Int(version))
    }
    let count = Int(try reader.uint32())
    // Each tensor takes at least 8 header bytes: a count beyond that is a
    // malformed header, refused before reserving anything for it.
    guard count <= (reader.end - reader.offset) / 8 else {
      throw .corrupt(path: path, reason: "the header claims \(count) tensors, more than the file can hold")
    }
    var entries: [NamedTensors.Entry] = []
    for _ in 0..<count {
      let nameLength = Int(try reader.uint32())
      let name = String(decoding: try reader.bytes(nameLength), as: UTF8.self)
      let shown = SessionError.quote(name)
      let rank = Int(try reader.uint32())
      guard rank <= 8 else { throw .corrupt(path: path, reason: "tensor \(shown) has rank \(rank) (at most 8)") }
      var shape: [Int] = []
      var total = 1
      for _ in 0..<rank {
        let raw = try reader.uint64()
        // Sizes are checked against the bytes left before any allocation,
        // with overflow-checked products: a valid CRC says nothing about a
        // header's sanity ([2³², 2³²] multiplies to 0 in wrapping arithmetic).
        guard let dimension = Int(exactly: raw) else {
          throw .corrupt(path: path, reason: "tensor \(shown) has a dimension of \(raw), past any file's size")
        }
        let (product, overflow) = total.multipliedReportingOverflow(by: dimension)
        guard !overflow else {
          throw .corrupt(path: path, reason: "tensor \(shown)'s dimensions multiply past any file's size")
        }
        shape.append(dimension)
        total = product
      }
      guard total <= (reader.end - reader.offset) / 4 else {
        throw .corrupt(path: path, reason: "tensor \(shown) claims \(shape) values past the end of the file")
      }
      var values = [Float](repeating: 0, count: total)
      for index in 0..<total {
        let value = Float(bitPattern: try reader.uint32())
        guard value.isFinite else {
          throw .corrupt(
            path: path,
            reason: "tensor \(shown) holds a non-finite value (\(value)) at index \(index); "
              + "weights must be finite numbers")
        }
        values[index] = value
      }
      entries.append(NamedTensors.Entry(name: name, shape: shape, values: values))
    }
    guard reader.offset == reader.end else {
      throw .corrupt(path: path, reason: "\(reader.end - reader.offset) unexpected bytes after the last tensor")
    }
    return NamedTensors(entries)
  }

  private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
  }

  private static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
    var value: UInt32 = 0
    for index in 0..<4 { value |= UInt32(bytes[offset + index]) << (8 * index) }
    return value
  }
}

/// Sequential little-endian reads with bounds checks that name the file.
private struct ByteReader {
  let bytes: [UInt8]
  let end: Int
  var offset: Int
  let path: String

  mutating func bytes(_ count: Int) throws(SessionError) -> ArraySlice<UInt8> {
    guard count >= 0, offset + count <= end else {
      throw .corrupt(path: path, reason: "the file is truncated")
    }
    defer { offset += count }
    return bytes[offset..<(offset + count)]
  }

  mutating func uint32() throws(SessionError) -> UInt32 {
    var value: UInt32 = 0
    for (index, byte) in try bytes(4).enumerated() { value |= UInt32(byte) << (8 * index) }
    return value
  }

  mutating func uint64() throws(SessionError) -> UInt64 {
    var value: UInt64 = 0
    for (index, byte) in try bytes(8).enumerated() { value |= UInt64(byte) << (8 * index) }
    return value
  }
}

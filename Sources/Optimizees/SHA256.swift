#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// SHA-256 (FIPS 180-4), enough to check shipped data files against their
/// published digests.
///
/// Written out here because the numerics modules use neither Foundation nor
/// a crypto package, and the check needs only the digest of a file, not a
/// general crypto API. Streaming: ``update(_:)`` takes bytes in any chunks.
public struct SHA256: Sendable {
  private static let roundConstants: [UInt32] = [
    0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
    0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
    0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
    0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
    0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
    0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
    0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
    0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
  ]

  private var state: [UInt32] = [
    0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
  ]
  /// Bytes not yet forming a whole 64-byte block.
  private var pending: [UInt8] = []
  private var length: UInt64 = 0

  public init() { pending.reserveCapacity(64) }

  /// Feeds `bytes` into the digest.
  public mutating func update(_ bytes: UnsafeBufferPointer<UInt8>) {
    length &+= UInt64(bytes.count)
    var index = 0
    if !pending.isEmpty {
      let take = min(64 - pending.count, bytes.count)
      pending.append(contentsOf: bytes[0..<take])
      index = take
      if pending.count == 64 {
        pending.withUnsafeBufferPointer { compress($0, at: 0) }
        pending.removeAll(keepingCapacity: true)
      }
    }
    while bytes.count - index >= 64 {
      compress(bytes, at: index)
      index += 64
    }
    if index < bytes.count { pending.append(contentsOf: bytes[index...]) }
  }

  public mutating func update(_ bytes: [UInt8]) {
    bytes.withUnsafeBufferPointer { update($0) }
  }

  /// The digest as 64 lowercase hexadecimal digits (the form `sha256sum` prints).
  public func hexDigest() -> String {
    var copy = self
    let bitLength = length &* 8
    // 0x80, zeros up to 56 mod 64, then the message length in bits, big-endian.
    var tail: [UInt8] = [0x80]
    tail += [UInt8](repeating: 0, count: ((55 - copy.pending.count) % 64 + 64) % 64)
    for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
    copy.update(tail)
    let digits = Array("0123456789abcdef")
    var text = ""
    for word in copy.state {
      for shift in stride(from: 28, through: 0, by: -4) { text.append(digits[Int((word >> UInt32(shift)) & 0xf)]) }
    }
    return text
  }

  /// One 64-byte block at `offset` of `bytes`.
  private mutating func compress(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) {
    var w = [UInt32](repeating: 0, count: 64)
    for t in 0..<16 {
      let b = offset + 4 * t
      w[t] = UInt32(bytes[b]) << 24 | UInt32(bytes[b + 1]) << 16 | UInt32(bytes[b + 2]) << 8 | UInt32(bytes[b + 3])
    }
    for t in 16..<64 {
      let s0 = rotate(w[t - 15], 7) ^ rotate(w[t - 15], 18) ^ (w[t - 15] >> 3)
      let s1 = rotate(w[t - 2], 17) ^ rotate(w[t - 2], 19) ^ (w[t - 2] >> 10)
      w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
    }
    var (a, b, c, d, e, f, g, h) = (state[0], state[1], state[2], state[3], state[4], state[5], state[6], state[7])
    for t in 0..<64 {
      let s1 = rotate(e, 6) ^ rotate(e, 11) ^ rotate(e, 25)
      let choice = (e & f) ^ (~e & g)
      let t1 = h &+ s1 &+ choice &+ Self.roundConstants[t] &+ w[t]
      let s0 = rotate(a, 2) ^ rotate(a, 13) ^ rotate(a, 22)
      let majority = (a & b) ^ (a & c) ^ (b & c)
      let t2 = s0 &+ majority
      (h, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
    }
    state[0] &+= a
    state[1] &+= b
    state[2] &+= c
    state[3] &+= d
    state[4] &+= e
    state[5] &+= f
    state[6] &+= g
    state[7] &+= h
  }

  @inline(__always) private func rotate(_ x: UInt32, _ n: UInt32) -> UInt32 { x >> n | x << (32 - n) }

  /// The digest of the file at `path`, read as stored (a `.gz` file is hashed
  /// compressed, as `sha256sum` would), or nil with the reason when it cannot be read.
  public static func hexDigest(ofFileAt path: String) -> Result<String, FileReadFailure> {
    guard let file = fopen(path, "rb") else { return .failure(FileReadFailure(reason: FileSystem.lastErrorDescription())) }
    defer { fclose(file) }
    var hasher = SHA256()
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let got = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
      if got > 0 { buffer.withUnsafeBufferPointer { hasher.update(UnsafeBufferPointer(rebasing: $0[0..<got])) } }
      if got < buffer.count {
        if ferror(file) != 0 { return .failure(FileReadFailure(reason: FileSystem.lastErrorDescription())) }
        break
      }
    }
    return .success(hasher.hexDigest())
  }
}

/// Why a file could not be read for hashing (the system's error text).
public struct FileReadFailure: Error, Sendable, Equatable {
  public let reason: String
}

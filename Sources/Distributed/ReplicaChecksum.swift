/// A fingerprint of φ, compared across ranks to prove they hold the same
/// weights.
///
/// Data-parallel training keeps R replicas of φ that must stay bit-identical
/// (every rank applies the same Adam step to the same all-reduced
/// gradient). A different build, argument or floating-point path on one rank
/// would make them drift silently, so every few meta-iterations each rank
/// hashes its φ and the hashes are compared; a mismatch stops the run.
public enum ReplicaChecksum {
  /// FNV-1a (64-bit) over the values' IEEE bit patterns: equal arrays give
  /// equal checksums, and any changed bit changes it with overwhelming
  /// probability.
  public static func of(_ values: [Float]) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for value in values {
      var bits = value.bitPattern
      for _ in 0..<4 {
        hash ^= UInt64(bits & 0xff)
        hash = hash &* 0x0000_0100_0000_01b3
        bits >>= 8
      }
    }
    return hash
  }

  /// The ranks whose checksum differs from rank 0's (empty when all agree).
  public static func disagreeing(_ checksums: [UInt64]) -> [Int] {
    guard let reference = checksums.first else { return [] }
    return checksums.indices.filter { checksums[$0] != reference }
  }

  /// Throws ``DistributedError/replicaMismatch(iteration:ranks:checksums:)``
  /// when the ranks' checksums differ.
  public static func verify(_ checksums: [UInt64], iteration: Int) throws(DistributedError) {
    let ranks = disagreeing(checksums)
    guard ranks.isEmpty else {
      throw .replicaMismatch(iteration: iteration, ranks: ranks, checksums: checksums)
    }
  }

  /// The slot vector rank `rank` contributes to an all-reduce sum that
  /// gathers every rank's checksum: its two 32-bit halves at `2·rank` and
  /// `2·rank + 1` (Doubles hold them exactly), zeros elsewhere.
  public static func slots(for checksum: UInt64, rank: Int, ranks: Int) -> [Double] {
    var slots = [Double](repeating: 0, count: 2 * ranks)
    slots[2 * rank] = Double(checksum >> 32)
    slots[2 * rank + 1] = Double(checksum & 0xffff_ffff)
    return slots
  }

  /// The checksums read back from summed slots.
  public static func checksums(fromSlots slots: [Double]) -> [UInt64] {
    stride(from: 0, to: slots.count - 1, by: 2).map { UInt64(slots[$0]) << 32 | UInt64(slots[$0 + 1]) }
  }
}

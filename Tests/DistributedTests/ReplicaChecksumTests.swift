import Testing

@testable import Distributed

@Suite struct ReplicaChecksumTests {
  let weights: [Float] = (0..<257).map { Float($0) * 0.013 - 1.5 }

  @Test func equalWeightsGiveEqualChecksums() {
    #expect(ReplicaChecksum.of(weights) == ReplicaChecksum.of(Array(weights)))
  }

  @Test(arguments: [0, 100, 256])
  func oneFlippedBitChangesTheChecksum(index: Int) {
    var changed = weights
    changed[index] = Float(bitPattern: changed[index].bitPattern ^ 1)
    #expect(ReplicaChecksum.of(changed) != ReplicaChecksum.of(weights))
  }

  @Test func disagreeingRanksAreThoseThatDifferFromRankZero() {
    #expect(ReplicaChecksum.disagreeing([7, 7, 7]).isEmpty)
    #expect(ReplicaChecksum.disagreeing([7, 8, 7, 9]) == [1, 3])
    #expect(ReplicaChecksum.disagreeing([]).isEmpty)
  }

  @Test func verifyStopsOnAMismatchNamingTheRanks() throws {
    try ReplicaChecksum.verify([5, 5], iteration: 10)
    let error = DistributedError.replicaMismatch(iteration: 20, ranks: [1], checksums: [5, 6])
    #expect(throws: error) { try ReplicaChecksum.verify([5, 6], iteration: 20) }
    #expect(error.description.contains("meta-iteration 20"))
    #expect(error.description.contains("ranks 1 disagree"))
  }

  /// The all-reduce sum of every rank's slots gathers the checksums exactly
  /// (each 32-bit half is an integer a Double holds exactly).
  @Test func slotsSummedOverRanksGatherEveryChecksum() {
    let checksums: [UInt64] = [0xffff_ffff_ffff_ffff, 0x0123_4567_89ab_cdef, 0, 0xdead_beef_0000_0001]
    var sum = [Double](repeating: 0, count: 2 * checksums.count)
    for (rank, checksum) in checksums.enumerated() {
      let slots = ReplicaChecksum.slots(for: checksum, rank: rank, ranks: checksums.count)
      for i in sum.indices { sum[i] += slots[i] }
    }
    #expect(ReplicaChecksum.checksums(fromSlots: sum) == checksums)
  }
}

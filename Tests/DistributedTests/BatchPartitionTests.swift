import Testing

@testable import Distributed

@Suite struct BatchPartitionTests {
  @Test(arguments: [(8, 1), (8, 2), (8, 3), (7, 4), (128, 5), (5, 5)])
  func sharesTileTheBatch(batch: Int, ranks: Int) throws {
    let shares = try (0..<ranks).map { try BatchPartition.share(rank: $0, ranks: ranks, batch: batch) }
    #expect(shares.first?.lowerBound == 0)
    #expect(shares.last?.upperBound == batch)
    for (left, right) in zip(shares, shares.dropFirst()) { #expect(left.upperBound == right.lowerBound) }
    let sizes = shares.map(\.count)
    #expect(sizes.allSatisfy { !($0 == 0) })
    #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1)
    #expect(sizes.reduce(0, +) == batch)
  }

  @Test func twoRanksSplitEightInHalves() throws {
    #expect(try BatchPartition.share(rank: 0, ranks: 2, batch: 8) == 0..<4)
    #expect(try BatchPartition.share(rank: 1, ranks: 2, batch: 8) == 4..<8)
  }

  @Test func moreRanksThanProblemsIsRefused() {
    #expect(throws: DistributedError.batchTooSmall(batch: 3, ranks: 4)) {
      try BatchPartition.share(rank: 0, ranks: 4, batch: 3)
    }
    #expect(DistributedError.batchTooSmall(batch: 3, ranks: 4).description.contains("--batch 4"))
  }
}

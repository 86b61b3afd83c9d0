/// How a meta-batch of B problems is shared among R ranks: contiguous
/// blocks of ⌊B/R⌋ problems, the first `B mod R` ranks taking one more.
///
/// Problem b keeps the seed of its global index (`episode·B + b`), so the
/// union of the shares is exactly the one-process batch, whatever R is.
public enum BatchPartition {
  /// The global indices of rank `rank`'s problems.
  public static func share(rank: Int, ranks: Int, batch: Int) throws(DistributedError) -> Range<Int> {
    precondition(ranks >= 1 && (0..<ranks).contains(rank), "rank \(rank) is not in 0..<\(ranks)")
    guard batch >= ranks else { throw .batchTooSmall(batch: batch, ranks: ranks) }
    let base = batch / ranks
    let extra = batch % ranks
    let start = rank * base + min(rank, extra)
    return start..<(start + base + (rank < extra ? 1 : 0))
  }
}

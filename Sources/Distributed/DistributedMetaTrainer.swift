import Evaluation
import MetaLearning

/// Data-parallel meta-training: R ranks, each with a replica of φ, each
/// unrolling the learned optimizer on its share of the meta-batch.
///
/// Per meta-iteration every rank computes the meta-gradient of its share
/// (weighted by |share|/B), `MPI_Allreduce` sums the gradients and the
/// share statistics, and every rank clips and applies the same Adam step to
/// the same sum — so the replicas stay identical and the run equals a
/// one-process run on the whole batch, up to the order of Float sums. Every
/// ``checkEvery`` iterations the replicas' checksums are compared.
///
/// A reference type because it wraps the (reference) trainer and the
/// communicator and counts time across calls; used from one thread.
public final class DistributedMetaTrainer {
  /// This rank's trainer (sampling only its share).
  public let trainer: MetaTrainer
  public let communicator: Communicator
  /// Compare φ's checksums across ranks every this many meta-iterations.
  public let checkEvery: Int
  /// Seconds spent in collectives (gradient all-reduce, stop agreement,
  /// checksum exchange) — including waiting for slower ranks.
  public private(set) var communicationSeconds: Double = 0
  /// Seconds of whole meta-iterations (computation and communication; not
  /// rank 0's validation and saving between them).
  public private(set) var stepSeconds: Double = 0
  /// Meta-iterations run by this object.
  public private(set) var steps = 0

  /// Shares `trainer`'s batch among the communicator's ranks: a trainer with
  /// the same weights, Adam state, iteration and best weights, sampling this
  /// rank's share of every episode's batch.
  public init(sharing trainer: MetaTrainer, communicator: Communicator, checkEvery: Int = 10)
    throws(DistributedError)
  {
    precondition(checkEvery >= 1, "checkEvery must be at least 1")
    let share = try BatchPartition.share(
      rank: communicator.rank, ranks: communicator.size, batch: trainer.configuration.batch)
    self.trainer = MetaTrainer(
      problemClass: trainer.problemClass, configuration: trainer.configuration, weights: trainer.weights,
      metaOptimizer: trainer.metaOptimizer, iteration: trainer.iteration, best: trainer.best, share: share)
    self.communicator = communicator
    self.checkEvery = checkEvery
  }

  /// One data-parallel meta-iteration (see the type's discussion), unless
  /// some rank asks to stop: Ctrl-C reaches the ranks at different moments,
  /// and they must leave at the same iteration, or the others would wait in
  /// the next all-reduce forever. Verifies the replicas when the iteration
  /// is a multiple of ``checkEvery``.
  ///
  /// - Returns: the report, or nil when any rank stops.
  public func step(stopRequested: Bool = false) throws(DistributedError) -> MetaTrainer.Report? {
    let start = communicator.time()
    defer { stepSeconds += communicator.time() - start }
    var flag = [stopRequested ? 1.0 : 0.0]
    try timed { () throws(DistributedError) in try communicator.allReduceMax(&flag) }
    if flag[0] > 0 { return nil }
    var failure: DistributedError?
    let report = trainer.step { [self] buffer in
      let before = communicator.time()
      do throws(DistributedError) {
        try communicator.allReduceSum(&buffer)
      } catch {
        failure = error
      }
      communicationSeconds += communicator.time() - before
    }
    if let failure { throw failure }
    steps += 1
    if report.iteration % checkEvery == 0 {
      try timed { () throws(DistributedError) in try verifyReplicas() }
    }
    return report
  }

  /// Compares φ's checksum across ranks; throws
  /// ``DistributedError/replicaMismatch(iteration:ranks:checksums:)`` on
  /// every rank when any differs.
  public func verifyReplicas() throws(DistributedError) {
    let checksum = ReplicaChecksum.of(trainer.weights.values)
    var slots = ReplicaChecksum.slots(for: checksum, rank: communicator.rank, ranks: communicator.size)
    try communicator.allReduceSum(&slots)
    try ReplicaChecksum.verify(ReplicaChecksum.checksums(fromSlots: slots), iteration: trainer.iteration)
  }

  /// The measured throughput and cost of communication.
  public var statistics: DistributedStatistics {
    DistributedStatistics(
      ranks: communicator.size, batch: trainer.configuration.batch, iterations: steps,
      stepSeconds: stepSeconds, communicationSeconds: communicationSeconds)
  }

  private func timed(_ body: () throws(DistributedError) -> Void) throws(DistributedError) {
    let before = communicator.time()
    defer { communicationSeconds += communicator.time() - before }
    try body()
  }
}

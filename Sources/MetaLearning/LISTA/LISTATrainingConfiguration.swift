import Evaluation
import Optimizees
import Optimizers
/// How a LISTA racer is trained: batches of problems from a fixed pool of
/// training instances, T unrolled steps, an objective, Adam.
///
/// The pool exists because sampling a sparse coding instance includes its
/// high-precision reference solve (r), which costs far more than LISTA's
/// forward and backward passes; a pool of `pool` instances from the class's
/// training seed stream, visited in order in batches of `batch`, gives every
/// iteration fresh problems until the pool wraps around.
public struct LISTATrainingConfiguration: Sendable, Equatable {
  /// Problems per iteration.
  public var batch: Int
  /// T, the unrolled steps the objective sums over (≥ 1; may exceed K, then
  /// the repeated last layer is trained too).
  public var unroll: Int
  /// The per-problem objective.
  public var objective: LISTAObjective
  /// Adam's learning rate on the raw parameters.
  public var learningRate: Float
  /// Training instances sampled once (from `SeedStream.training`).
  public var pool: Int
  /// Validation instances (from `SeedStream.validation`), on which the best
  /// parameters are chosen.
  public var validation: Int
  /// The run seed.
  public var seed: UInt64

  public init(
    batch: Int = 32, unroll: Int = 16, objective: LISTAObjective = .logRelative, learningRate: Float = 0.01,
    pool: Int = 1024, validation: Int = 64, seed: UInt64 = 0
  ) {
    self.batch = batch
    self.unroll = unroll
    self.objective = objective
    self.learningRate = learningRate
    self.pool = pool
    self.validation = validation
    self.seed = seed
  }

  /// The settings as `key=value` pairs for a session's manifest (the
  /// objective and seed have their own manifest fields).
  public var record: [String: String] {
    [
      "batch": String(batch), "unroll": String(unroll), "learning-rate": String(learningRate),
      "pool": String(pool), "validation": String(validation),
    ]
  }

  /// Rebuilds the settings from a manifest's record, objective and seed; nil
  /// when a field is missing or out of range.
  public init?(record: [String: String], objective: String, seed: UInt64) {
    guard let objective = LISTAObjective(rawValue: objective),
      let batch = record["batch"].flatMap(Int.init), Limits.batch.contains(batch),
      let unroll = record["unroll"].flatMap(Int.init), Limits.unroll.contains(unroll),
      let learningRate = record["learning-rate"].flatMap(Float.init), learningRate > 0, learningRate.isFinite,
      let pool = record["pool"].flatMap(Int.init), Limits.listaInstances.contains(pool),
      let validation = record["validation"].flatMap(Int.init), Limits.listaInstances.contains(validation)
    else { return nil }
    self.init(
      batch: batch, unroll: unroll, objective: objective, learningRate: learningRate, pool: pool,
      validation: validation, seed: seed)
  }
}

/// The fixed settings of a race: how long, on how many held-out instances,
/// from which seed, and when a racer counts as diverged.
public struct RaceConfiguration: Sendable, Hashable, Codable {
  /// Optimizer steps per instance (the curves have `steps + 1` points,
  /// t = 0 … steps).
  public var steps: Int
  /// Held-out instances, drawn from ``LinearAlgebra/SeedStream/evaluation``.
  public var instances: Int
  /// The run seed; instance i uses `SeedStream.evaluation.seed(seed, index: i)`.
  public var seed: UInt64
  /// A racer whose mean loss exceeds this multiple of its initial mean loss
  /// (or becomes NaN/∞) is marked diverged at that step and stops.
  public var divergenceFactor: Double

  public init(steps: Int = 100, instances: Int = 100, seed: UInt64 = 0, divergenceFactor: Double = 1e6) {
    self.steps = steps
    self.instances = instances
    self.seed = seed
    self.divergenceFactor = divergenceFactor
  }
}

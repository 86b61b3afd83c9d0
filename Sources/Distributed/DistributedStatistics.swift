/// Throughput of a data-parallel run and what its communication cost,
/// measured on one rank.
public struct DistributedStatistics: Sendable, Equatable {
  public var ranks: Int
  /// B, the global meta-batch.
  public var batch: Int
  public var iterations: Int
  /// Wall time of the meta-iterations (computation plus communication).
  public var stepSeconds: Double
  /// Time inside collectives, waiting for slower ranks included.
  public var communicationSeconds: Double

  public init(ranks: Int, batch: Int, iterations: Int, stepSeconds: Double, communicationSeconds: Double) {
    self.ranks = ranks
    self.batch = batch
    self.iterations = iterations
    self.stepSeconds = stepSeconds
    self.communicationSeconds = communicationSeconds
  }

  /// Problems unrolled per second by the whole job: B per meta-iteration.
  public var problemsPerSecond: Double {
    stepSeconds > 0 ? Double(batch * iterations) / stepSeconds : 0
  }

  /// Mean communication time per meta-iteration, in seconds.
  public var communicationPerIteration: Double {
    iterations > 0 ? communicationSeconds / Double(iterations) : 0
  }

  /// Mean computation time per meta-iteration, in seconds.
  public var computationPerIteration: Double {
    iterations > 0 ? (stepSeconds - communicationSeconds) / Double(iterations) : 0
  }

  /// One line for standard error.
  public var summary: String {
    func format(_ value: Double, _ digits: Int) -> String {
      let scale = Double(Int(pow10(digits)))
      return String((value * scale).rounded() / scale)
    }
    let share = stepSeconds > 0 ? 100 * communicationSeconds / stepSeconds : 0
    return """
      distributed: \(ranks) rank\(ranks == 1 ? "" : "s"), batch \(batch), \(iterations) meta-iterations: \
      \(format(problemsPerSecond, 1)) problems/s, computation \(format(computationPerIteration * 1e3, 3)) ms \
      and communication \(format(communicationPerIteration * 1e3, 3)) ms per meta-iteration \
      (\(format(share, 1))% of the time)
      """
  }

  private func pow10(_ digits: Int) -> Double {
    (0..<digits).reduce(1.0) { value, _ in value * 10 }
  }
}

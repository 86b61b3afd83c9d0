/// A finished (or partial) race: its settings and one trace per racer.
public struct RaceResult: Sendable, Codable, Equatable {
  /// The problem class's configuration key.
  public var problemKey: String
  /// The settings the race ran with.
  public var configuration: RaceConfiguration
  /// The mean optimum r over the held-out instances.
  public var meanOptimum: Double
  /// One trace per racer, in the order they were entered.
  public var traces: [RacerTrace]

  public init(problemKey: String, configuration: RaceConfiguration, meanOptimum: Double, traces: [RacerTrace]) {
    self.problemKey = problemKey
    self.configuration = configuration
    self.meanOptimum = meanOptimum
    self.traces = traces
  }
}

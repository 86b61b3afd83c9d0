import Optimizees
import Optimizers
import Sessions

/// The hand-designed optimizers a comparison enters, and the one rule that
/// sets their step sizes — for `mnemo race`, the final race of `mnemo train`,
/// the dashboard's engine and `mnemo report` alike, so that a baseline in one
/// of them is the same baseline in the others.
///
/// A rate is taken from the first of these that has one:
/// 1. the rate the user gave (`adam@0.01`);
/// 2. 1/L of each instance, for ISTA and FISTA on a class whose instances
///    know their Lipschitz constant (the classical step, never tuned);
/// 3. the tuning cache, for this configuration and horizon (a rate tuned on
///    separate instances at exactly these settings);
/// 4. the rates a session recorded when it was trained (tuned at its own
///    horizon, so less specific than the cache);
/// 5. the kind's default (``OptimizerConfiguration/defaultLearningRate``),
///    which tables mark "(default)".
///
/// Whether to tune the kinds that would fall through to 5 is the caller's
/// choice (``untunedKinds``): the CLI tunes, the dashboard tunes when the
/// class is cheap, the report plans a tuning task.
public struct BaselineRoster: Sendable {
  /// Where a racer's rate came from.
  public enum RateSource: String, Sendable, Equatable {
    case explicit, oneOverL, cache, session, `default`
  }

  /// One resolved baseline.
  public struct Entry: Sendable {
    /// The configuration, with the rate filled in (nil only for 1/L).
    public var configuration: OptimizerConfiguration
    /// Where its rate came from.
    public var source: RateSource

    /// The racer for this entry.
    public var racer: Racer { Racer(configuration) }
  }

  /// The class's configuration key (what cached rates are filed under).
  public let problemKey: String
  /// Whether the class's instances know L (so ISTA and FISTA take 1/L).
  public let knowsLipschitz: Bool
  /// The horizon the rates are for.
  public let steps: Int

  public init(problemKey: String, knowsLipschitz: Bool, steps: Int) {
    self.problemKey = problemKey
    self.knowsLipschitz = knowsLipschitz
    self.steps = steps
  }

  /// The roster for `problemClass` at `steps`.
  public init(problemClass: any ProblemClass, steps: Int) {
    self.init(
      problemKey: problemClass.configurationKey, knowsLipschitz: problemClass.profile.knowsLipschitz, steps: steps)
  }

  /// The standard entrants: the six gradient rules, plus ISTA and FISTA on
  /// composite problems (where they are the sparse-coding community's
  /// baselines).
  public static func standardKinds(composite: Bool) -> [OptimizerKind] {
    [.sgd, .momentum, .nag, .rmsprop, .adam, .adagrad] + (composite ? [.ista, .fista] : [])
  }

  /// Whether `kind` runs at 1/L here rather than at a tuned rate.
  public func usesOneOverL(_ kind: OptimizerKind) -> Bool {
    OptimizerConfiguration(kind: kind).isProximalGradient && knowsLipschitz
  }

  /// The rate for `configuration` and where it came from (nil rate: 1/L).
  public func rate(
    for configuration: OptimizerConfiguration, cache: TuningCache, sessionRates: [String: Float] = [:]
  ) -> (rate: Float?, source: RateSource) {
    if let rate = configuration.learningRate { return (rate, .explicit) }
    let kind = configuration.kind
    if usesOneOverL(kind) { return (nil, .oneOverL) }
    if let rate = cache.learningRate(problemKey: problemKey, steps: steps, kind: kind) { return (rate, .cache) }
    if let rate = sessionRates[kind.rawValue], rate.isFinite, rate > 0 { return (rate, .session) }
    return (configuration.defaultLearningRate, .default)
  }

  /// `configurations` with their rates resolved, in order.
  public func resolve(
    _ configurations: [OptimizerConfiguration], cache: TuningCache, sessionRates: [String: Float] = [:]
  ) -> [Entry] {
    configurations.map { configuration in
      let (rate, source) = self.rate(for: configuration, cache: cache, sessionRates: sessionRates)
      return Entry(configuration: OptimizerConfiguration(kind: configuration.kind, learningRate: rate), source: source)
    }
  }

  /// The kinds among `configurations` that would run at their default rate:
  /// what a tuning run should cover.
  public func untunedKinds(
    _ configurations: [OptimizerConfiguration], cache: TuningCache, sessionRates: [String: Float] = [:]
  ) -> [OptimizerKind] {
    resolve(configurations, cache: cache, sessionRates: sessionRates).filter { $0.source == .default }
      .map(\.configuration.kind)
  }

  /// The kinds among `configurations` whose rate a tuner can set (all but
  /// explicit rates and 1/L), for a forced re-tune.
  public func tunableKinds(_ configurations: [OptimizerConfiguration]) -> [OptimizerKind] {
    configurations.filter { $0.learningRate == nil && !usesOneOverL($0.kind) }.map(\.kind)
  }

  /// Files `outcomes` in `cache` under this roster's problem and horizon.
  public func record(_ outcomes: [LearningRateTuner.Outcome], in cache: inout TuningCache) {
    for outcome in outcomes {
      cache.record(outcome.learningRate, problemKey: problemKey, steps: steps, kind: outcome.kind)
    }
  }
}

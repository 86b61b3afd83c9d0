/// A learned optimizer against the best hand-designed one (or another
/// learned one) on the same
/// held-out instances: the mean over instances of the difference of their
/// final losses, f_learned(θ_T) − f_reference(θ_T), with a 95 % bootstrap
/// interval, and how many instances the learned one ends lower on.
///
/// Why paired: every racer runs on the same instances from the same θ₀, and
/// the instances' difficulty varies far more than the racers do (on the
/// quadratics a few ill-conditioned instances carry most of the mean), so
/// two unpaired intervals overlap even when one racer ends lower on nearly
/// every instance. The difference cancels what the instances share; an
/// interval on it that excludes 0 is a difference the race supports.
public struct PairedComparison: Sendable, Equatable {
  /// The learned racer.
  public var racer: String
  /// The hand-designed racer it is compared with.
  public var reference: String
  /// The mean of the per-instance differences, with its interval.
  public var difference: BootstrapInterval
  /// The learned racer's mean final loss over the reference's.
  public var ratio: Double
  /// Instances on which the learned racer's final loss is lower.
  public var lower: Int
  /// Instances compared.
  public var instances: Int

  /// `racer` against `reference` from their per-instance final losses;
  /// nil when either trace has none or their counts differ.
  public init?(racer: RacerTrace, reference: RacerTrace) {
    guard let a = racer.finalLosses, let b = reference.finalLosses, a.count == b.count, !a.isEmpty else {
      return nil
    }
    self.racer = racer.name
    self.reference = reference.name
    let differences = zip(a, b).map { $0 - $1 }
    difference = BootstrapInterval(values: differences)
    let meanA = a.reduce(0, +) / Double(a.count)
    let meanB = b.reduce(0, +) / Double(b.count)
    ratio = meanA / meanB
    lower = zip(a, b).count { $0 < $1 }
    instances = a.count
  }

  /// Whether the interval excludes zero (the race supports a difference).
  public var isSeparated: Bool { difference.upper < 0 || difference.lower > 0 }

  /// Every learned racer of `result` against the hand-designed racer
  /// (``RacerTrace/isHandDesigned``) with the lowest finite mean final loss;
  /// empty when the race has no learned racer or no hand-designed one.
  public static func learnedAgainstBestBaseline(in result: RaceResult) -> [PairedComparison] {
    let learned = result.traces.filter { !$0.isHandDesigned }
    let baselines = result.traces.filter { $0.isHandDesigned && $0.finalMeanLoss.isFinite }
    guard let best = baselines.min(by: { $0.finalMeanLoss < $1.finalMeanLoss }) else { return [] }
    return learned.compactMap { PairedComparison(racer: $0, reference: best) }
  }

  /// Every learned racer of `result` other than `reference` against the
  /// racer named `reference` (learned against learned: two sessions raced
  /// together); empty when no racer has that name.
  public static func learned(against reference: String, in result: RaceResult) -> [PairedComparison] {
    guard let base = result.traces.first(where: { $0.name == reference }) else { return [] }
    return result.traces.filter { !$0.isHandDesigned && $0.name != reference }.compactMap {
      PairedComparison(racer: $0, reference: base)
    }
  }

  /// What the interval supports: `lower`, `higher`, or `level (interval
  /// holds 0)`.
  public var verdict: String {
    !isSeparated ? "level (interval holds 0)" : difference.upper < 0 ? "lower" : "higher"
  }
}

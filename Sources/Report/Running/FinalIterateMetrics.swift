import Foundation

/// Measures of one final iterate against its instance's truth: how far the
/// objective is from the optimum, whether the right coordinates are
/// nonzero, and how close the code is to the code that generated the data.
public enum FinalIterateMetrics {
  /// A coordinate counts as nonzero when |x_j| exceeds this. Every racer is
  /// followed by the proximal operator, which writes exact zeros, so the
  /// threshold only guards against round-off.
  public static let supportThreshold: Float = 1e-6

  /// Precision, recall and F1 of a recovered support against the true one.
  public struct SupportRecovery: Sendable, Equatable {
    /// |S ∩ S*| / |S| (0 when S is empty).
    public var precision: Double
    /// |S ∩ S*| / |S*| (1 when S* is empty).
    public var recall: Double
    /// 2PR/(P + R) (0 when P + R = 0).
    public var f1: Double
  }

  /// Support recovery of `estimate` (S = {j : |x̂_j| > τ}) against
  /// `truth` (S* = {j : x*_j ≠ 0}).
  public static func support(estimate: [Float], truth: [Float]) -> SupportRecovery {
    precondition(estimate.count == truth.count)
    var found = 0, actual = 0, both = 0
    for (x, t) in zip(estimate, truth) {
      let inEstimate = abs(x) > supportThreshold || x.isNaN
      let inTruth = t != 0
      if inEstimate { found += 1 }
      if inTruth { actual += 1 }
      if inEstimate && inTruth { both += 1 }
    }
    let precision = found == 0 ? 0 : Double(both) / Double(found)
    let recall = actual == 0 ? 1 : Double(both) / Double(actual)
    let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
    return SupportRecovery(precision: precision, recall: recall, f1: f1)
  }

  /// 10·log10(‖x̂ − x*‖² / ‖x*‖²) in dB: −20 dB is a hundredfold smaller
  /// squared error than the code's energy. NaN when x* = 0 or x̂ is not
  /// finite.
  public static func nmseDecibels(estimate: [Float], truth: [Float]) -> Double {
    precondition(estimate.count == truth.count)
    var error = 0.0, energy = 0.0
    for (x, t) in zip(estimate, truth) {
      let d = Double(x) - Double(t)
      error += d * d
      energy += Double(t) * Double(t)
    }
    guard energy > 0, error.isFinite else { return .nan }
    return 10 * log10(max(error, 1e-300) / energy)
  }

  /// (f − r)/r, the relative objective error against a positive optimum r;
  /// NaN when r ≤ 0 (a relative error has no meaning there).
  public static func relativeError(value: Double, optimum: Double) -> Double {
    optimum > 0 ? (value - optimum) / optimum : .nan
  }
}

import LinearAlgebra

/// A percentile-bootstrap confidence interval on a mean: the sample is
/// resampled with replacement `resamples` times (seeded, so the interval is
/// reproducible), and the interval runs between the (1 − level)/2 and
/// (1 + level)/2 quantiles of the resampled means.
///
/// Why the bootstrap and not mean ± 1.96·σ/√n: final losses over instances
/// are skewed (a few hard instances sit far above the rest), and the
/// percentile interval follows that skew instead of assuming normality.
/// With 100 instances and 2,000 resamples the quantiles are stable to
/// about 1 % of the interval's width.
public struct BootstrapInterval: Sendable, Equatable {
  /// The sample mean.
  public var mean: Double
  public var lower: Double
  public var upper: Double

  /// The interval for the mean of `values`; NaN bounds when a value is not
  /// finite or there are none.
  public init(values: [Double], level: Double = 0.95, resamples: Int = 2000, seed: UInt64 = 0) {
    precondition(level > 0 && level < 1 && resamples >= 1, "BootstrapInterval: level in (0, 1), resamples ≥ 1")
    let n = values.count
    guard n > 0, values.allSatisfy(\.isFinite) else {
      mean = n > 0 ? values.reduce(0, +) / Double(n) : .nan
      lower = .nan
      upper = .nan
      return
    }
    mean = values.reduce(0, +) / Double(n)
    var rng = RandomSource(seed: seed)
    var means = [Double](repeating: 0, count: resamples)
    for r in 0..<resamples {
      var sum = 0.0
      for _ in 0..<n { sum += values[rng.index(below: n)] }
      means[r] = sum / Double(n)
    }
    means.sort()
    func quantile(_ q: Double) -> Double {
      let position = q * Double(resamples - 1)
      let below = Int(position.rounded(.down))
      let above = Swift.min(below + 1, resamples - 1)
      let fraction = position - Double(below)
      return means[below] + fraction * (means[above] - means[below])
    }
    lower = quantile((1 - level) / 2)
    upper = quantile((1 + level) / 2)
  }

  /// Whether the two intervals do not overlap (a difference the intervals
  /// support; overlapping intervals claim nothing).
  public func isSeparated(from other: BootstrapInterval) -> Bool {
    upper < other.lower || other.upper < lower
  }
}

/// The affine map of `domain` onto [0, 1], with 1-2-5 ticks.
public struct LinearScale: Scale, Hashable {
  public var domain: ClosedRange<Double>

  /// A scale over `domain`; a single-value domain maps everything to ½.
  public init(domain: ClosedRange<Double>) {
    self.domain = domain
  }

  /// The smallest scale holding every finite value, or `nil` if there is
  /// none. A single distinct value `v` gives `v − 1 … v + 1` so that it
  /// is drawn mid-axis.
  public static func fitting(_ values: some Sequence<Double>) -> LinearScale? {
    var lo = Double.infinity
    var hi = -Double.infinity
    for v in values where v.isFinite {
      lo = min(lo, v)
      hi = max(hi, v)
    }
    guard lo <= hi else { return nil }
    if lo == hi { return LinearScale(domain: (lo - 1)...(hi + 1)) }
    return LinearScale(domain: lo...hi)
  }

  /// The domain widened outwards to multiples of the tick step, so that the
  /// axis starts and ends on labelled ticks: afterwards
  /// `ticks(maxCount: maxTicks)` includes both ends.
  ///
  /// Widening can make the step for `maxTicks` grow (0…4 in two ticks needs
  /// a step of 5, not 2), so the widening is repeated until the step is
  /// stable, as d3's `nice()` does.
  public func niced(maxTicks: Int) -> LinearScale {
    var lo = domain.lowerBound
    var hi = domain.upperBound
    guard hi > lo, lo.isFinite, hi.isFinite else { return self }
    for _ in 0..<4 {
      let step = Self.niceStep(span: hi - lo, maxCount: maxTicks)
      let first = step.multiple((lo / step.value + 1e-9).rounded(.down))
      let last = step.multiple((hi / step.value - 1e-9).rounded(.up))
      if first == lo && last == hi { break }
      lo = first
      hi = last
    }
    return LinearScale(domain: lo...hi)
  }

  public func project(_ value: Double) -> Projection {
    guard value.isFinite else { return .nonFinite }
    let lo = domain.lowerBound
    let hi = domain.upperBound
    guard hi > lo else { return .inside(0.5) }
    return .inside((value - lo) / (hi - lo))
  }

  public func value(atFraction fraction: Double) -> Double {
    domain.lowerBound + fraction * (domain.upperBound - domain.lowerBound)
  }

  /// Multiples of a step of 1, 2 or 5 × 10ᵏ, the smallest such step that
  /// needs no more than `maxCount` ticks to span the domain.
  public func ticks(maxCount: Int) -> [Tick] {
    let lo = domain.lowerBound
    let hi = domain.upperBound
    guard lo.isFinite, hi.isFinite else { return [] }
    guard hi > lo else { return [Tick(value: lo, label: TickLabel.format(lo))] }
    let step = Self.niceStep(span: hi - lo, maxCount: maxCount)
    let first = Int((lo / step.value - 1e-9).rounded(.up))
    let last = Int((hi / step.value + 1e-9).rounded(.down))
    guard first <= last else { return [] }
    return (first...last).map { i in
      let v = step.multiple(Double(i))
      return Tick(value: v, label: TickLabel.format(v, step: step.value))
    }
  }

  /// A tick step m · 10ᵉ with m ∈ {1, 2, 5}, kept as integers so that
  /// multiples are computed as `i·m / 10^−e` — the double nearest to the
  /// decimal, so 3 × 0.1 gives 0.3, not 0.30000000000000004.
  struct Step {
    var mantissa: Double
    var exponent: Int
    var value: Double { multiple(1) }

    func multiple(_ i: Double) -> Double {
      let v =
        exponent >= 0
        ? i * mantissa * PlatformMath.exp10(exponent)
        : i * mantissa / PlatformMath.exp10(-exponent)
      return v == 0 ? 0 : v
    }
  }

  static func niceStep(span: Double, maxCount: Int) -> Step {
    let intervals = Double(max(2, maxCount) - 1)
    let raw = span / intervals
    var exponent = Int(PlatformMath.log10(raw).rounded(.down))
    let fraction = raw / PlatformMath.exp10(exponent)
    var mantissa: Double
    switch fraction {
    case ...1.000000001: mantissa = 1
    case ...2.000000001: mantissa = 2
    case ...5.000000001: mantissa = 5
    default:
      mantissa = 1
      exponent += 1
    }
    return Step(mantissa: mantissa, exponent: exponent)
  }
}

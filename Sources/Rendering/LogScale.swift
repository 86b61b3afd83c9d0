/// The base-10 logarithmic map of a positive `domain` onto [0, 1]:
/// `fraction = (log₁₀ v − log₁₀ lo) / (log₁₀ hi − log₁₀ lo)`.
///
/// This is a true log scale, not TensorBoard's "modified log" that turns
/// linear near zero and so hides a loss converging to zero. Values ≤ 0
/// have no logarithm: ``project(_:)`` reports them as
/// ``Projection/clampedToFloor`` — drawn at the axis floor (the domain's
/// lower bound) and counted, so a chart can print "≤0 clamped".
public struct LogScale: Scale, Hashable {
  public let domain: ClosedRange<Double>
  /// log₁₀ of the domain's ends, computed once: projecting is on the
  /// per-point path of every chart.
  private let logLower: Double
  private let logUpper: Double

  /// A log scale over `domain`, or `nil` unless `0 < lower ≤ upper` and
  /// both are finite.
  public init?(domain: ClosedRange<Double>) {
    guard domain.lowerBound > 0, domain.upperBound.isFinite else { return nil }
    self.init(validDomain: domain)
  }

  /// A scale over a domain already known to be valid.
  init(validDomain: ClosedRange<Double>) {
    domain = validDomain
    logLower = PlatformMath.log10(validDomain.lowerBound)
    logUpper = PlatformMath.log10(validDomain.upperBound)
  }

  /// 1…10, the fallback when there is no positive value to fit.
  static let unitDecade = LogScale(validDomain: 1...10)

  /// Where values ≤ 0 are drawn: the lower end of the axis.
  public var floor: Double { domain.lowerBound }

  /// The smallest scale holding every finite positive value, or `nil` if
  /// there is none. A single distinct value `v` gives `v/10 … 10·v`.
  public static func fitting(_ values: some Sequence<Double>) -> LogScale? {
    var lo = Double.infinity
    var hi = 0.0
    for v in values where v.isFinite && v > 0 {
      lo = min(lo, v)
      hi = max(hi, v)
    }
    guard lo <= hi else { return nil }
    if lo == hi { return LogScale(domain: (lo / 10)...(hi * 10)) }
    return LogScale(domain: lo...hi)
  }

  /// The domain widened outwards to whole decades (10ᵏ), so the floor and
  /// the top of the axis are labelled powers of ten.
  public func niced() -> LogScale {
    let lo = PlatformMath.exp10(Int((PlatformMath.log10(domain.lowerBound) + 1e-9).rounded(.down)))
    var hi = PlatformMath.exp10(Int((PlatformMath.log10(domain.upperBound) - 1e-9).rounded(.up)))
    if hi <= lo { hi = lo * 10 }
    return LogScale(domain: lo...hi) ?? self
  }

  /// How many of `values` are finite and ≤ 0, i.e. would be clamped.
  public static func clampedCount(in values: some Sequence<Double>) -> Int {
    values.reduce(0) { $0 + ($1.isFinite && $1 <= 0 ? 1 : 0) }
  }

  public func project(_ value: Double) -> Projection {
    guard value.isFinite else { return .nonFinite }
    guard value > 0 else { return .clampedToFloor }
    guard logUpper > logLower else { return .inside(0.5) }
    return .inside((PlatformMath.log10(value) - logLower) / (logUpper - logLower))
  }

  public func value(atFraction fraction: Double) -> Double {
    PlatformMath.pow10(logLower + fraction * (logUpper - logLower))
  }

  /// Ticks in decreasing density until they fit in `maxCount`:
  /// 1. 1, 2 and 5 × 10ᵏ — when the domain spans few decades;
  /// 2. every decade 10ᵏ, or every s-th one (k a multiple of s) when there
  ///    are too many decades;
  /// 3. for a domain narrower than a decade, linear 1-2-5 ticks.
  public func ticks(maxCount: Int) -> [Tick] {
    let lo = domain.lowerBound
    let hi = domain.upperBound
    let limit = max(2, maxCount)
    guard hi > lo else { return [Tick(value: lo, label: TickLabel.format(lo))] }
    let kLo = Int((PlatformMath.log10(lo) - 1e-9).rounded(.up))
    let kHi = Int((PlatformMath.log10(hi) + 1e-9).rounded(.down))
    let inside = { (v: Double) in v >= lo * (1 - 1e-12) && v <= hi * (1 + 1e-12) }

    let subdivided = ((kLo - 1)...max(kLo - 1, kHi)).flatMap { k in
      [1.0, 2, 5].map { m in Self.decimal(m, k) }
    }.filter(inside)
    if subdivided.count >= 2 && subdivided.count <= limit { return labelled(subdivided) }

    if kHi > kLo {
      let n = kHi - kLo + 1
      let stride = (n + limit - 1) / limit
      var decades = (kLo...kHi).filter { ($0 % stride + stride) % stride == 0 }
      if decades.count < 2 { decades = Array(Swift.stride(from: kLo, through: kHi, by: stride)) }
      if decades.count >= 2 { return labelled(decades.map { PlatformMath.exp10($0) }) }
    }

    let linear = LinearScale(domain: domain).ticks(maxCount: limit).filter { $0.value > 0 }
    return linear
  }

  /// m · 10ᵏ as the double nearest to the decimal.
  private static func decimal(_ m: Double, _ k: Int) -> Double {
    k >= 0 ? m * PlatformMath.exp10(k) : m / PlatformMath.exp10(-k)
  }

  private func labelled(_ values: [Double]) -> [Tick] {
    values.map { Tick(value: $0, label: TickLabel.format($0)) }
  }
}

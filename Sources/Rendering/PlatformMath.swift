import Libm

/// The few libm functions the scales need, reached without importing
/// Foundation so the module stays a pure drawing library.
enum PlatformMath {
  /// The decimal logarithm.
  @inline(__always) static func log10(_ x: Double) -> Double { Libm.log10(x) }

  /// 10^k for an integer exponent. Exact for |k| ≤ 22 (powers of ten are
  /// exactly representable up to 1e22); negative k is computed as 1 / 10^|k|,
  /// the double nearest to the decimal 10^k — the value a user typing "1e-3"
  /// gets — which keeps tick values and their tests exact.
  static func exp10(_ k: Int) -> Double {
    k >= 0 ? positivePower(k) : 1 / positivePower(-k)
  }

  /// 10^x for a real exponent.
  @inline(__always) static func pow10(_ x: Double) -> Double { Libm.pow(10, x) }

  private static func positivePower(_ k: Int) -> Double {
    if k > 22 { return Libm.pow(10, Double(k)) }
    var result = 1.0
    var base = 10.0
    var e = k
    while e > 0 {
      if e & 1 == 1 { result *= base }
      base *= base
      e >>= 1
    }
    return result
  }
}


/// Log-spaced learning rates for tuning the hand-designed baselines.
///
/// Every baseline is compared at its best rate on the grid, as the learned
/// optimizer papers do (learned_optimization's `hparam_sets.py` uses half
/// decades from 1e-7 to 1; L2L and RNNprop tune per problem). Half decades,
/// factors of √10 ≈ 3.16, are fine enough that the best grid rate is within
/// a factor of about 1.8 of the best rate, coarse enough to tune eight
/// optimizers quickly.
public enum LearningRateGrid {
  /// 1e-4, 3.16e-4, 1e-3, …, 0.316, 1: nine rates, half a decade apart.
  public static let halfDecades: [Float] = halfDecades(fromExponent: -4, toExponent: 0)

  /// `10^e` for e from `lower` to `upper` in steps of ½, both ends included
  /// (so `2·(upper − lower) + 1` rates, ascending).
  public static func halfDecades(fromExponent lower: Int, toExponent upper: Int) -> [Float] {
    precondition(lower <= upper, "the lower exponent must not exceed the upper one")
    return (0...(2 * (upper - lower))).map { k in
      Float(pow10(Double(lower) + Double(k) / 2))
    }
  }

  /// 10^x, exact for integer x in the range used here (so decades are the
  /// float nearest the literal, e.g. exactly `Float(1e-3)`).
  private static func pow10(_ x: Double) -> Double {
    let whole = x.rounded(.down)
    var value = 1.0
    let magnitude = Int(abs(whole))
    for _ in 0..<magnitude { value *= 10 }
    value = whole < 0 ? 1 / value : value
    if x != whole { value *= 10.0.squareRoot() }
    return value
  }
}

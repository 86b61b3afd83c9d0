/// Branch-free single-precision eˣ and tanh that the compiler vectorises.
///
/// The LSTM cell evaluates five transcendental functions per unit and step;
/// at a batch of 16,000 coordinates the C library's scalar `expf` alone would
/// cost several milliseconds per step. These versions use only arithmetic,
/// comparisons turned into selects and integer bit manipulation, so release
/// builds turn the kernels' loops into SIMD code. They are `@inlinable`, so
/// every module's loops (the tape's kernels, the optimizees' own LSTM) inline
/// and vectorise them.
public enum FastMath {
  /// eˣ with a relative error below 2·10⁻⁷ (Cephes' `expf` polynomial),
  /// overflowing to +∞ above ln(Float.greatestFiniteMagnitude) ≈ 88.72 and
  /// flushing to 0 below about −87 (results under 2.4·10⁻³⁸), like the C
  /// library except for the flushed subnormals. So σ(x) = 1/(1 + e⁻ˣ)
  /// saturates to exactly 0 and 1.
  ///
  /// Range reduction: x = n·ln2 + r with n = round(x / ln2), |r| ≤ ln2/2,
  /// found by adding 1.5·2²³ (which rounds to an integer in the float's
  /// significand, so the integer n is read back from the bit pattern), and
  /// r computed in two parts (Cody–Waite) so that n·ln2 is exact. Then
  /// eˣ = eʳ·2ⁿ⁻¹·2 with 2ⁿ⁻¹ assembled in the exponent field; the extra
  /// factor 2 lets n reach 128, so the final product overflows to +∞ by
  /// itself. x is first clamped to [−87.5, 89], which keeps n in
  /// [−126, 128]: n = −126 assembles +0.
  @inlinable @inline(__always)
  public static func exp(_ x: Float) -> Float {
    let clamped = Swift.min(Swift.max(x, -87.5), 89)
    let magic: Float = 12_582_912  // 1.5 · 2²³
    let shifted = clamped * 1.442_695_04 + magic
    let n = shifted - magic
    let r = clamped - n * 0.693_359_375 + n * 2.121_944_4e-4
    var p: Float = 1.987_569_15e-4
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 5.000_000_12e-1
    let er = p * (r * r) + r + 1
    let integer = Int32(bitPattern: shifted.bitPattern &- magic.bitPattern)
    let halfScale = Float(bitPattern: UInt32(bitPattern: (integer &+ 126) &<< 23))
    return er * halfScale * 2
  }

  /// tanh x with an absolute error below 3·10⁻⁷.
  ///
  /// For |x| < 0.625 an odd polynomial (Cephes' `tanhf`) keeps the relative
  /// accuracy near zero; elsewhere tanh|x| = 1 − 2/(e²ˡˣˡ + 1), which is 1
  /// when the exponential overflows. Both branches are computed and one is
  /// selected, which keeps the loop vectorisable.
  @inlinable @inline(__always)
  public static func tanh(_ x: Float) -> Float {
    let a = Swift.abs(x)
    let z = x * x
    var p: Float = -5.704_988_72e-3
    p = p * z + 2.063_908_88e-2
    p = p * z - 5.373_971_56e-2
    p = p * z + 1.333_144_22e-1
    p = p * z - 3.333_328_19e-1
    let small = p * z * x + x
    let large = 1 - 2 / (exp(2 * a) + 1)
    let signedLarge = x < 0 ? -large : large
    return a < 0.625 ? small : signedLarge
  }

  /// tanh x as a rational function (the odd/even minimax pair used by Eigen
  /// and TensorFlow): x clamped to ±7.9988, then x·P(x²)/Q(x²) with P of
  /// degree 6 and Q of degree 3 in x². Absolute and relative error below
  /// 4·10⁻⁷ everywhere; saturates to within 3·10⁻⁷ of ±1 rather than to
  /// exactly ±1. About half the work of the exponential-based form.
  @inlinable @inline(__always)
  public static func rationalTanh(_ a: Float) -> Float {
    let x = Swift.min(Swift.max(a, -7.998_811_72), 7.998_811_72)
    let x2 = x * x
    var p: Float = -2.760_768_477_423_55e-16
    p = p * x2 + 2.000_187_904_824_77e-13
    p = p * x2 - 8.604_671_522_137_35e-11
    p = p * x2 + 5.122_297_090_371_14e-08
    p = p * x2 + 1.485_722_357_179_79e-05
    p = p * x2 + 6.372_619_288_754_36e-04
    p = p * x2 + 4.893_524_558_917_86e-03
    var q: Float = 1.198_258_394_667_02e-06
    q = q * x2 + 1.185_347_056_866_54e-04
    q = q * x2 + 2.268_434_632_439_00e-03
    q = q * x2 + 4.893_525_185_543_85e-03
    return x * p / q
  }
}

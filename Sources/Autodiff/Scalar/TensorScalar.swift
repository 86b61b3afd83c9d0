import Libm
import LinearAlgebra

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The scalar types a ``Tensor`` and a ``Tape`` compute in: `Float` and
/// `Double`.
///
/// Mnemo trains in `Float` for speed. The same graph-building code, written
/// generically over `TensorScalar`, also runs in `Double`, which is what the
/// finite-difference ``GradientChecker`` needs: a central difference in single
/// precision loses about half of its seven digits to cancellation, in double
/// precision it keeps about ten.
///
/// The requirements whose names begin with an underscore are implementation
/// details. They let the tape, which is generic, hand whole buffers to loops
/// that the compiler has specialised for the concrete scalar: a kernel is
/// dispatched once per operation through the conformance, never once per
/// element. Only `Float` and `Double` conform.
public protocol TensorScalar: BinaryFloatingPoint, Sendable, CustomStringConvertible {
  /// eˣ. `Float` uses a branch-free polynomial that vectorises (about 2 ulp,
  /// subnormal results flushed to 0); `Double` uses the C library.
  static func _exp(_ x: Self) -> Self
  /// The natural logarithm of a positive argument.
  static func _log(_ x: Self) -> Self
  /// log(1 + x), accurate for small x.
  static func _log1p(_ x: Self) -> Self
  /// The hyperbolic tangent.
  static func _tanh(_ x: Self) -> Self
  /// tanh x for the LSTM cell's gates and state, where only absolute error
  /// matters: `Float` uses a rational approximation (error below 4·10⁻⁷,
  /// saturating within 3·10⁻⁷ of ±1) at half the cost of ``_tanh(_:)``;
  /// `Double` uses the C library.
  static func _cellTanh(_ x: Self) -> Self
  /// C ← α·op(A)·op(B) + β·C, row-major, through OpenBLAS (`sgemm`/`dgemm`).
  static func _gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Self, a: UnsafePointer<Self>, lda: Int,
    b: UnsafePointer<Self>, ldb: Int,
    beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
  /// Runs one kernel with `Self` statically known.
  static func _execute(_ kernel: _Kernel<Self>)
}

extension Float: TensorScalar {
  @inline(__always)
  public static func _exp(_ x: Float) -> Float { FastMath.exp(x) }
  @inline(__always)
  public static func _log(_ x: Float) -> Float { logf(x) }
  @inline(__always)
  public static func _log1p(_ x: Float) -> Float { log1pf(x) }
  @inline(__always)
  public static func _tanh(_ x: Float) -> Float { FastMath.tanh(x) }
  @inline(__always)
  public static func _cellTanh(_ x: Float) -> Float { FastMath.rationalTanh(x) }

  public static func _gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Float, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    BLAS.gemm(
      transposeA ? .transposed : .none, transposeB ? .transposed : .none,
      m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
      beta: beta, c: c, ldc: ldc)
  }

  public static func _execute(_ kernel: _Kernel<Float>) {
    // The LSTM cell's passes run as C kernels dispatched for this CPU (the
    // cell splits its rows over threads around them).
    switch kernel.call {
    case .lstmPreactivations(let operands):
      if LSTMKernels.preactivationsFitTheKernel(operands) {
        LSTMKernels.preactivationsFloat(operands)
      } else {
        LSTMCell.preactivationsWithGEMM(operands)
      }
    case .lstmForward(let operands):
      LSTMKernels.forwardFloat(operands)
    case .lstmBackward(let operands):
      LSTMKernels.backwardFloat(operands)
    case .addColumnSums(let x, let rows, let columns, let y):
      LSTMKernels.addColumnSumsFloat(x: x, rows: rows, columns: columns, y: y)
    default: kernel.call.run()
    }
  }
}

extension Double: TensorScalar {
  @inline(__always)
  public static func _exp(_ x: Double) -> Double { exp(x) }
  @inline(__always)
  public static func _log(_ x: Double) -> Double { log(x) }
  @inline(__always)
  public static func _log1p(_ x: Double) -> Double { log1p(x) }
  @inline(__always)
  public static func _tanh(_ x: Double) -> Double { tanh(x) }
  @inline(__always)
  public static func _cellTanh(_ x: Double) -> Double { tanh(x) }

  public static func _gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Double, a: UnsafePointer<Double>, lda: Int,
    b: UnsafePointer<Double>, ldb: Int,
    beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
  ) {
    BLAS.gemm(
      transposeA ? .transposed : .none, transposeB ? .transposed : .none,
      m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
      beta: beta, c: c, ldc: ldc)
  }

  public static func _execute(_ kernel: _Kernel<Double>) { kernel.call.run() }
}

extension TensorScalar {
  /// The logistic function 1 / (1 + e⁻ˣ); saturates to exactly 0 or 1 (an
  /// overflowing e⁻ˣ is +∞, and 1/∞ = 0).
  @inline(__always)
  static func _sigmoid(_ x: Self) -> Self { 1 / (1 + _exp(-x)) }
}

import CBLAS

/// Double-precision entry points, the twins of the single-precision ones in
/// `BLAS.swift`. Mnemo computes in `Float`; `Double` exists for reference
/// computations such as the finite-difference gradient checker, which runs
/// the very same graph code in `Double` so that its differences are not
/// drowned in rounding error.
extension BLAS {
  /// C ← α·op(A)·op(B) + β·C in double precision, with op(A) m×k, op(B) k×n
  /// and C m×n, all row-major.
  ///
  /// `lda`, `ldb`, `ldc` default to the dense row strides of A, B, C as
  /// stored (before `op`).
  @inlinable
  public static func gemm(
    _ transA: Transpose = .none, _ transB: Transpose = .none,
    m: Int, n: Int, k: Int,
    alpha: Double = 1,
    a: UnsafePointer<Double>, lda: Int? = nil,
    b: UnsafePointer<Double>, ldb: Int? = nil,
    beta: Double = 0,
    c: UnsafeMutablePointer<Double>, ldc: Int? = nil
  ) {
    let strideA = lda ?? (transA == .none ? k : m)
    let strideB = ldb ?? (transB == .none ? n : k)
    cblas_dgemm(
      CblasRowMajor, transA.cblas, transB.cblas,
      Int32(m), Int32(n), Int32(k),
      alpha, a, Int32(strideA), b, Int32(strideB),
      beta, c, Int32(ldc ?? n))
  }
}

import CBLAS

/// Thin, typed entry points into OpenBLAS.
///
/// All matrices are row-major and contiguous. The functions take unsafe
/// pointers because they sit in per-step loops: callers keep their storage in
/// `[Float]` buffers allocated once and pass `withUnsafe…` pointers, so no
/// array is created per call.
public enum BLAS {
  /// Whether an operand is used as stored or transposed.
  public enum Transpose: Sendable {
    case none, transposed

    @usableFromInline var cblas: CBLAS_TRANSPOSE {
      self == .none ? CblasNoTrans : CblasTrans
    }
  }

  /// C ← α·op(A)·op(B) + β·C, with op(A) m×k, op(B) k×n and C m×n.
  ///
  /// `lda`, `ldb`, `ldc` default to the dense row strides of A, B, C as
  /// stored (before `op`).
  @inlinable
  public static func gemm(
    _ transA: Transpose = .none, _ transB: Transpose = .none,
    m: Int, n: Int, k: Int,
    alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int? = nil,
    b: UnsafePointer<Float>, ldb: Int? = nil,
    beta: Float = 0,
    c: UnsafeMutablePointer<Float>, ldc: Int? = nil
  ) {
    let strideA = lda ?? (transA == .none ? k : m)
    let strideB = ldb ?? (transB == .none ? n : k)
    cblas_sgemm(
      CblasRowMajor, transA.cblas, transB.cblas,
      Int32(m), Int32(n), Int32(k),
      alpha, a, Int32(strideA), b, Int32(strideB),
      beta, c, Int32(ldc ?? n))
  }

  /// y ← α·op(A)·x + β·y with A m×n (as stored).
  @inlinable
  public static func gemv(
    _ trans: Transpose = .none, m: Int, n: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, x: UnsafePointer<Float>, beta: Float = 0,
    y: UnsafeMutablePointer<Float>
  ) {
    cblas_sgemv(
      CblasRowMajor, trans.cblas, Int32(m), Int32(n), alpha, a, Int32(n), x, 1, beta, y, 1)
  }

  /// The number of threads OpenBLAS uses for large products.
  public static var threadCount: Int {
    get { Int(openblas_get_num_threads()) }
    set { openblas_set_num_threads(Int32(max(1, newValue))) }
  }
}

/// Matrix products on whole arrays, for code outside the hot loops (problem
/// sampling, optimum solves, tests).
extension BLAS {
  /// op(A)·op(B) for row-major arrays, as a new array.
  public static func matmul(
    _ a: [Float], _ b: [Float], m: Int, n: Int, k: Int,
    transA: Transpose = .none, transB: Transpose = .none
  ) -> [Float] {
    precondition(a.count >= m * k && b.count >= k * n, "matmul: operand too small")
    var c = [Float](repeating: 0, count: m * n)
    a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        c.withUnsafeMutableBufferPointer { pc in
          gemm(
            transA, transB, m: m, n: n, k: k,
            a: pa.baseAddress!, b: pb.baseAddress!, c: pc.baseAddress!)
        }
      }
    }
    return c
  }
}

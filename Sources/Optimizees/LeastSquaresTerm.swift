import LinearAlgebra

/// The smooth term `c‖Aθ − y‖²` shared by the quadratic (c = 1) and the
/// sparse-coding problems (c = ½), with its gradient `2c·Aᵀ(Aθ − y)`: two
/// GEMVs through a residual buffer the caller owns, no allocation.
enum LeastSquaresTerm {
  /// c‖Aθ − y‖² for row-major A (m × n), writing 2c·Aᵀ(Aθ − y) into
  /// `gradient` when it is non-nil. `residual` (m values) is scratch.
  static func evaluate(
    matrix: UnsafeBufferPointer<Float>, target: UnsafeBufferPointer<Float>,
    residual: UnsafeMutableBufferPointer<Float>, rows m: Int, columns n: Int, scale c: Float,
    theta: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>?
  ) -> Float {
    guard let ap = matrix.baseAddress, let tp = theta.baseAddress, let rp = residual.baseAddress,
      let yp = target.baseAddress
    else { return 0 }
    rp.update(from: yp, count: m)
    BLAS.gemv(m: m, n: n, a: ap, x: tp, beta: -1, y: rp)
    var squares: Float = 0
    for i in 0..<m { squares += rp[i] * rp[i] }
    if let g = gradient?.baseAddress {
      BLAS.gemv(.transposed, m: m, n: n, alpha: 2 * c, a: ap, x: rp, y: g)
    }
    return c * squares
  }
}

/// The smooth part the Double test oracles share: s(θ) = ½‖Aθ − y‖² for a
/// row-major `rows`×`columns` matrix A, with ∇s = Aᵀ(Aθ − y), written out without
/// BLAS so the gradient checks do not depend on the library's kernels.
enum DoubleLeastSquares {
  /// Returns s(θ) and writes ∇s into `gradient`.
  static func evaluate(
    matrix: [Double], target: [Double], rows: Int, columns n: Int, theta: UnsafeBufferPointer<Double>,
    gradient: UnsafeMutableBufferPointer<Double>
  ) -> Double {
    var residual = [Double](repeating: 0, count: rows)
    for i in 0..<rows {
      var sum = -target[i]
      for j in 0..<n { sum += matrix[i * n + j] * theta[j] }
      residual[i] = sum
    }
    for j in 0..<n {
      var sum = 0.0
      for i in 0..<rows { sum += matrix[i * n + j] * residual[i] }
      gradient[j] = sum
    }
    return 0.5 * residual.reduce(0) { $0 + $1 * $1 }
  }
}

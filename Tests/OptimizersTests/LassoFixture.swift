import LinearAlgebra
import Optimizees

/// A small lasso instance, `½‖Dx − b‖² + λ‖x‖₁`, built here so the optimizer
/// tests depend on no problem class.
///
/// The smooth part is evaluated in float (as every problem is); the data are
/// also kept in double for the reference implementations.
struct LassoFixture: Problem {
  let rows: Int
  let dimension: Int
  /// D, row-major `rows × dimension`.
  let dictionary: [Double]
  let target: [Double]
  let lambda: Double
  let initialParameters: [Float]
  /// ‖D‖₂², the Lipschitz constant of ∇s, by power iteration on DᵀD.
  let lipschitz: Double

  var regularizer: Regularizer { .l1(lambda: Float(lambda)) }
  var optimum: Float { 0 }
  var smoothLipschitz: Float? { Float(lipschitz) }

  init(rows: Int, columns: Int, lambda: Double, seed: UInt64) {
    var rng = RandomSource(seed: seed)
    self.rows = rows
    self.dimension = columns
    let d = (0..<(rows * columns)).map { _ in Double(rng.gaussian()) / Double(rows).squareRoot() }
    var truth = [Double](repeating: 0, count: columns)
    for j in stride(from: 0, to: columns, by: 4) { truth[j] = Double(rng.gaussian()) }
    var b = [Double](repeating: 0, count: rows)
    for i in 0..<rows {
      for j in 0..<columns { b[i] += d[i * columns + j] * truth[j] }
      b[i] += 0.01 * Double(rng.gaussian())
    }
    self.dictionary = d
    self.target = b
    self.lambda = lambda
    self.initialParameters = (0..<columns).map { _ in 0.5 * rng.gaussian() }
    self.lipschitz = LassoFixture.spectralNormSquared(d, rows: rows, columns: columns)
  }

  func residual(_ x: [Double]) -> [Double] {
    (0..<rows).map { i in
      var sum = -target[i]
      for j in 0..<dimension { sum += dictionary[i * dimension + j] * x[j] }
      return sum
    }
  }

  /// ∇s(x) = Dᵀ(Dx − b), in double.
  func smoothGradient(_ x: [Double]) -> [Double] {
    let r = residual(x)
    return (0..<dimension).map { j in
      var sum = 0.0
      for i in 0..<rows { sum += dictionary[i * dimension + j] * r[i] }
      return sum
    }
  }

  /// F(x) = s(x) + λ‖x‖₁, in double.
  func objective(_ x: [Double]) -> Double {
    let r = residual(x)
    return 0.5 * r.reduce(0) { $0 + $1 * $1 } + lambda * x.reduce(0) { $0 + abs($1) }
  }

  mutating func smoothLoss(
    at theta: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>?
  ) -> Float {
    var r = [Float](repeating: 0, count: rows)
    for i in 0..<rows {
      var sum = -Float(target[i])
      for j in 0..<dimension { sum += Float(dictionary[i * dimension + j]) * theta[j] }
      r[i] = sum
    }
    if let gradient {
      for j in 0..<dimension {
        var sum: Float = 0
        for i in 0..<rows { sum += Float(dictionary[i * dimension + j]) * r[i] }
        gradient[j] = sum
      }
    }
    return 0.5 * r.reduce(0) { $0 + $1 * $1 }
  }

  private static func spectralNormSquared(_ d: [Double], rows: Int, columns: Int) -> Double {
    var v = [Double](repeating: 1, count: columns)
    var estimate = 0.0
    for _ in 0..<500 {
      let dv = (0..<rows).map { i in (0..<columns).reduce(0.0) { $0 + d[i * columns + $1] * v[$1] } }
      let w = (0..<columns).map { j in (0..<rows).reduce(0.0) { $0 + d[$1 * columns + j] * dv[$1] } }
      let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
      estimate = norm / v.reduce(0) { $0 + $1 * $1 }.squareRoot()
      v = w.map { $0 / norm }
    }
    return estimate
  }
}

/// Soft thresholding, `sign(v)·max(|v| − τ, 0)`, in double.
func softThreshold(_ v: Double, _ tau: Double) -> Double {
  let shrunk = abs(v) - tau
  return shrunk > 0 ? (v > 0 ? shrunk : -shrunk) : 0
}

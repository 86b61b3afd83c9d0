/// Double-precision dense linear algebra for reference values computed once
/// per instance at sampling time: optimum values, Lipschitz constants,
/// Newton steps.
///
/// The matrices here are tiny (at most a few hundred entries on a side), so
/// plain loops in Double are both fast enough and more accurate than the
/// Float BLAS used in the per-step loops. All matrices are row-major.
enum ReferenceAlgebra {
  /// The largest eigenvalue of the symmetric n×n matrix `a`, by cyclic
  /// Jacobi rotations: exact to rounding, unlike power iteration, whose
  /// estimate from below would make 1/L steps unsafe when the top two
  /// eigenvalues are close.
  static func largestEigenvalue(symmetric a: [Double], n: Int) -> Double {
    precondition(a.count == n * n)
    guard n > 0 else { return 0 }
    var m = a
    var scale: Double = 0
    for v in m { scale += v * v }
    let tolerance = 1e-30 * max(scale, Double.leastNormalMagnitude)
    for _ in 0..<60 {
      var off: Double = 0
      for p in 0..<n { for q in (p + 1)..<n { off += m[p * n + q] * m[p * n + q] } }
      if off <= tolerance { break }
      for p in 0..<n {
        for q in (p + 1)..<n {
          let apq = m[p * n + q]
          if apq == 0 { continue }
          let theta = (m[q * n + q] - m[p * n + p]) / (2 * apq)
          let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
          let c = 1 / (t * t + 1).squareRoot()
          let s = t * c
          for k in 0..<n {
            let akp = m[k * n + p]
            let akq = m[k * n + q]
            m[k * n + p] = c * akp - s * akq
            m[k * n + q] = s * akp + c * akq
          }
          for k in 0..<n {
            let apk = m[p * n + k]
            let aqk = m[q * n + k]
            m[p * n + k] = c * apk - s * aqk
            m[q * n + k] = s * apk + c * aqk
          }
        }
      }
    }
    var largest = -Double.infinity
    for i in 0..<n { largest = max(largest, m[i * n + i]) }
    return largest
  }

  /// ‖A‖₂² for the rows×cols matrix `a`: the largest eigenvalue of the
  /// smaller of AᵀA and AAᵀ.
  static func spectralNormSquared(_ a: [Double], rows: Int, cols: Int) -> Double {
    if cols <= rows {
      return largestEigenvalue(symmetric: gram(a, rows: rows, cols: cols), n: cols)
    }
    var aat = [Double](repeating: 0, count: rows * rows)
    for i in 0..<rows {
      for j in i..<rows {
        var sum: Double = 0
        for k in 0..<cols { sum += a[i * cols + k] * a[j * cols + k] }
        aat[i * rows + j] = sum
        aat[j * rows + i] = sum
      }
    }
    return largestEigenvalue(symmetric: aat, n: rows)
  }

  /// AᵀA (cols×cols) for the rows×cols matrix `a`.
  static func gram(_ a: [Double], rows: Int, cols: Int) -> [Double] {
    var g = [Double](repeating: 0, count: cols * cols)
    for r in 0..<rows {
      let base = r * cols
      for i in 0..<cols {
        let ai = a[base + i]
        if ai == 0 { continue }
        for j in i..<cols { g[i * cols + j] += ai * a[base + j] }
      }
    }
    for i in 0..<cols { for j in 0..<i { g[i * cols + j] = g[j * cols + i] } }
    return g
  }

  /// Aᵀx for the rows×cols matrix `a`.
  static func transposedProduct(_ a: [Double], rows: Int, cols: Int, _ x: [Double]) -> [Double] {
    var out = [Double](repeating: 0, count: cols)
    for r in 0..<rows {
      let xr = x[r]
      for c in 0..<cols { out[c] += a[r * cols + c] * xr }
    }
    return out
  }

  /// Ax for the rows×cols matrix `a`.
  static func product(_ a: [Double], rows: Int, cols: Int, _ x: [Double]) -> [Double] {
    var out = [Double](repeating: 0, count: rows)
    for r in 0..<rows {
      var sum: Double = 0
      for c in 0..<cols { sum += a[r * cols + c] * x[c] }
      out[r] = sum
    }
    return out
  }

  /// min_x ‖Ax − b‖² and a minimiser, by Householder QR with column
  /// pivoting.
  ///
  /// Pivoting reveals the numerical rank (columns whose remaining norm falls
  /// below 1e-12 of the largest are dropped), so singular and rectangular A
  /// of either shape are handled: the residual is the squared norm of the
  /// part of Qᵀb beyond the rank, and the minimiser returned is the basic
  /// solution (zero on the dropped columns).
  static func leastSquares(
    _ a: [Double], rows: Int, cols: Int, rhs b: [Double]
  ) -> (residual: Double, solution: [Double], rank: Int) {
    precondition(a.count == rows * cols && b.count == rows)
    var m = a
    var y = b
    var permutation = Array(0..<cols)
    func columnNorm(_ j: Int, from k: Int) -> Double {
      var sum: Double = 0
      for i in k..<rows { sum += m[i * cols + j] * m[i * cols + j] }
      return sum.squareRoot()
    }
    var largestColumn: Double = 0
    for j in 0..<cols { largestColumn = max(largestColumn, columnNorm(j, from: 0)) }
    let tolerance = 1e-12 * largestColumn
    var rank = 0
    for k in 0..<min(rows, cols) {
      var pivot = k
      var pivotNorm = columnNorm(k, from: k)
      for j in (k + 1)..<cols {
        let norm = columnNorm(j, from: k)
        if norm > pivotNorm { (pivot, pivotNorm) = (j, norm) }
      }
      if pivotNorm <= tolerance || pivotNorm == 0 { break }
      if pivot != k {
        for i in 0..<rows { m.swapAt(i * cols + k, i * cols + pivot) }
        permutation.swapAt(k, pivot)
      }
      // Householder reflector H = I − 2vvᵀ/vᵀv mapping column k to −sign·‖x‖·e_k.
      let alpha = m[k * cols + k] >= 0 ? -pivotNorm : pivotNorm
      var v = [Double](repeating: 0, count: rows - k)
      for i in k..<rows { v[i - k] = m[i * cols + k] }
      v[0] -= alpha
      var vv: Double = 0
      for value in v { vv += value * value }
      if vv > 0 {
        for j in k..<cols {
          var dot: Double = 0
          for i in k..<rows { dot += v[i - k] * m[i * cols + j] }
          let factor = 2 * dot / vv
          for i in k..<rows { m[i * cols + j] -= factor * v[i - k] }
        }
        var dot: Double = 0
        for i in k..<rows { dot += v[i - k] * y[i] }
        let factor = 2 * dot / vv
        for i in k..<rows { y[i] -= factor * v[i - k] }
      }
      rank = k + 1
    }
    var residual: Double = 0
    for i in rank..<rows { residual += y[i] * y[i] }
    // Back substitution on the leading rank×rank triangle.
    var z = [Double](repeating: 0, count: cols)
    for i in stride(from: rank - 1, through: 0, by: -1) {
      var sum = y[i]
      for j in (i + 1)..<rank { sum -= m[i * cols + j] * z[j] }
      z[i] = sum / m[i * cols + i]
    }
    var solution = [Double](repeating: 0, count: cols)
    for j in 0..<cols { solution[permutation[j]] = z[j] }
    return (residual, solution, rank)
  }

  /// Solves Ax = b for symmetric positive definite A (n×n) by Cholesky;
  /// nil when A is not numerically positive definite.
  static func choleskySolve(_ a: [Double], n: Int, _ b: [Double]) -> [Double]? {
    precondition(a.count == n * n && b.count == n)
    var l = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in 0...i {
        var sum = a[i * n + j]
        for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
        if i == j {
          guard sum > 0 else { return nil }
          l[i * n + i] = sum.squareRoot()
        } else {
          l[i * n + j] = sum / l[j * n + j]
        }
      }
    }
    var z = b
    for i in 0..<n {
      var sum = z[i]
      for k in 0..<i { sum -= l[i * n + k] * z[k] }
      z[i] = sum / l[i * n + i]
    }
    for i in stride(from: n - 1, through: 0, by: -1) {
      var sum = z[i]
      for k in (i + 1)..<n { sum -= l[k * n + i] * z[k] }
      z[i] = sum / l[i * n + i]
    }
    return z
  }
}

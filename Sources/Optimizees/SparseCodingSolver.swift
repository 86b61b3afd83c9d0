/// Reference solves of the sparse coding problems in Double, run once per
/// instance at sampling time to give r:
///
///     min_Γ F(Γ) = ½‖y − DΓ‖² + Ω(Γ).
///
/// The smooth part is handled through the Gram matrix G = DᵀD and c = Dᵀy
/// (∇s(Γ) = GΓ − c), so an iteration costs one n×n product.
struct SparseCodingSolver {
  /// How the reference solve treats Ω.
  enum Penalty {
    case l1(Double)
    case l0(Double)
    case group(Double, size: Int)
  }

  let dictionary: [Double]
  let signal: [Double]
  let rows: Int
  let cols: Int
  let penalty: Penalty
  /// L = ‖D‖₂², the Lipschitz constant of ∇s.
  let lipschitz: Double
  private let gram: [Double]
  private let correlation: [Double]

  /// The iteration cap of every solve.
  static let maximumIterations = 20_000
  /// Stop when the proximal-gradient step moves the iterate by less than this,
  /// relative to 1 + ‖Γ‖: a fixed point of Γ ↦ prox(Γ − ∇s(Γ)/L) is a
  /// minimiser (ℓ1, ℓ1,2) or a local minimiser (ℓ0).
  static let tolerance = 1e-13

  init(dictionary: [Double], signal: [Double], rows: Int, cols: Int, penalty: Penalty, lipschitz: Double) {
    self.dictionary = dictionary
    self.signal = signal
    self.rows = rows
    self.cols = cols
    self.penalty = penalty
    self.lipschitz = lipschitz
    self.gram = ReferenceAlgebra.gram(dictionary, rows: rows, cols: cols)
    self.correlation = ReferenceAlgebra.transposedProduct(dictionary, rows: rows, cols: cols, signal)
  }

  /// F(Γ), with the residual computed from D directly (no cancellation).
  func objective(_ code: [Double]) -> Double {
    let fit = ReferenceAlgebra.product(dictionary, rows: rows, cols: cols, code)
    var squares: Double = 0
    for i in 0..<rows {
      let r = signal[i] - fit[i]
      squares += r * r
    }
    return 0.5 * squares + penaltyValue(code)
  }

  func penaltyValue(_ code: [Double]) -> Double {
    switch penalty {
    case .l1(let lambda):
      return lambda * code.reduce(0) { $0 + abs($1) }
    case .l0(let lambda):
      return lambda * Double(code.lazy.filter { $0 != 0 }.count)
    case .group(let lambda, let size):
      var sum: Double = 0
      var start = 0
      while start < code.count {
        let end = min(start + size, code.count)
        var squares: Double = 0
        for i in start..<end { squares += code[i] * code[i] }
        sum += squares.squareRoot()
        start = end
      }
      return lambda * sum
    }
  }

  /// out ← prox_{Ω/L}(v) (soft, hard or block soft thresholding).
  func proximal(_ v: UnsafeMutableBufferPointer<Double>) {
    switch penalty {
    case .l1(let lambda):
      let threshold = lambda / lipschitz
      for i in 0..<v.count {
        let shrunk = abs(v[i]) - threshold
        v[i] = shrunk > 0 ? (v[i] > 0 ? shrunk : -shrunk) : 0
      }
    case .l0(let lambda):
      let threshold = (2 * lambda / lipschitz).squareRoot()
      for i in 0..<v.count where abs(v[i]) <= threshold { v[i] = 0 }
    case .group(let lambda, let size):
      let threshold = lambda / lipschitz
      var start = 0
      while start < v.count {
        let end = min(start + size, v.count)
        var squares: Double = 0
        for i in start..<end { squares += v[i] * v[i] }
        let norm = squares.squareRoot()
        let scale = norm > threshold ? 1 - threshold / norm : 0
        for i in start..<end { v[i] *= scale }
        start = end
      }
    }
  }

  /// The proximal-gradient map T(Γ) = prox_{Ω/L}(Γ − ∇s(Γ)/L); ‖T(Γ) − Γ‖ is
  /// the optimality residual tests check.
  func proximalGradientStep(_ code: [Double]) -> [Double] {
    var out = [Double](repeating: 0, count: cols)
    gram.withUnsafeBufferPointer { g in
      out.withUnsafeMutableBufferPointer { o in
        code.withUnsafeBufferPointer { x in
          step(from: x, gram: g, into: o)
        }
      }
    }
    return out
  }

  private func step(
    from x: UnsafeBufferPointer<Double>, gram g: UnsafeBufferPointer<Double>,
    into out: UnsafeMutableBufferPointer<Double>
  ) {
    let n = cols
    let inverse = 1 / lipschitz
    for i in 0..<n {
      var gradient = -correlation[i]
      let row = i * n
      for j in 0..<n { gradient += g[row + j] * x[j] }
      out[i] = x[i] - inverse * gradient
    }
    proximal(out)
  }

  /// The minimiser found by FISTA with adaptive (gradient) restart, as in
  /// O'Donoghue and Candès (2015): momentum is reset whenever it points
  /// against the latest step, which turns FISTA's O(1/k²) into the linear
  /// rate that the restricted strong convexity of these problems allows.
  /// Returns when the step falls below ``tolerance`` or after
  /// ``maximumIterations``.
  func fista() -> [Double] {
    let n = cols
    var x = [Double](repeating: 0, count: n)
    var z = x
    var next = x
    var t: Double = 1
    gram.withUnsafeBufferPointer { g in
      for _ in 0..<Self.maximumIterations {
        next.withUnsafeMutableBufferPointer { out in
          z.withUnsafeBufferPointer { step(from: $0, gram: g, into: out) }
        }
        var moved: Double = 0
        var size: Double = 0
        var restart: Double = 0
        for i in 0..<n {
          let d = next[i] - z[i]
          moved += d * d
          size += next[i] * next[i]
          restart += (z[i] - next[i]) * (next[i] - x[i])
        }
        if moved.squareRoot() <= Self.tolerance * (1 + size.squareRoot()) {
          x = next
          return
        }
        if restart > 0 { t = 1 }
        let tNext = (1 + (1 + 4 * t * t).squareRoot()) / 2
        let momentum = (t - 1) / tNext
        for i in 0..<n { z[i] = next[i] + momentum * (next[i] - x[i]) }
        swap(&x, &next)
        t = tNext
      }
    }
    return x
  }

  /// Iterative hard thresholding from `start`: Γ ← H(Γ − ∇s(Γ)/L), with H
  /// the hard threshold at √(2λ/L), monotone in F for the step 1/L.
  ///
  /// Once the support has been stable for a few iterations the iterate jumps
  /// to the least-squares fit on that support (which lowers s and cannot add
  /// nonzeros, so F can only fall); when that fit is a fixed point of the
  /// IHT map the solve is done. Plain IHT converges only linearly inside a support, and
  /// can take thousands of steps where this takes tens. ℓ0 is non-convex:
  /// the result is a local minimiser, an upper bound on the optimum.
  func iterativeHardThresholding(from start: [Double]) -> [Double] {
    let n = cols
    var x = start
    var next = x
    var stable = 0
    gram.withUnsafeBufferPointer { g in
      for _ in 0..<Self.maximumIterations {
        next.withUnsafeMutableBufferPointer { out in
          x.withUnsafeBufferPointer { step(from: $0, gram: g, into: out) }
        }
        var moved: Double = 0
        var size: Double = 0
        var sameSupport = true
        for i in 0..<n {
          let d = next[i] - x[i]
          moved += d * d
          size += next[i] * next[i]
          if (next[i] == 0) != (x[i] == 0) { sameSupport = false }
        }
        swap(&x, &next)
        if moved.squareRoot() <= Self.tolerance * (1 + size.squareRoot()) { break }
        stable = sameSupport ? stable + 1 : 0
        if stable >= 5, let fit = leastSquaresOnSupport(of: x), objective(fit) <= objective(x) {
          x = fit
          stable = 0
        }
      }
    }
    if let fit = leastSquaresOnSupport(of: x), objective(fit) < objective(x) { return fit }
    return x
  }

  /// argmin ½‖y − DΓ‖² over codes supported inside the support of `code`:
  /// the basic least-squares solution of pivoted QR on those columns, which
  /// has at most rank(D_S) ≤ m nonzeros — so when IHT has spread over more
  /// than m columns the fit also shrinks the support (nil for an empty
  /// support).
  private func leastSquaresOnSupport(of code: [Double]) -> [Double]? {
    let support = (0..<cols).filter { code[$0] != 0 }
    guard !support.isEmpty else { return nil }
    let k = support.count
    var columns = [Double](repeating: 0, count: rows * k)
    for r in 0..<rows {
      for (a, j) in support.enumerated() { columns[r * k + a] = dictionary[r * cols + j] }
    }
    let fit = ReferenceAlgebra.leastSquares(columns, rows: rows, cols: k, rhs: signal).solution
    var out = [Double](repeating: 0, count: cols)
    for (a, j) in support.enumerated() { out[j] = fit[a] }
    return out
  }
}

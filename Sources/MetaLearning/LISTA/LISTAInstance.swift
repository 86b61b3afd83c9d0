import Optimizees

/// One sparse coding problem prepared for LISTA's training unroll, in
/// Double: the Gram matrix G = DᵀD (n×n), b = Dᵀy and c = ½‖y‖², so that
///
///     s(x) = ½‖Dx − y‖² = ½ xᵀGx − bᵀx + c,   ∇s(x) = Gx − b,
///
/// and the unroll never touches the m×n dictionary again; plus L, r and the
/// penalty Ω.
public struct LISTAInstance: Sendable {
  /// n, the code length.
  public let dimension: Int
  /// G = DᵀD, row-major n×n (symmetric).
  public let gram: [Double]
  /// b = Dᵀy.
  public let correlation: [Double]
  /// c = ½‖y‖².
  public let constant: Double
  /// L = ‖D‖₂² (as the problem reports it).
  public let lipschitz: Double
  /// r, the problem's reference optimum of s + Ω.
  public let optimum: Double
  /// Ω.
  public let regularizer: Regularizer

  /// The instance of `problem`; nil when it has no Lipschitz constant or no
  /// positive optimum (relative errors need r > 0).
  public init?(_ problem: SparseCodingProblem) {
    guard let lipschitz = problem.smoothLipschitz, lipschitz > 0, problem.optimum > 0 else { return nil }
    let (m, n) = (problem.rows, problem.dimension)
    let d = problem.dictionary.map(Double.init)
    let y = problem.signal.map(Double.init)
    // Once per instance (n²m ≈ 60k multiply-adds at 25×50): plain loops.
    var gram = [Double](repeating: 0, count: n * n)
    var correlation = [Double](repeating: 0, count: n)
    for row in 0..<m {
      let base = row * n
      for i in 0..<n {
        let di = d[base + i]
        correlation[i] += di * y[row]
        for j in 0..<n { gram[i * n + j] += di * d[base + j] }
      }
    }
    self.gram = gram
    self.correlation = correlation
    constant = 0.5 * y.reduce(0) { $0 + $1 * $1 }
    dimension = n
    self.lipschitz = Double(lipschitz)
    optimum = Double(problem.optimum)
    regularizer = problem.regularizer
  }

  /// Ω(x) in Double.
  public func penalty(_ x: [Double]) -> Double {
    switch regularizer {
    case .none:
      return 0
    case .l1(let lambda):
      return Double(lambda) * x.reduce(0) { $0 + abs($1) }
    case .l0(let lambda):
      return Double(lambda) * Double(x.reduce(0) { $0 + ($1 != 0 ? 1 : 0) })
    case .groupL2(let lambda, let size):
      var sum = 0.0
      var start = 0
      while start < x.count {
        let end = min(start + size, x.count)
        var squares = 0.0
        for i in start..<end { squares += x[i] * x[i] }
        sum += squares.squareRoot()
        start = end
      }
      return Double(lambda) * sum
    }
  }

  /// G x, written into `out`.
  func multiplyGram(_ x: [Double], into out: inout [Double]) {
    let n = dimension
    gram.withUnsafeBufferPointer { g in
      x.withUnsafeBufferPointer { v in
        out.withUnsafeMutableBufferPointer { o in
          for i in 0..<n {
            var sum = 0.0
            let row = i * n
            for j in 0..<n { sum += g[row + j] * v[j] }
            o[i] = sum
          }
        }
      }
    }
  }
}

import LinearAlgebra

/// The L2L quadratic: `f(θ) = ‖Wθ − y‖²` with W (m×n) and y drawn i.i.d.
///
/// The loss is squared, as in DeepMind's `problems.quadratic` (its docstring
/// says ‖Wx − y‖ but the code squares it). The L2L paper draws W and y from
/// a standard Gaussian; DeepMind's code draws them uniformly on [0, 1): both
/// are available through ``Distribution``, Gaussian by default. θ₀ ~ N(0,
/// 0.01²) as in the code. W is square (m = n) unless `rows` says otherwise.
public struct QuadraticClass: ProblemClass {
  /// How W and y are drawn.
  public enum Distribution: String, CaseIterable, Sendable {
    /// Standard normal entries (the paper).
    case gaussian
    /// Uniform entries on [0, 1) (DeepMind's code).
    case uniform
  }

  /// n, the number of parameters.
  public let dimension: Int
  /// m, the number of rows of W (the length of y).
  public let rows: Int
  public let distribution: Distribution

  public init(dimension: Int = 10, rows: Int? = nil, distribution: Distribution = .gaussian) {
    precondition(dimension >= 1 && (rows ?? dimension) >= 1)
    self.dimension = dimension
    self.rows = rows ?? dimension
    self.distribution = distribution
  }

  /// The options the class accepts.
  static let optionNames = ["distribution", "m", "n"]

  /// Options: `n` (parameters, default 10), `m` (rows of W, default n),
  /// `distribution` (`gaussian` or `uniform`).
  init(options: [String: String]) throws(ProblemError) {
    let reader = try OptionReader(
      problem: Self.profile.name, options: options, valid: Self.optionNames)
    let n = try reader.integer("n", default: 10, in: 1...100_000)
    let m = try reader.integer("m", default: n, in: 1...100_000)
    try reader.requireElements(m, "m", n, "n")
    self.init(
      dimension: n, rows: m,
      distribution: try reader.choice("distribution", default: Distribution.gaussian))
  }

  /// Raw gradients and scale 1 on quadratics, and 128 problems per
  /// meta-batch, as DeepMind's learning-to-learn code (`util.py`).
  public static let profile = ProblemProfile(
    name: "quadratic",
    summary: "‖Wθ − y‖², W 10×10 and y Gaussian (the L2L paper; uniform: DeepMind's code)",
    optionNames: optionNames, knowsLipschitz: true,
    learnedDefaults: LearnedDefaults(preprocessing: "none", outputScale: 1),
    metaTrainingDefaults: MetaTrainingDefaults(batch: 128),
    estimate: { options in
      let n = options.estimateInteger("n", 10), m = options.estimateInteger("m", Int(n))
      return ProblemCost(dimension: n, gradientFlops: 4 * m * n)
    },
    build: { options, _ throws(ProblemError) in try QuadraticClass(options: options) })

  public var profile: ProblemProfile { Self.profile }

  public var summary: String {
    let shape = rows == dimension ? "\(dimension)×\(dimension)" : "\(rows)×\(dimension)"
    let law = distribution == .gaussian ? "Gaussian (the L2L paper)" : "uniform on [0,1) (DeepMind's code)"
    return "‖Wθ − y‖², W \(shape) and y \(law)"
  }

  /// `quadratic(distribution=…,n=…)`, with `m=…` only when W is not square.
  public var configurationKey: String {
    var pairs = [("distribution", distribution.rawValue), ("n", String(dimension))]
    if rows != dimension { pairs.append(("m", String(rows))) }
    return ConfigurationKey.make(name, pairs)
  }

  /// The instance for `seed`: W and y from the data stream, θ₀ from the
  /// start stream; r and L computed in Double.
  public func instance(seed: UInt64) -> QuadraticProblem {
    var data = RandomSource(seed: seed, .data)
    let draw: (inout RandomSource) -> Float =
      distribution == .gaussian ? { $0.gaussian() } : { $0.uniform() }
    let matrix = (0..<(rows * dimension)).map { _ in draw(&data) }
    let target = (0..<rows).map { _ in draw(&data) }
    var start = RandomSource(seed: seed, .start)
    let theta0 = start.gaussianArray(count: dimension, standardDeviation: 0.01)

    let w = matrix.map(Double.init)
    let solve = ReferenceAlgebra.leastSquares(
      w, rows: rows, cols: dimension, rhs: target.map(Double.init))
    let lipschitz = 2 * ReferenceAlgebra.spectralNormSquared(w, rows: rows, cols: dimension)
    return QuadraticProblem(
      matrix: matrix, target: target, rows: rows, initialParameters: theta0,
      optimum: Float(solve.residual), smoothLipschitz: Float(lipschitz * (1 + 1e-6)))
  }

  public func sample(seed: UInt64) -> any Problem { instance(seed: seed) }
}

/// One quadratic `‖Wθ − y‖²`; its gradient is `2Wᵀ(Wθ − y)`.
public struct QuadraticProblem: Problem {
  /// W, row-major m×n.
  public let matrix: [Float]
  /// y, length m.
  public let target: [Float]
  /// m.
  public let rows: Int
  public let dimension: Int
  public let initialParameters: [Float]
  /// The least-squares residual min ‖Wθ − y‖², from a pivoted QR solve in
  /// Double (0 up to rounding for square non-singular W).
  public let optimum: Float
  /// 2‖W‖₂² (rounded up by one part in 10⁶ so that 1/L steps stay safe in
  /// Float).
  public let smoothLipschitz: Float?
  public var regularizer: Regularizer { .none }

  /// Wθ − y, overwritten by every evaluation.
  private var residual: [Float]

  public init(
    matrix: [Float], target: [Float], rows: Int, initialParameters: [Float],
    optimum: Float, smoothLipschitz: Float?
  ) {
    precondition(rows >= 1 && target.count == rows && matrix.count == rows * initialParameters.count)
    self.matrix = matrix
    self.target = target
    self.rows = rows
    self.dimension = initialParameters.count
    self.initialParameters = initialParameters
    self.optimum = optimum
    self.smoothLipschitz = smoothLipschitz
    self.residual = target
  }

  public mutating func smoothLoss(
    at theta: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>?
  ) -> Float {
    precondition(theta.count == dimension)
    return matrix.withUnsafeBufferPointer { a in
      target.withUnsafeBufferPointer { y in
        residual.withUnsafeMutableBufferPointer { r in
          LeastSquaresTerm.evaluate(
            matrix: a, target: y, residual: r, rows: rows, columns: dimension, scale: 1, theta: theta,
            gradient: gradient)
        }
      }
    }
  }
}

import LinearAlgebra

/// Rosenbrock's banana valley `f(x, y) = (a − x)² + b(y − x²)²`, a = 1,
/// b = 100 by default: a curved, badly conditioned valley whose floor leads
/// slowly to the minimum f(a, a²) = 0. Every instance is the same function;
/// the seed only jitters the classic start (−1.5, 2) by N(0, σ²) per
/// coordinate (σ = `jitter`, 0.1 by default), so that races average over
/// nearby starts instead of one trajectory.
public struct RosenbrockClass: ProblemClass {
  public let a: Float
  public let b: Float
  /// σ of the Gaussian jitter of the start.
  public let jitter: Float

  public init(a: Float = 1, b: Float = 100, jitter: Float = 0.1) {
    precondition(b > 0 && jitter >= 0)
    self.a = a
    self.b = b
    self.jitter = jitter
  }

  /// The options the class accepts.
  static let optionNames = ["a", "b", "jitter"]

  /// Options: `a` (default 1), `b` (> 0, default 100), `jitter` (≥ 0, default 0.1).
  init(options: [String: String]) throws(ProblemError) {
    let reader = try OptionReader(problem: Self.profile.name, options: options, valid: Self.optionNames)
    self.init(
      a: try reader.real("a", default: 1, expected: "a real number") { _ in true },
      b: try reader.real("b", default: 100, expected: "a real number > 0") { $0 > 0 },
      jitter: try reader.real("jitter", default: 0.1, expected: "a real number ≥ 0") { $0 >= 0 })
  }

  /// LogAndSign features (k = 5) and a scale of 0.01 suited to the
  /// valley's gradients; 16 problems per meta-batch.
  public static let profile = ProblemProfile(
    name: "rosenbrock",
    summary: "(1 − x)² + 100(y − x²)², the 2-D banana valley from a jittered (−1.5, 2)",
    optionNames: optionNames,
    learnedDefaults: LearnedDefaults(preprocessing: "log-sign:5", outputScale: 0.01),
    metaTrainingDefaults: MetaTrainingDefaults(batch: 16),
    estimate: { _ in ProblemCost(dimension: 2, gradientFlops: 40) },
    build: { options, _ throws(ProblemError) in try RosenbrockClass(options: options) })

  public var profile: ProblemProfile { Self.profile }

  public var summary: String {
    "(\(ConfigurationKey.format(a)) − x)² + \(ConfigurationKey.format(b))(y − x²)², the 2-D banana valley"
      + " from (−1.5, 2) ± \(ConfigurationKey.format(jitter))"
  }

  public var configurationKey: String {
    ConfigurationKey.make(
      name,
      [
        ("a", ConfigurationKey.format(a)), ("b", ConfigurationKey.format(b)),
        ("jitter", ConfigurationKey.format(jitter)),
      ])
  }

  public func instance(seed: UInt64) -> RosenbrockProblem {
    var start = RandomSource(seed: seed, .start)
    let x = -1.5 + jitter * start.gaussian()
    let y = 2 + jitter * start.gaussian()
    return RosenbrockProblem(a: a, b: b, initialParameters: [x, y])
  }

  public func sample(seed: UInt64) -> any Problem { instance(seed: seed) }
}

/// One Rosenbrock instance; the gradient is
/// `(−2(a − x) − 4bx(y − x²), 2b(y − x²))` and the optimum 0 at (a, a²).
public struct RosenbrockProblem: Problem {
  public let a: Float
  public let b: Float
  public let initialParameters: [Float]
  public var dimension: Int { 2 }
  public var optimum: Float { 0 }
  public var regularizer: Regularizer { .none }

  public init(a: Float, b: Float, initialParameters: [Float]) {
    precondition(initialParameters.count == 2)
    self.a = a
    self.b = b
    self.initialParameters = initialParameters
  }

  public mutating func smoothLoss(
    at theta: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>?
  ) -> Float {
    precondition(theta.count == 2)
    let (x, y) = (theta[0], theta[1])
    let offset = a - x
    let valley = y - x * x
    if let gradient {
      gradient[0] = -2 * offset - 4 * b * x * valley
      gradient[1] = 2 * b * valley
    }
    return offset * offset + b * valley * valley
  }
}

import Libm
import LinearAlgebra

/// Logistic regression on a random, nearly linearly separable data set.
///
/// Each instance draws N points x_i ~ N(0, I_d) (N = `points`, 100; d =
/// `features`, 20), a true weight vector w* ~ N(0, I_d), and labels
/// y_i = [x_i·w* > 0], each flipped with probability `noise` (0.05). The
/// smooth loss is the mean cross-entropy plus a small ridge term,
///
///     s(θ) = (1/N) Σ_i [log(1 + e^{x_i·θ}) − y_i x_i·θ] + (μ/2)‖θ‖²,
///
/// with μ = `l2` = 10⁻³. Without the ridge term the optimum of separable data
/// lies at infinity; with it the problem is μ-strongly convex, its minimiser
/// is finite, and r is found by Newton's method in Double at sampling time.
/// There is no intercept: θ has d coordinates. θ₀ ~ N(0, 0.01²).
public struct LogisticRegressionClass: ProblemClass {
  public let features: Int
  public let points: Int
  /// The probability that a label is flipped.
  public let noise: Float
  /// μ, the weight of the ridge term (μ/2)‖θ‖².
  public let ridge: Float

  public init(features: Int = 20, points: Int = 100, noise: Float = 0.05, ridge: Float = 1e-3) {
    precondition(features >= 1 && points >= 1 && (0...0.5).contains(noise) && ridge > 0)
    self.features = features
    self.points = points
    self.noise = noise
    self.ridge = ridge
  }

  /// The options the class accepts.
  static let optionNames = ["features", "l2", "noise", "points"]

  /// Options: `features` (20), `points` (100), `noise` (label-flip
  /// probability in [0, 0.5], 0.05), `l2` (μ > 0, 0.001).
  init(options: [String: String]) throws(ProblemError) {
    let reader = try OptionReader(
      problem: Self.profile.name, options: options, valid: Self.optionNames)
    let features = try reader.integer("features", default: 20, in: 1...100_000)
    let points = try reader.integer("points", default: 100, in: 1...1_000_000)
    try reader.requireElements(points, "points", features, "features")
    self.init(
      features: features,
      points: points,
      noise: try reader.real("noise", default: 0.05, expected: "a probability in [0, 0.5]") {
        (0...0.5).contains($0)
      },
      ridge: try reader.real("l2", default: 1e-3, expected: "a real number > 0") { $0 > 0 })
  }

  /// LogAndSign features (k = 5) and a scale of 0.1 suited to the
  /// loss's gradients; 16 problems per meta-batch.
  public static let profile = ProblemProfile(
    name: "logistic",
    summary: "ridge-regularised logistic regression, 20 features, 100 noisy separable points",
    optionNames: optionNames, knowsLipschitz: true,
    learnedDefaults: LearnedDefaults(preprocessing: "log-sign:5", outputScale: 0.1),
    metaTrainingDefaults: MetaTrainingDefaults(batch: 16),
    estimate: { options in
      let d = options.estimateInteger("features", 20), points = options.estimateInteger("points", 100)
      return ProblemCost(dimension: d, gradientFlops: 4 * points * d)
    },
    build: { options, _ throws(ProblemError) in try LogisticRegressionClass(options: options) })

  public var profile: ProblemProfile { Self.profile }

  public var summary: String {
    let flipped = ConfigurationKey.format(noise * 100)
    return "logistic regression, \(features) features, \(points) points with \(flipped)%"
      + " flipped labels, ridge \(ConfigurationKey.format(ridge))/2‖θ‖²"
  }

  public var configurationKey: String {
    ConfigurationKey.make(
      name,
      [
        ("features", String(features)), ("points", String(points)),
        ("noise", ConfigurationKey.format(noise)), ("l2", ConfigurationKey.format(ridge)),
      ])
  }

  public func instance(seed: UInt64) -> LogisticRegressionProblem {
    var data = RandomSource(seed: seed, .data)
    let inputs = data.gaussianArray(count: points * features)
    let truth = data.gaussianArray(count: features)
    var labels = [Float](repeating: 0, count: points)
    for i in 0..<points {
      var margin: Float = 0
      for j in 0..<features { margin += inputs[i * features + j] * truth[j] }
      let label: Float = margin > 0 ? 1 : 0
      labels[i] = data.uniform() < noise ? 1 - label : label
    }
    var start = RandomSource(seed: seed, .start)
    let theta0 = start.gaussianArray(count: features, standardDeviation: 0.01)

    let x = inputs.map(Double.init)
    let lipschitz =
      ReferenceAlgebra.spectralNormSquared(x, rows: points, cols: features) / (4 * Double(points))
      + Double(ridge)
    let newton = LogisticNewton(
      inputs: x, labels: labels.map(Double.init), points: points, features: features,
      ridge: Double(ridge))
    let (solution, optimum) = newton.minimise()
    return LogisticRegressionProblem(
      inputs: inputs, labels: labels, ridge: ridge, initialParameters: theta0,
      optimum: Float(optimum), solution: solution.map { Float($0) },
      smoothLipschitz: Float(lipschitz * (1 + 1e-6)))
  }

  public func sample(seed: UInt64) -> any Problem { instance(seed: seed) }
}

/// One logistic regression instance. ∇s(θ) = (1/N) Xᵀ(σ(Xθ) − y) + μθ.
public struct LogisticRegressionProblem: Problem {
  /// X, row-major N×d.
  public let inputs: [Float]
  /// y ∈ {0, 1}ᴺ.
  public let labels: [Float]
  /// μ.
  public let ridge: Float
  public let points: Int
  public let dimension: Int
  public let initialParameters: [Float]
  /// s(θ*) from a damped Newton solve in Double.
  public let optimum: Float
  /// θ*, the Newton minimiser (rounded to Float).
  public let solution: [Float]
  /// λ_max(XᵀX)/(4N) + μ, since σ′ ≤ 1/4.
  public let smoothLipschitz: Float?
  public var regularizer: Regularizer { .none }

  /// Xθ, then σ(Xθ) − y: overwritten by every evaluation.
  private var scratch: [Float]

  public init(
    inputs: [Float], labels: [Float], ridge: Float, initialParameters: [Float],
    optimum: Float, solution: [Float], smoothLipschitz: Float?
  ) {
    precondition(!labels.isEmpty && inputs.count == labels.count * initialParameters.count)
    self.inputs = inputs
    self.labels = labels
    self.ridge = ridge
    self.points = labels.count
    self.dimension = initialParameters.count
    self.initialParameters = initialParameters
    self.optimum = optimum
    self.solution = solution
    self.smoothLipschitz = smoothLipschitz
    self.scratch = labels
  }

  public mutating func smoothLoss(
    at theta: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>?
  ) -> Float {
    precondition(theta.count == dimension)
    let (n, d, mu) = (points, dimension, ridge)
    return inputs.withUnsafeBufferPointer { x in
      labels.withUnsafeBufferPointer { y in
        scratch.withUnsafeMutableBufferPointer { z in
          guard let xp = x.baseAddress, let tp = theta.baseAddress, let zp = z.baseAddress else { return 0 }
          BLAS.gemv(m: n, n: d, a: xp, x: tp, y: zp)
          var sum: Float = 0
          for i in 0..<n {
            let margin = zp[i]
            let e = Libm.exp(-abs(margin))
            sum += max(margin, 0) + Libm.log1p(e) - y[i] * margin
            let probability = margin >= 0 ? 1 / (1 + e) : e / (1 + e)
            zp[i] = probability - y[i]
          }
          var squares: Float = 0
          for j in 0..<d { squares += theta[j] * theta[j] }
          if let g = gradient?.baseAddress {
            BLAS.gemv(.transposed, m: n, n: d, alpha: 1 / Float(n), a: xp, x: zp, y: g)
            for j in 0..<d { g[j] += mu * theta[j] }
          }
          return sum / Float(n) + 0.5 * mu * squares
        }
      }
    }
  }
}

/// Damped Newton's method in Double for the ridge-regularised logistic loss:
/// quadratic convergence near the optimum, a backtracking (Armijo) line search
/// far from it, where nearly separable data make full steps overshoot.
struct LogisticNewton {
  let inputs: [Double]
  let labels: [Double]
  let points: Int
  let features: Int
  let ridge: Double

  func loss(_ theta: [Double]) -> Double {
    let margins = ReferenceAlgebra.product(inputs, rows: points, cols: features, theta)
    var sum: Double = 0
    for i in 0..<points {
      let z = margins[i]
      sum += max(z, 0) + Libm.log1p(Libm.exp(-abs(z))) - labels[i] * z
    }
    var squares: Double = 0
    for v in theta { squares += v * v }
    return sum / Double(points) + 0.5 * ridge * squares
  }

  /// The minimiser and the minimum.
  func minimise() -> (solution: [Double], value: Double) {
    let (n, d) = (points, features)
    var theta = [Double](repeating: 0, count: d)
    var value = loss(theta)
    for _ in 0..<200 {
      let margins = ReferenceAlgebra.product(inputs, rows: n, cols: d, theta)
      var residual = [Double](repeating: 0, count: n)
      var hessian = [Double](repeating: 0, count: d * d)
      for i in 0..<n {
        let p = 1 / (1 + Libm.exp(-margins[i]))
        residual[i] = (p - labels[i]) / Double(n)
        let weight = p * (1 - p) / Double(n)
        for a in 0..<d {
          let xa = inputs[i * d + a] * weight
          for b in a..<d { hessian[a * d + b] += xa * inputs[i * d + b] }
        }
      }
      var gradient = ReferenceAlgebra.transposedProduct(inputs, rows: n, cols: d, residual)
      for a in 0..<d {
        gradient[a] += ridge * theta[a]
        hessian[a * d + a] += ridge
        for b in 0..<a { hessian[a * d + b] = hessian[b * d + a] }
      }
      guard let step = ReferenceAlgebra.choleskySolve(hessian, n: d, gradient) else { break }
      var decrement: Double = 0
      for a in 0..<d { decrement += gradient[a] * step[a] }
      if decrement < 1e-28 { break }
      var t: Double = 1
      var candidate = theta
      var candidateValue = value
      while t > 1e-12 {
        for a in 0..<d { candidate[a] = theta[a] - t * step[a] }
        candidateValue = loss(candidate)
        if candidateValue <= value - 1e-4 * t * decrement { break }
        t /= 2
      }
      if candidateValue >= value { break }
      theta = candidate
      value = candidateValue
    }
    return (theta, value)
  }
}

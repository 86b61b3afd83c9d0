import LinearAlgebra

/// Sparse coding: recover a sparse code Γ from a signal y = DΓ* (+ noise)
/// by minimising
///
///     F(Γ) = s(Γ) + Ω(Γ),   s(Γ) = ½‖y − DΓ‖²,
///
/// with one of three penalties — the problem classes `lasso`
/// (Ω = λ‖Γ‖₁, soft thresholding), `sparse-l0` (Ω = λ‖Γ‖₀, hard
/// thresholding; non-convex) and `group-lasso` (Ω = λ Σ_g ‖Γ_g‖₂ over
/// consecutive groups, block soft thresholding).
///
/// Each instance draws D (m×n, 25×50) with N(0, 1) entries and normalises
/// its columns to unit norm, as in the LISTA/Open-L2O setting; a true code
/// Γ* with a fraction `sparsity` (10%) of nonzero N(0, 1) entries — whole
/// groups for `group-lasso` — and y = DΓ* + σ·N(0, I) with σ = `noise`
/// (0). θ₀ = 0. Default λ: 0.005 for ℓ1 (Open-L2O's `commands.sh`), 0.005 for
/// ℓ0 (a hard threshold √(2λ/L) ≈ 0.04 with unit-norm columns, well below the
/// typical |Γ*ᵢ|), 0.01 for ℓ1,2 (a group is about √5 times the size of an
/// entry, so twice the ℓ1 weight shrinks comparably).
///
/// r is a high-precision reference solve in Double made at sampling time
/// (``SparseCodingSolver``): FISTA with adaptive restart run until the
/// proximal-gradient step is below 10⁻¹³ (relative) or 20,000 iterations for
/// ℓ1 and ℓ1,2; for ℓ0, the best of iterative hard thresholding from 0 and
/// from Γ* (each polished by a least-squares fit on its support) and Γ*
/// itself — an estimate, an upper bound on the true optimum, since ℓ0
/// minimisation is NP-hard in general.
public struct SparseCodingClass: ProblemClass {
  /// The penalty Ω, which names the problem class.
  public enum Penalty: String, CaseIterable, Sendable {
    case l1 = "lasso"
    case l0 = "sparse-l0"
    case group = "group-lasso"

    /// The class of this penalty.
    ///
    /// Learned optimizers get LogAndSign features (k = 5) and an output
    /// scale large enough to leave θ₀ = 0: every step ends with a prox that
    /// zeroes small coordinates, and if the freshly initialised optimizer's
    /// steps (about 0.01·scale) all fall below the threshold, θ stays at 0
    /// and the prox's zero Jacobian leaves no meta-gradient. Measured
    /// (docs/proximal.md): `lasso` and `group-lasso` (thresholds λ/L ≈ 0.001
    /// and 0.002) learn with scale 0.3 but not with 0.1; `sparse-l0` (hard
    /// threshold √(2λ/L) ≈ 0.04) learns with scale 10 but not with 3.
    /// Meta-batches of 32 with a meta learning rate of 3·10⁻³ (measured on
    /// `lasso`, loss-sum, 1,000 meta-iterations: validation loss 0.027
    /// against 0.035 with batch 16 and 10⁻³).
    public var profile: ProblemProfile {
      switch self {
      case .l1: Self.profiles[0]
      case .l0: Self.profiles[1]
      case .group: Self.profiles[2]
      }
    }

    private static let profiles: [ProblemProfile] = allCases.map { penalty in
      let summary =
        switch penalty {
        case .l1: "½‖y − DΓ‖² + λ‖Γ‖₁, sparse coding with D 25×50, λ = 0.005 (prox: soft thresholding)"
        case .l0: "½‖y − DΓ‖² + λ‖Γ‖₀, D 25×50, λ = 0.005 (prox: hard thresholding, non-convex)"
        case .group: "½‖y − DΓ‖² + λ Σ_g ‖Γ_g‖₂, groups of 5, λ = 0.01 (prox: block soft thresholding)"
        }
      return ProblemProfile(
        name: penalty.rawValue, summary: summary, optionNames: SparseCodingClass.optionNames(penalty),
        isComposite: true, knowsLipschitz: true,
        learnedDefaults: LearnedDefaults(preprocessing: "log-sign:5", outputScale: penalty == .l0 ? 10 : 0.3),
        metaTrainingDefaults: MetaTrainingDefaults(batch: 32, learningRate: 3e-3),
        estimate: { options in
          let n = options.estimateInteger("n", 50), m = options.estimateInteger("m", 25)
          // The reference solve: up to 20,000 proximal-gradient steps.
          return ProblemCost(dimension: n, gradientFlops: 4 * m * n, samplingFlops: 20_000 * 4 * m * n)
        },
        build: { options, _ throws(ProblemError) in try SparseCodingClass(penalty: penalty, options: options) })
    }

    /// The default λ of each class (see the type's discussion).
    public var defaultLambda: Float {
      switch self {
      case .l1: 0.005
      case .l0: 0.005
      case .group: 0.01
      }
    }
  }

  public let penalty: Penalty
  /// m, the signal length (rows of D).
  public let rows: Int
  /// n, the code length (columns of D), the number of parameters.
  public let dimension: Int
  /// The fraction of nonzero entries (or of active groups) of Γ*.
  public let sparsity: Float
  /// σ of the Gaussian noise added to y.
  public let noise: Float
  public let lambda: Float
  /// The group size of `group-lasso` (1 for the other penalties).
  public let groupSize: Int

  public init(
    penalty: Penalty, rows: Int = 25, dimension: Int = 50, sparsity: Float = 0.1,
    noise: Float = 0, lambda: Float? = nil, groupSize: Int = 5
  ) {
    precondition(rows >= 1 && dimension >= 1 && sparsity > 0 && sparsity <= 1 && noise >= 0)
    precondition(penalty != .group || (groupSize >= 1 && dimension % groupSize == 0))
    self.penalty = penalty
    self.rows = rows
    self.dimension = dimension
    self.sparsity = sparsity
    self.noise = noise
    self.lambda = lambda ?? penalty.defaultLambda
    self.groupSize = penalty == .group ? groupSize : 1
  }

  /// The options of each penalty's class, sorted.
  static func optionNames(_ penalty: Penalty) -> [String] {
    penalty == .group
      ? ["group", "lambda", "m", "n", "noise", "sparsity"] : ["lambda", "m", "n", "noise", "sparsity"]
  }

  /// Options: `m` (25), `n` (50), `sparsity` in (0, 1] (0.1), `noise` ≥ 0
  /// (0), `lambda` ≥ 0 (per penalty), and for `group-lasso` `group`, a
  /// divisor of n (5).
  init(penalty: Penalty, options: [String: String]) throws(ProblemError) {
    let problem = penalty.rawValue
    let reader = try OptionReader(problem: problem, options: options, valid: Self.optionNames(penalty))
    let n = try reader.integer("n", default: 50, in: 1...100_000)
    var group = 5
    if penalty == .group {
      group = try reader.integer("group", default: 5, in: 1...n)
      guard n % group == 0 else {
        throw .invalidOption(
          problem: problem, option: "group", value: options["group"] ?? String(group),
          expected: "a divisor of n = \(n)")
      }
    }
    let rows = try reader.integer("m", default: 25, in: 1...100_000)
    try reader.requireElements(rows, "m", n, "n")
    self.init(
      penalty: penalty,
      rows: rows,
      dimension: n,
      sparsity: try reader.real("sparsity", default: 0.1, expected: "a fraction in (0, 1]") {
        $0 > 0 && $0 <= 1
      },
      noise: try reader.real("noise", default: 0, expected: "a real number ≥ 0") { $0 >= 0 },
      lambda: try reader.real("lambda", default: penalty.defaultLambda, expected: "a real number ≥ 0") {
        $0 >= 0
      },
      groupSize: group)
  }

  public var profile: ProblemProfile { penalty.profile }

  public var summary: String {
    let omega =
      switch penalty {
      case .l1: "λ‖Γ‖₁ (soft thresholding)"
      case .l0: "λ‖Γ‖₀ (hard thresholding, non-convex)"
      case .group: "λ Σ_g ‖Γ_g‖₂, groups of \(groupSize) (block soft thresholding)"
      }
    return "½‖y − DΓ‖² + \(omega), D \(rows)×\(dimension), λ = \(ConfigurationKey.format(lambda))"
  }

  public var configurationKey: String {
    var pairs = [
      ("lambda", ConfigurationKey.format(lambda)), ("m", String(rows)), ("n", String(dimension)),
      ("noise", ConfigurationKey.format(noise)), ("sparsity", ConfigurationKey.format(sparsity)),
    ]
    if penalty == .group { pairs.append(("group", String(groupSize))) }
    return ConfigurationKey.make(name, pairs)
  }

  /// Ω as the optimizers see it.
  public var regularizer: Regularizer {
    switch penalty {
    case .l1: .l1(lambda: lambda)
    case .l0: .l0(lambda: lambda)
    case .group: .groupL2(lambda: lambda, groupSize: groupSize)
    }
  }

  public func instance(seed: UInt64) -> SparseCodingProblem {
    let (m, n) = (rows, dimension)
    var data = RandomSource(seed: seed, .data)
    var dictionary = data.gaussianArray(count: m * n)
    for j in 0..<n {
      var squares: Double = 0
      for i in 0..<m { squares += Double(dictionary[i * n + j]) * Double(dictionary[i * n + j]) }
      let scale = Float(1 / squares.squareRoot())
      for i in 0..<m { dictionary[i * n + j] *= scale }
    }

    var code = [Float](repeating: 0, count: n)
    let units = n / groupSize
    let active = min(units, max(1, Int((sparsity * Float(units)).rounded())))
    // A partial Fisher–Yates shuffle picks `active` distinct units.
    var order = Array(0..<units)
    for k in 0..<active {
      order.swapAt(k, k + data.index(below: units - k))
      let first = order[k] * groupSize
      for i in first..<(first + groupSize) { code[i] = data.gaussian() }
    }
    var signal = BLAS.matmul(dictionary, code, m: m, n: 1, k: n)
    if noise > 0 {
      for i in 0..<m { signal[i] += noise * data.gaussian() }
    }

    let d = dictionary.map(Double.init)
    let lipschitz = ReferenceAlgebra.spectralNormSquared(d, rows: m, cols: n)
    let lambda = Double(self.lambda)
    let solverPenalty: SparseCodingSolver.Penalty =
      switch penalty {
      case .l1: .l1(lambda)
      case .l0: .l0(lambda)
      case .group: .group(lambda, size: groupSize)
      }
    let solver = SparseCodingSolver(
      dictionary: d, signal: signal.map(Double.init), rows: m, cols: n, penalty: solverPenalty,
      lipschitz: lipschitz)
    let truth = code.map(Double.init)
    var solution: [Double]
    if penalty == .l0 {
      // The best of IHT from 0, IHT from Γ* (with noise, Γ* itself is not a
      // fixed point: the least-squares fit on its support is lower) and Γ*.
      let zero = [Double](repeating: 0, count: n)
      let candidates = [
        solver.iterativeHardThresholding(from: zero), solver.iterativeHardThresholding(from: truth), truth,
      ]
      solution = candidates.min { solver.objective($0) < solver.objective($1) } ?? truth
    } else {
      solution = solver.fista()
    }
    let optimum = solver.objective(solution)
    return SparseCodingProblem(
      dictionary: dictionary, signal: signal, trueCode: code, solution: solution.map { Float($0) },
      regularizer: regularizer, optimum: Float(optimum), smoothLipschitz: Float(lipschitz * (1 + 1e-6)))
  }

  public func sample(seed: UInt64) -> any Problem { instance(seed: seed) }
}

/// One sparse coding instance: s(Γ) = ½‖y − DΓ‖², ∇s(Γ) = Dᵀ(DΓ − y), with
/// Ω given by ``regularizer``.
public struct SparseCodingProblem: Problem {
  /// D, row-major m×n with unit-norm columns.
  public let dictionary: [Float]
  /// y, length m.
  public let signal: [Float]
  /// Γ*, the code y was generated from.
  public let trueCode: [Float]
  /// The reference minimiser behind ``optimum`` (rounded to Float).
  public let solution: [Float]
  public let regularizer: Regularizer
  /// F at the reference minimiser, in Double then rounded.
  public let optimum: Float
  /// ‖D‖₂², rounded up by one part in 10⁶.
  public let smoothLipschitz: Float?
  public let rows: Int
  public let dimension: Int
  /// θ₀ = 0: every sparse coding solver starts from the empty code.
  public var initialParameters: [Float] { [Float](repeating: 0, count: dimension) }

  /// DΓ − y, overwritten by every evaluation.
  private var residual: [Float]

  public init(
    dictionary: [Float], signal: [Float], trueCode: [Float], solution: [Float],
    regularizer: Regularizer, optimum: Float, smoothLipschitz: Float?
  ) {
    precondition(!signal.isEmpty && dictionary.count == signal.count * trueCode.count)
    precondition(solution.count == trueCode.count)
    self.dictionary = dictionary
    self.signal = signal
    self.trueCode = trueCode
    self.solution = solution
    self.regularizer = regularizer
    self.optimum = optimum
    self.smoothLipschitz = smoothLipschitz
    self.rows = signal.count
    self.dimension = trueCode.count
    self.residual = signal
  }

  public mutating func smoothLoss(
    at theta: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>?
  ) -> Float {
    precondition(theta.count == dimension)
    return dictionary.withUnsafeBufferPointer { a in
      signal.withUnsafeBufferPointer { y in
        residual.withUnsafeMutableBufferPointer { r in
          LeastSquaresTerm.evaluate(
            matrix: a, target: y, residual: r, rows: rows, columns: dimension, scale: 0.5, theta: theta,
            gradient: gradient)
        }
      }
    }
  }
}

import LinearAlgebra
import Testing

@testable import Optimizees

/// r, the reported optimum, against independent checks: closed forms,
/// normal equations, optimality conditions in Double.
@Suite struct OptimumTests {
  // MARK: Quadratic

  @Test(arguments: ["gaussian", "uniform"])
  func squareQuadraticsHaveZeroOptimum(_ distribution: String) throws {
    let problemClass = try ProblemCatalog.make("quadratic", options: ["distribution": distribution])
    for seed: UInt64 in 1...5 {
      let problem = problemClass.sample(seed: seed)
      #expect(problem.optimum >= 0 && problem.optimum < 1e-8, "seed \(seed): r = \(problem.optimum)")
    }
  }

  /// A tall W (more equations than unknowns) has a positive residual, which
  /// must equal the one from the normal equations WᵀWθ = Wᵀy solved by
  /// Cholesky — a different algorithm from the pivoted QR behind r.
  @Test(arguments: [(15, 8), (30, 10), (11, 10)])
  func rectangularQuadraticMatchesNormalEquations(rows: Int, cols: Int) throws {
    let problemClass = QuadraticClass(dimension: cols, rows: rows)
    for seed: UInt64 in 1...3 {
      let problem = problemClass.instance(seed: seed)
      let w = problem.matrix.asDouble
      let y = problem.target.asDouble
      let gram = ReferenceAlgebra.gram(w, rows: rows, cols: cols)
      let rhs = ReferenceAlgebra.transposedProduct(w, rows: rows, cols: cols, y)
      let theta = try #require(ReferenceAlgebra.choleskySolve(gram, n: cols, rhs))
      let fit = ReferenceAlgebra.product(w, rows: rows, cols: cols, theta)
      let residual = zip(fit, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
      #expect(residual > 1e-3)
      #expect(abs(Double(problem.optimum) - residual) <= 1e-6 * residual, "seed \(seed)")
      // Evaluated in Float at the minimiser, the loss agrees with r.
      let atMinimum = Evaluate.smooth(problem, at: theta.map { Float($0) })
      #expect(abs(Double(atMinimum) - residual) <= 1e-4 * residual)
    }
  }

  @Test func wideQuadraticHasZeroOptimum() {
    let problem = QuadraticClass(dimension: 10, rows: 4).instance(seed: 2)
    #expect(problem.optimum >= 0 && problem.optimum < 1e-8)
  }

  @Test func singularQuadraticHasThePositiveResidualOfItsRange() {
    // W with two equal columns and y outside its range: r is the squared
    // distance from y to range(W), computed by hand.
    // W = [[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 0, 0]], y = (1, 3, 5, 2):
    // range(W) = span{(1,1,0,0), (0,0,1,0)}; projection (2, 2, 5, 0);
    // residual (−1, 1, 0, 2), ‖·‖² = 6.
    let w: [Double] = [1, 1, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0]
    let solve = ReferenceAlgebra.leastSquares(w, rows: 4, cols: 3, rhs: [1, 3, 5, 2])
    #expect(solve.rank == 2)
    #expect(abs(solve.residual - 6) < 1e-12)
  }

  // MARK: Lipschitz constants

  /// s(θ + v) ≤ s(θ) + ∇s(θ)·v + (L/2)‖v‖² for random θ and v: L bounds the
  /// curvature. Along the top singular direction the bound is nearly tight
  /// for the quadratics, checked by comparing with power iteration.
  @Test(arguments: ["quadratic", "logistic", "lasso", "group-lasso"])
  func smoothLipschitzBoundsTheCurvature(_ name: String) throws {
    var rng = RandomSource(seed: 12)
    let problem = try ProblemCatalog.make(name).sample(seed: 4)
    let lipschitz = Double(try #require(problem.smoothLipschitz))
    for _ in 0..<20 {
      let theta = rng.gaussianArray(count: problem.dimension)
      let v = rng.gaussianArray(count: problem.dimension)
      let (value, gradient) = Evaluate.smoothWithGradient(problem, at: theta)
      let moved = Evaluate.smooth(problem, at: zip(theta, v).map { $0 + $1 })
      let slope = zip(gradient, v).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
      let squares = v.reduce(0.0) { $0 + Double($1) * Double($1) }
      let bound = Double(value) + slope + 0.5 * lipschitz * squares
      #expect(Double(moved) <= bound + 1e-4 * abs(bound))
    }
  }

  @Test func quadraticLipschitzIsTwiceTheSquaredSpectralNorm() throws {
    let problem = QuadraticClass().instance(seed: 6)
    var v = [Double](repeating: 1, count: 10)
    var estimate: Double = 0
    let w = problem.matrix.asDouble
    for _ in 0..<3000 {
      let next = ReferenceAlgebra.transposedProduct(
        w, rows: 10, cols: 10, ReferenceAlgebra.product(w, rows: 10, cols: 10, v))
      estimate = next.reduce(0) { $0 + $1 * $1 }.squareRoot()
      v = next.map { $0 / estimate }
    }
    let lipschitz = Double(try #require(problem.smoothLipschitz))
    #expect(abs(lipschitz - 2 * estimate) <= 1e-5 * lipschitz)
  }

  // MARK: Sparse coding

  /// F(Γ) = ½‖y − DΓ‖² + Ω(Γ) in Double, and c = Dᵀ(y − DΓ).
  static func evaluate(_ problem: SparseCodingProblem, at code: [Float]) -> (
    value: Double, correlation: [Double]
  ) {
    let d = problem.dictionary.asDouble
    let x = code.asDouble
    let fit = ReferenceAlgebra.product(d, rows: problem.rows, cols: problem.dimension, x)
    let residual = zip(problem.signal, fit).map { Double($0) - $1 }
    let squares = residual.reduce(0) { $0 + $1 * $1 }
    let penalty: Double
    switch problem.regularizer {
    case .l1(let lambda): penalty = Double(lambda) * x.reduce(0) { $0 + abs($1) }
    case .l0(let lambda): penalty = Double(lambda) * Double(x.filter { $0 != 0 }.count)
    case .groupL2(let lambda, let size):
      penalty =
        Double(lambda)
        * stride(from: 0, to: x.count, by: size).reduce(0) { sum, start in
          sum + x[start..<min(start + size, x.count)].reduce(0) { $0 + $1 * $1 }.squareRoot()
        }
    case .none: penalty = 0
    }
    let correlation = ReferenceAlgebra.transposedProduct(
      d, rows: problem.rows, cols: problem.dimension, residual)
    return (0.5 * squares + penalty, correlation)
  }

  static let sparseSeeds: [UInt64] = [1, 2, 3]

  @Test(arguments: [["noise": "0"], ["noise": "0.05"], ["noise": "0.01", "lambda": "0.05"]])
  func lassoOptimumSatisfiesTheOptimalityConditions(_ options: [String: String]) throws {
    let problemClass = try #require(try ProblemCatalog.make("lasso", options: options) as? SparseCodingClass)
    let lambda = Double(problemClass.lambda)
    for seed in Self.sparseSeeds {
      let problem = problemClass.instance(seed: seed)
      let r = Double(problem.optimum)
      let (value, correlation) = Self.evaluate(problem, at: problem.solution)
      #expect(abs(value - r) <= 1e-6 * r)
      #expect(r <= Self.evaluate(problem, at: problem.trueCode).value + 1e-9)
      // Subgradient conditions: c_i = λ·sign(Γ_i) on the support, |c_i| ≤ λ off it.
      for i in 0..<problem.dimension {
        let x = problem.solution[i]
        if x != 0 {
          #expect(abs(correlation[i] - lambda * (x > 0 ? 1 : -1)) <= 2e-5, "seed \(seed) i \(i)")
        } else {
          #expect(abs(correlation[i]) <= lambda + 2e-5, "seed \(seed) i \(i)")
        }
      }
      #expect(try Self.proximalGradientResidual(problem) <= 1e-5)
    }
  }

  @Test func lassoOptimumIsBelowALongIndependentISTARun() throws {
    // ISTA in Double with step 1/L, 3000 iterations: its value is an upper
    // bound on the optimum and close to it.
    let problem = try #require(try ProblemCatalog.make("lasso").sample(seed: 7) as? SparseCodingProblem)
    let (m, n) = (problem.rows, problem.dimension)
    let d = problem.dictionary.asDouble
    let y = problem.signal.asDouble
    let lipschitz = Double(try #require(problem.smoothLipschitz))
    let lambda = 0.005
    var x = [Double](repeating: 0, count: n)
    for _ in 0..<3000 {
      let residual = zip(ReferenceAlgebra.product(d, rows: m, cols: n, x), y).map { $0 - $1 }
      let gradient = ReferenceAlgebra.transposedProduct(d, rows: m, cols: n, residual)
      for i in 0..<n {
        let v = x[i] - gradient[i] / lipschitz
        x[i] = max(abs(v) - lambda / lipschitz, 0) * (v < 0 ? -1 : 1)
      }
    }
    let fit = ReferenceAlgebra.product(d, rows: m, cols: n, x)
    let ista =
      0.5 * zip(fit, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
      + lambda * x.reduce(0) { $0 + abs($1) }
    let r = Double(problem.optimum)
    #expect(r <= ista * (1 + 1e-7))
    #expect(ista - r <= 1e-3 * r, "ISTA \(ista) vs r \(r)")
  }

  @Test func sparseL0OptimumIsAFixedPointBelowTheTrueCode() throws {
    for options in [["noise": "0"], ["noise": "0.05"]] {
      let problemClass = try ProblemCatalog.make("sparse-l0", options: options)
      for seed in Self.sparseSeeds {
        let problem = try #require(problemClass.sample(seed: seed) as? SparseCodingProblem)
        let r = Double(problem.optimum)
        let truth = Self.evaluate(problem, at: problem.trueCode).value
        #expect(r <= truth + 1e-7, "seed \(seed): r \(r) above F(Γ*) \(truth)")
        #expect(abs(Self.evaluate(problem, at: problem.solution).value - r) <= 1e-6 * r)
        #expect(try Self.proximalGradientResidual(problem) <= 1e-5)
      }
    }
  }

  @Test func groupLassoOptimumSatisfiesTheOptimalityConditions() throws {
    for options in [["noise": "0"], ["noise": "0.05", "sparsity": "0.3"]] {
      let problemClass = try ProblemCatalog.make("group-lasso", options: options)
      for seed in Self.sparseSeeds {
        let problem = try #require(problemClass.sample(seed: seed) as? SparseCodingProblem)
        let r = Double(problem.optimum)
        let (value, correlation) = Self.evaluate(problem, at: problem.solution)
        #expect(abs(value - r) <= 1e-6 * r)
        #expect(r <= Self.evaluate(problem, at: problem.trueCode).value + 1e-9)
        // c_g = λ Γ_g/‖Γ_g‖ on active groups, ‖c_g‖ ≤ λ on the others.
        let lambda = 0.01
        for start in stride(from: 0, to: problem.dimension, by: 5) {
          let group = problem.solution[start..<(start + 5)].map(Double.init)
          let c = Array(correlation[start..<(start + 5)])
          let norm = group.reduce(0) { $0 + $1 * $1 }.squareRoot()
          if norm > 0 {
            let gap = zip(c, group).reduce(0) {
              $0 + ($1.0 - lambda * $1.1 / norm) * ($1.0 - lambda * $1.1 / norm)
            }
            #expect(gap.squareRoot() <= 2e-5, "seed \(seed) group \(start / 5)")
          } else {
            #expect(c.reduce(0) { $0 + $1 * $1 }.squareRoot() <= lambda + 2e-5)
          }
        }
        #expect(try Self.proximalGradientResidual(problem) <= 1e-5)
      }
    }
  }

  /// ‖prox_{Ω/L}(Γ̂ − ∇s(Γ̂)/L) − Γ̂‖ at the reference solution, with the
  /// problem's own Float gradient and prox: zero at a fixed point.
  static func proximalGradientResidual(_ problem: SparseCodingProblem) throws -> Float {
    let lipschitz = try #require(problem.smoothLipschitz)
    let (_, gradient) = Evaluate.smoothWithGradient(problem, at: problem.solution)
    var next = zip(problem.solution, gradient).map { $0 - $1 / lipschitz }
    problem.regularizer.applyProximal(&next, step: 1 / lipschitz)
    return VectorMath.distance(next, problem.solution) / (1 + VectorMath.norm(problem.solution))
  }

  // MARK: Logistic regression and Rosenbrock

  @Test(arguments: [[String: String](), ["features": "5", "points": "40", "noise": "0.2", "l2": "0.01"]])
  func logisticOptimumIsAStationaryPointBelowOtherPoints(_ options: [String: String]) throws {
    let problemClass = try ProblemCatalog.make("logistic", options: options)
    var rng = RandomSource(seed: 3)
    for seed: UInt64 in 1...3 {
      let problem = try #require(problemClass.sample(seed: seed) as? LogisticRegressionProblem)
      let (value, gradient) = Evaluate.smoothWithGradient(problem, at: problem.solution)
      #expect(abs(value - problem.optimum) <= 1e-5 * max(1, problem.optimum))
      #expect(VectorMath.norm(gradient) <= 1e-4, "‖∇s(θ*)‖ = \(VectorMath.norm(gradient))")
      #expect(problem.optimum < Evaluate.smooth(problem, at: problem.initialParameters))
      for _ in 0..<10 {
        let nearby = problem.solution.map { $0 + 0.05 * rng.gaussian() }
        #expect(problem.optimum <= Evaluate.smooth(problem, at: nearby))
      }
    }
  }

  @Test func rosenbrockMinimumIsAtTheValleyFloor() {
    let problemClass = RosenbrockClass()
    let problem = problemClass.instance(seed: 1)
    #expect(problem.optimum == 0)
    let (value, gradient) = Evaluate.smoothWithGradient(problem, at: [1, 1])
    #expect(value == 0 && gradient == [0, 0])
    // The classic start (−1.5, 2): f = 2.5² + 100·(2 − 2.25)² = 12.5.
    #expect(Evaluate.smooth(problem, at: [-1.5, 2]) == 12.5)
    let shifted = RosenbrockClass(a: 2, b: 10).instance(seed: 1)
    #expect(Evaluate.smoothWithGradient(shifted, at: [2, 4]) == (0, [0, 0]))
  }
}

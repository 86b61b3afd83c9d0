import Optimizers
import Testing

/// ISTA and FISTA, driven the way the race drives them (gradient point, ∇s,
/// step, caller's prox), against straightforward double-precision
/// implementations of Beck & Teboulle's algorithms on a small lasso.
@Suite struct FISTAReferenceTests {
  static let problem = LassoFixture(rows: 12, columns: 24, lambda: 0.05, seed: 2024)

  /// FISTA as written in Beck & Teboulle (2009), with its own y, t and x.
  static func referenceFISTA(_ p: LassoFixture, eta: Double, steps: Int) -> [[Double]] {
    var x = p.initialParameters.map(Double.init)
    var y = x
    var t = 1.0
    var iterates: [[Double]] = []
    for _ in 0..<steps {
      let g = p.smoothGradient(y)
      let next = (0..<x.count).map { softThreshold(y[$0] - eta * g[$0], eta * p.lambda) }
      let tNext = (1 + (1 + 4 * t * t).squareRoot()) / 2
      y = (0..<x.count).map { next[$0] + ((t - 1) / tNext) * (next[$0] - x[$0]) }
      x = next
      t = tNext
      iterates.append(x)
    }
    return iterates
  }

  /// ISTA: x ← prox(x − η∇s(x)).
  static func referenceISTA(_ p: LassoFixture, eta: Double, steps: Int) -> [[Double]] {
    var x = p.initialParameters.map(Double.init)
    var iterates: [[Double]] = []
    for _ in 0..<steps {
      let g = p.smoothGradient(x)
      x = (0..<x.count).map { softThreshold(x[$0] - eta * g[$0], eta * p.lambda) }
      iterates.append(x)
    }
    return iterates
  }

  @Test func fistaMatchesTheReference() {
    var problem = Self.problem
    var fista = OptimizerConfiguration(kind: .fista).make(
      dimension: problem.dimension, lipschitz: problem.smoothLipschitz)
    #expect(fista.proximalStep == 1 / Float(problem.lipschitz))
    let steps = 150
    let run = runRace(&fista, on: &problem, steps: steps)
    let reference = Self.referenceFISTA(Self.problem, eta: Double(fista.proximalStep), steps: steps)
    var worst = 0.0
    for (got, want) in zip(run.iterates, reference) { worst = max(worst, maxDifference(got, want)) }
    #expect(worst < 1e-4, "largest deviation from reference FISTA: \(worst)")
    // Exact zeros (the point of a proximal method) agree too, at the end.
    let final = run.iterates[steps - 1]
    let referenceFinal = reference[steps - 1]
    let zeros = final.indices.filter { final[$0] == 0 }
    #expect(!zeros.isEmpty)
    #expect(zeros == referenceFinal.indices.filter { referenceFinal[$0] == 0 })
  }

  @Test func istaMatchesTheReference() {
    var problem = Self.problem
    var ista = OptimizerConfiguration(kind: .ista).make(
      dimension: problem.dimension, lipschitz: problem.smoothLipschitz)
    let run = runRace(&ista, on: &problem, steps: 150)
    let reference = Self.referenceISTA(Self.problem, eta: Double(ista.proximalStep), steps: 150)
    var worst = 0.0
    for (got, want) in zip(run.iterates, reference) { worst = max(worst, maxDifference(got, want)) }
    #expect(worst < 1e-4, "largest deviation from reference ISTA: \(worst)")
  }

  /// Beck & Teboulle's Theorem 4.4: F(x_k) − F* ≤ 2L‖x₀ − x*‖²/(k + 1)², and
  /// ISTA's Theorem 3.1: F(x_k) − F* ≤ L‖x₀ − x*‖²/(2k), with x* from a long
  /// reference run.
  @Test func convergenceBoundsHold() {
    let p = Self.problem
    let eta = 1 / p.lipschitz
    let solution = Self.referenceFISTA(p, eta: eta, steps: 20_000).last ?? []
    let best = p.objective(solution)
    let x0 = p.initialParameters.map(Double.init)
    let distance = zip(x0, solution).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    var problem = p
    var fista = OptimizerConfiguration(kind: .fista)
      .make(dimension: p.dimension, lipschitz: p.smoothLipschitz)
    let fistaRun = runRace(&fista, on: &problem, steps: 100)
    var ista = OptimizerConfiguration(kind: .ista)
      .make(dimension: p.dimension, lipschitz: p.smoothLipschitz)
    let istaRun = runRace(&ista, on: &problem, steps: 100)
    for k in 1...100 {
      let fistaGap = p.objective(fistaRun.iterates[k - 1].map(Double.init)) - best
      let istaGap = p.objective(istaRun.iterates[k - 1].map(Double.init)) - best
      let slack = 1e-6  // float rounding of the iterates
      #expect(fistaGap <= 2 * p.lipschitz * distance / Double((k + 1) * (k + 1)) + slack, "FISTA k=\(k)")
      #expect(istaGap <= p.lipschitz * distance / Double(2 * k) + slack, "ISTA k=\(k)")
    }
  }
}

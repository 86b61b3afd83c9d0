import Optimizees
import Testing

@testable import Optimizers

/// The LISTA racer as an optimizer: its initialisation is ISTA, its bounded
/// parameters keep the repeated last layer convergent, and its
/// configuration survives a manifest record.
@Suite struct LISTAOptimizerTests {
  /// The race's loop, with objective values in Double from the fixture.
  static func objectives(_ optimizer: some Optimizer, on fixture: LassoFixture, steps: Int) -> [Double] {
    var optimizer: any Optimizer = optimizer
    var problem = fixture
    return runRace(&optimizer, on: &problem, steps: steps).iterates.map { fixture.objective($0.map(Double.init)) }
  }

  @Test(arguments: [1, 16]) func initialisationIsISTA(_ layers: Int) {
    let fixture = LassoFixture(rows: 20, columns: 40, lambda: 0.05, seed: 4)
    let parameters = LISTAParameters(configuration: LISTAConfiguration(layers: layers, momentum: false))
    for k in 0..<layers {
      #expect(parameters.layer(k) == LISTALayer(step: 1, threshold: 1, momentum: 0))
    }
    let lista = LISTAOptimizer(
      parameters: parameters, lipschitz: Float(fixture.lipschitz), initialParameters: fixture.initialParameters)
    #expect(!lista.usesLookahead)
    let ista = SGD(dimension: 40, learningRate: 1 / Float(fixture.lipschitz), kind: .ista)
    let a = Self.objectives(lista, on: fixture, steps: 40)
    let b = Self.objectives(ista, on: fixture, steps: 40)
    for (x, y) in zip(a, b) { #expect(abs(x - y) <= 1e-5 * abs(y)) }
  }

  /// With momentum the initial racer is ISTA up to β ≈ 0.018, with γ = 1.
  @Test func momentumInitialisation() {
    let parameters = LISTAParameters(configuration: LISTAConfiguration(layers: 3, momentum: true))
    for k in 0..<3 {
      let layer = parameters.layer(k)
      #expect(abs(layer.step - 1) < 1e-6)
      #expect(abs(layer.threshold - 1) < 1e-6)
      #expect(layer.momentum > 0.01 && layer.momentum < 0.02)
    }
  }

  /// Whatever the raw values, γ ∈ (0, B(β)], β ∈ [0, 1], θ > 0 and the last
  /// threshold equals the last step.
  @Test(arguments: [-40.0, -3.0, 0.0, 2.5, 40.0]) func mapsStayInTheirBounds(_ value: Double) {
    let configuration = LISTAConfiguration(layers: 4, momentum: true)
    let parameters = LISTAParameters(
      configuration: configuration, values: [Float](repeating: Float(value), count: configuration.parameterCount))
    for k in 0..<4 {
      let layer = parameters.layer(k)
      #expect(layer.momentum >= 0 && layer.momentum <= 1)
      #expect(layer.step >= 0 && layer.step <= LISTAParameters.stepBound(layer.momentum))
      #expect(layer.threshold >= 0 && layer.threshold.isFinite)
    }
    #expect(parameters.layer(3).threshold == parameters.layer(3).step)
    // Beyond K the last layer repeats.
    #expect(parameters.layer(10) == parameters.layer(3))
  }

  /// Near the edges of the bounds the repeated last layer still converges
  /// to the lasso minimiser: steps close to 2/L without momentum, and close
  /// to B(β)/L with β ≈ 0.73. The first layers threshold 5× harder than the
  /// problem's λ, which the tied last layer undoes.
  @Test(arguments: [(false, 7.0, 0.0), (true, 4.0, 1.0)]) func tailConvergesToTheMinimiser(
    _ momentum: Bool, _ stepLogit: Double, _ momentumLogit: Double
  ) {
    let fixture = LassoFixture(rows: 20, columns: 40, lambda: 0.05, seed: 8)
    let configuration = LISTAConfiguration(layers: 4, momentum: momentum)
    var values = [Float](repeating: Float(stepLogit), count: configuration.parameterCount)
    for k in 0..<3 { values[4 + k] = Float(1.6094) }  // θ = e^1.609 ≈ 5
    if momentum { for k in 0..<4 { values[7 + k] = Float(momentumLogit) } }
    let parameters = LISTAParameters(configuration: configuration, values: values)
    let last = parameters.layer(3)
    #expect(last.step > 0.95 * LISTAParameters.stepBound(last.momentum))
    let lista = LISTAOptimizer(
      parameters: parameters, lipschitz: Float(fixture.lipschitz), initialParameters: fixture.initialParameters)
    let fista = FISTA(dimension: 40, learningRate: 1 / Float(fixture.lipschitz))
    let reference = Self.objectives(fista, on: fixture, steps: 3000).min() ?? .nan
    let trajectory = Self.objectives(lista, on: fixture, steps: 3000)
    #expect(trajectory.allSatisfy { $0.isFinite })
    let final = trajectory.last ?? .nan
    #expect(abs(final - reference) <= 1e-5 * reference, "final \(final) vs reference \(reference)")
  }

  @Test func recordRoundTrip() {
    for configuration in [LISTAConfiguration(layers: 16, momentum: false), LISTAConfiguration(layers: 3, momentum: true)] {
      #expect(LISTAConfiguration(record: configuration.record) == configuration)
    }
    let bad: [[String: String]] = [
      [:], ["architecture": "lstm", "layers": "16", "momentum": "false"],
      ["architecture": "lista", "layers": "0", "momentum": "false"],
      ["architecture": "lista", "layers": "x", "momentum": "false"],
      ["architecture": "lista", "layers": "16", "momentum": "maybe"],
      ["architecture": "lista", "layers": "16"],
    ]
    for record in bad { #expect(LISTAConfiguration(record: record) == nil) }
  }

  /// The prox step the caller reads after step t is layer t's θ/L.
  @Test func proximalStepFollowsTheLayer() {
    let configuration = LISTAConfiguration(layers: 3, momentum: false)
    let values: [Float] = [0, 0, 0, 1, -1]  // θ₀ = e, θ₁ = 1/e, θ₂ = γ₂ = 1
    let parameters = LISTAParameters(configuration: configuration, values: values)
    var lista = LISTAOptimizer(parameters: parameters, lipschitz: 2, initialParameters: [0, 0])
    var x: [Float] = [0, 0]
    let expected: [Double] = [2.718281828 / 2, 0.367879441 / 2, 0.5, 0.5]
    for tau in expected {
      lista.step(parameters: &x, gradient: [1, -1])
      #expect(abs(Double(lista.proximalStep) - tau) < 1e-6)
    }
    #expect(lista.stepsTaken == 4)
  }
}

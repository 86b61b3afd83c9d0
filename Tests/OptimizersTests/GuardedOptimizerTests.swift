import Optimizers
import Testing

/// The loss guard: silent while the learned rule descends, and it hands over
/// — for good — when the rule raises the loss.
@Suite struct GuardedOptimizerTests {
  /// f(θ) = ½ Σ aᵢ θᵢ² with curvatures 1…4.
  static let curvature: [Float] = [1, 2, 3, 4]
  static let start: [Float] = [1, -1, 0.5, 2]

  static func loss(_ theta: [Float]) -> Float {
    zip(curvature, theta).reduce(0) { $0 + 0.5 * $1.0 * $1.1 * $1.1 }
  }

  /// A "learned" rule that climbs: θ ← θ + η∇f (gradient ascent).
  struct Ascent: Optimizer {
    var name: String { "ascent" }
    var proximalStep: Float { 0.1 }
    mutating func step(parameters: inout [Float], gradient: [Float]) {
      for i in parameters.indices { parameters[i] += 0.1 * gradient[i] }
    }
  }

  /// Runs `steps` steps, handing each the loss first; the losses seen.
  static func run(_ optimizer: inout some Optimizer, steps: Int) -> [Float] {
    var theta = start
    var losses: [Float] = []
    for _ in 0..<steps {
      let loss = Self.loss(theta)
      losses.append(loss)
      optimizer.observe(loss: loss)
      let gradient = zip(curvature, theta).map { $0 * $1 }
      optimizer.step(parameters: &theta, gradient: gradient)
    }
    losses.append(Self.loss(theta))
    return losses
  }

  @Test func aDescendingRuleIsNeverReplaced() {
    var plain = OptimizerConfiguration(kind: .momentum, learningRate: 0.05).make(dimension: 4, lipschitz: nil)
    var guarded = GuardedOptimizer(
      learned: OptimizerConfiguration(kind: .momentum, learningRate: 0.05).make(dimension: 4, lipschitz: nil),
      fallback: Adam(dimension: 4, learningRate: 0.01), dimension: 4)
    let expected = Self.run(&plain, steps: 200)
    let seen = Self.run(&guarded, steps: 200)
    #expect(guarded.trippedAt == nil)
    #expect(seen == expected, "the guard must not change a descending run")
    #expect(guarded.name == "momentum+guard")
  }

  @Test func aClimbingRuleTripsTheGuardAndTheFallbackConverges() throws {
    var unguarded = Ascent()
    let climbing = Self.run(&unguarded, steps: 300)
    #expect(climbing.last.map { !$0.isFinite || $0 > 1e6 } == true, "ascent must blow up: \(climbing.last ?? 0)")

    var guarded = GuardedOptimizer(learned: Ascent(), fallback: Adam(dimension: 4, learningRate: 0.05), dimension: 4)
    let losses = Self.run(&guarded, steps: 300)
    let tripped = try #require(guarded.trippedAt)
    #expect(tripped > 0 && tripped < 20, "tripped at \(tripped)")
    #expect(losses.last.map { $0 < 1e-2 * losses[0] } == true, "after the hand-over: \(losses.last ?? .nan)")
    #expect(guarded.proximalStep == 0.05, "after tripping the fallback's proximal step applies")
  }

  @Test(arguments: [Float.nan, .infinity])
  func aNonFiniteLossTripsAtOnce(_ value: Float) {
    var guarded = GuardedOptimizer(learned: Ascent(), fallback: Adam(dimension: 4, learningRate: 0.05), dimension: 4)
    guarded.observe(loss: 1)
    guarded.observe(loss: value)
    #expect(guarded.trippedAt == 0)
  }

  @Test func smallRisesWithinTheToleranceDoNotTrip() {
    var guarded = GuardedOptimizer(
      learned: Ascent(), fallback: Adam(dimension: 4, learningRate: 0.05), dimension: 4, tolerance: 0.5,
      smoothing: 0)
    for loss: Float in [1, 0.8, 1.1, 1.19, 0.9] { guarded.observe(loss: loss) }
    #expect(guarded.trippedAt == nil)
    guarded.observe(loss: 1.25)
    #expect(guarded.isTripped, "1.25 > 1.5 × 0.8")
  }
}

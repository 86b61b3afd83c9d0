import Optimizees

/// A learned rule with a hand-designed fallback: when the loss rises well
/// above the best it has reached, the fallback takes over for the rest of
/// the run.
///
/// Learned optimizers are trained on a horizon of T steps and nothing ties
/// their behaviour far beyond T to descent: Andrychowicz et al.'s LSTM and
/// its reimplementations diverge on MNIST after a few thousand steps (see
/// `docs/guard.md`). A loss guard in the spirit of Prémont-Schwarz et al.
/// (2022) keeps the learned rule while it makes progress and hands over to
/// a rule with a convergence guarantee when it stops doing so.
///
/// The test uses a smoothed loss, because on stochastic problems single
/// minibatch losses jitter by tens of percent: with
/// `s_t = β s_{t−1} + (1 − β) f_t` (β = ``smoothing``, `s_0 = f_0`) and
/// `b_t = min_{u ≤ t} s_u`, the guard trips at the first t with
/// `s_t > (1 + ``tolerance``)·b_t`. Tripping is final: a rule that once
/// raised the loss by that factor is not trusted again in the run, which
/// makes the guarded run inherit the fallback's convergence from then on.
///
/// The fallback sees every gradient from the start — it steps a shadow copy
/// of θ — so its moments are warm when it takes over (Adam's moments depend
/// only on the gradients, not on θ).
public struct GuardedOptimizer: Optimizer {
  public var name: String
  /// The relative rise of the smoothed loss over its best that trips the
  /// guard.
  public let tolerance: Float
  /// β of the smoothed loss.
  public let smoothing: Float
  /// The step (0-based) at which the fallback took over, if it did.
  public private(set) var trippedAt: Int?
  private var learned: any Optimizer
  private var fallback: any Optimizer
  private var shadow: [Float]
  private var smoothed: Float?
  private var best: Float = .infinity
  private var steps = 0

  /// Guards `learned` with `fallback` (both sized for the same problem).
  public init(
    learned: any Optimizer, fallback: any Optimizer, dimension: Int, tolerance: Float = 0.5,
    smoothing: Float = 0.9, name: String? = nil
  ) {
    precondition(tolerance > 0 && (0..<1).contains(smoothing), "guard: tolerance > 0 and 0 ≤ smoothing < 1")
    self.name = name ?? learned.name + "+guard"
    self.learned = learned
    self.fallback = fallback
    self.tolerance = tolerance
    self.smoothing = smoothing
    shadow = [Float](repeating: 0, count: dimension)
  }

  /// Whether the fallback has taken over.
  public var isTripped: Bool { trippedAt != nil }

  public var usesLookahead: Bool { isTripped ? fallback.usesLookahead : learned.usesLookahead }

  public func gradientPoint(parameters: [Float], into point: inout [Float]) {
    if isTripped {
      fallback.gradientPoint(parameters: parameters, into: &point)
    } else {
      learned.gradientPoint(parameters: parameters, into: &point)
    }
  }

  public var proximalStep: Float { isTripped ? fallback.proximalStep : learned.proximalStep }

  public func applyProximal(of regularizer: Regularizer, to parameters: inout [Float]) {
    if isTripped {
      fallback.applyProximal(of: regularizer, to: &parameters)
    } else {
      learned.applyProximal(of: regularizer, to: &parameters)
    }
  }

  public mutating func observe(loss: Float) {
    guard !isTripped else { return }
    guard loss.isFinite else {
      trippedAt = steps
      return
    }
    let s = smoothed.map { smoothing * $0 + (1 - smoothing) * loss } ?? loss
    smoothed = s
    best = min(best, s)
    if s > (1 + tolerance) * best { trippedAt = steps }
  }

  public mutating func step(parameters: inout [Float], gradient: [Float]) {
    if isTripped {
      fallback.step(parameters: &parameters, gradient: gradient)
    } else {
      // The shadow starts from θ each step; only the fallback's internal
      // state (its moments) is kept.
      shadow.withUnsafeMutableBufferPointer { dst in
        parameters.withUnsafeBufferPointer { src in
          guard let d = dst.baseAddress, let s = src.baseAddress else { return }
          d.update(from: s, count: min(src.count, dst.count))
        }
      }
      fallback.step(parameters: &shadow, gradient: gradient)
      learned.step(parameters: &parameters, gradient: gradient)
    }
    steps += 1
  }
}

extension GuardedOptimizer {
  /// Until it trips, the guard steps both rules (the fallback on its shadow
  /// copy) and copies θ (one per coordinate); after, the fallback's count.
  public var flopsPerStep: Double? {
    if isTripped { return fallback.flopsPerStep }
    guard let learnedCount = learned.flopsPerStep, let fallbackCount = fallback.flopsPerStep else { return nil }
    return learnedCount + fallbackCount + Double(shadow.count)
  }
}

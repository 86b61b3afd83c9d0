/// The non-smooth penalty Ω of a composite problem and its proximal operator.
///
/// `prox_{τΩ}(v) = argmin_x ½‖x − v‖² + τΩ(x)` has a closed form for each
/// case, which is what makes proximal gradient methods (ISTA, FISTA, and
/// learned optimizers followed by a prox) produce exactly sparse iterates:
/// - ℓ1, `λ‖x‖₁`: soft thresholding, `sign(v)·max(|v| − τλ, 0)`;
/// - ℓ0, `λ‖x‖₀`: hard thresholding, `v·[|v| > √(2τλ)]`;
/// - group ℓ1,2, `λ Σ_g ‖x_g‖₂`: block soft thresholding,
///   `x_g = max(1 − τλ/‖v_g‖, 0)·v_g`.
public enum Regularizer: Sendable, Equatable {
  /// No penalty: the problem is smooth and the prox is the identity.
  case none
  /// λ‖θ‖₁.
  case l1(lambda: Float)
  /// λ‖θ‖₀ (the number of nonzeros).
  case l0(lambda: Float)
  /// λ Σ_g ‖θ_g‖₂ over consecutive groups of `groupSize` coordinates.
  case groupL2(lambda: Float, groupSize: Int)

  /// Ω(θ).
  public func penalty(_ theta: [Float]) -> Float {
    theta.withUnsafeBufferPointer { penalty($0) }
  }

  /// Ω(θ) on a buffer.
  public func penalty(_ theta: UnsafeBufferPointer<Float>) -> Float {
    switch self {
    case .none:
      return 0
    case .l1(let lambda):
      var sum: Float = 0
      for v in theta { sum += abs(v) }
      return lambda * sum
    case .l0(let lambda):
      var count = 0
      for v in theta where v != 0 { count += 1 }
      return lambda * Float(count)
    case .groupL2(let lambda, let groupSize):
      var sum: Float = 0
      var start = 0
      while start < theta.count {
        let end = min(start + groupSize, theta.count)
        var squares: Float = 0
        for i in start..<end { squares += theta[i] * theta[i] }
        sum += squares.squareRoot()
        start = end
      }
      return lambda * sum
    }
  }

  /// θ ← prox_{τΩ}(θ) in place, with step τ.
  public func applyProximal(_ theta: UnsafeMutableBufferPointer<Float>, step tau: Float) {
    applyProximal(theta, stepSizes: UniformSteps(step: tau))
  }

  /// The blocks the prox acts on: 1 for the separable penalties (and for
  /// none), the group size for group ℓ1,2. A rule that takes a different
  /// step on each coordinate must hold it constant within a block for the
  /// prox below to be the exact prox of the scaled penalty.
  public var proximalBlockSize: Int {
    if case .groupL2(_, let groupSize) = self { return groupSize }
    return 1
  }

  /// θ ← prox of Ω with a step of its own for each coordinate: τᵢ for
  /// coordinate i (the rule's step on the smooth part, so that
  /// `θ = prox(θ − τ ⊙ ∇s(θ))` holds exactly at a minimiser of s + Ω for
  /// any positive τ: for ℓ1 the condition is −∇ᵢs ∈ λ∂|θᵢ|, whatever τᵢ).
  /// A group takes the mean step of its coordinates (their common step when
  /// the rule pools it per ``proximalBlockSize``, as the secant rules do).
  public func applyProximal(_ theta: UnsafeMutableBufferPointer<Float>, steps: UnsafeBufferPointer<Float>) {
    precondition(theta.count == steps.count, "Regularizer.applyProximal: \(steps.count) steps for \(theta.count) coordinates")
    applyProximal(theta, stepSizes: CoordinateSteps(steps: steps))
  }

  /// The three closed forms, once, for either kind of step (the generic is
  /// specialised for each, so the uniform step costs no per-coordinate
  /// load). ℓ0 compares v² with 2τλ, the square of its threshold.
  private func applyProximal<Steps: ProximalSteps>(_ theta: UnsafeMutableBufferPointer<Float>, stepSizes: Steps) {
    switch self {
    case .none:
      return
    case .l1(let lambda):
      for i in 0..<theta.count {
        let v = theta[i]
        let shrunk = abs(v) - stepSizes[i] * lambda
        theta[i] = shrunk > 0 ? (v > 0 ? shrunk : -shrunk) : 0
      }
    case .l0(let lambda):
      for i in 0..<theta.count where theta[i] * theta[i] <= 2 * stepSizes[i] * lambda {
        theta[i] = 0
      }
    case .groupL2(let lambda, let groupSize):
      var start = 0
      while start < theta.count {
        let end = min(start + groupSize, theta.count)
        var squares: Float = 0
        for i in start..<end { squares += theta[i] * theta[i] }
        let threshold = stepSizes.mean(start..<end) * lambda
        let norm = squares.squareRoot()
        let scale: Float = norm > threshold ? 1 - threshold / norm : 0
        for i in start..<end { theta[i] *= scale }
        start = end
      }
    }
  }

  /// θ ← prox_{τΩ}(θ) on an array.
  public func applyProximal(_ theta: inout [Float], step tau: Float) {
    theta.withUnsafeMutableBufferPointer { applyProximal($0, step: tau) }
  }

  /// Whether Ω is zero (the problem is smooth).
  public var isNone: Bool { self == .none }
}

/// The step sizes of a prox: one for every coordinate, or one per
/// coordinate (``Regularizer/applyProximal(_:steps:)``).
private protocol ProximalSteps {
  /// τᵢ.
  subscript(_ i: Int) -> Float { get }
  /// The mean step over a block (a group's common step).
  func mean(_ range: Range<Int>) -> Float
}

private struct UniformSteps: ProximalSteps {
  let step: Float
  subscript(_ i: Int) -> Float { step }
  func mean(_ range: Range<Int>) -> Float { step }
}

private struct CoordinateSteps: ProximalSteps {
  let steps: UnsafeBufferPointer<Float>
  subscript(_ i: Int) -> Float { steps[i] }
  func mean(_ range: Range<Int>) -> Float {
    var sum: Float = 0
    for i in range { sum += steps[i] }
    return sum / Float(range.count)
  }
}

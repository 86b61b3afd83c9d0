import Autodiff
import Optimizers

/// ``LearnedUpdateRule/secant`` on the tape, the counterpart of
/// `LSTMOptimizer`'s race-time step:
///
///     Δθ_t = exp(ℓ_t) ⊙ (−η̂_t g_t) + tanh(o₂) ⊙ (θ_t − θ_{t−1}),  ℓ_t = L·tanh(o₁/L).
///
/// −η̂·g is a constant leaf (η̂ from ``SecantStepState``, with the
/// gradient's second derivatives dropped); the network's outputs and the
/// displacement θ_t − θ_{t−1} are differentiated, the displacement through
/// both iterates inside an unroll. At an unroll's first step θ_{t−1}
/// belongs to the previous unroll, so the displacement is a constant there
/// (truncated BPTT: nothing flows across truncations).
struct SecantGraph<Scalar: TensorScalar> {
  let tape: Tape<Scalar>
  let rows: Int
  /// The step sizes and history; nil under the additive rule.
  private(set) var state: SecantStepState?
  /// θ_{t−1} on this tape (nil before the unroll's first step is taken).
  private var previousTheta: Variable<Scalar>?
  /// The unroll's first displacement, a constant.
  private var firstDisplacement: Variable<Scalar>?
  private var thetaScratch: [Float]
  private var gradientScratch: [Float]
  private var scaledScratch: [Float]
  private var displacementScratch: [Float]

  init(tape: Tape<Scalar>, rows: Int, state: SecantStepState?) {
    self.tape = tape
    self.rows = rows
    self.state = state
    let count = state == nil ? 0 : rows
    thetaScratch = [Float](repeating: 0, count: count)
    gradientScratch = thetaScratch
    scaledScratch = thetaScratch
    displacementScratch = thetaScratch
  }

  /// −η̂_t·g_t as a constant leaf (rows × 1), advancing the step sizes with
  /// θ_t and g_t; from `replay[t]` when given (a gradient check holds it,
  /// as it holds the features).
  mutating func scaledGradient(
    theta: Variable<Scalar>, gradient: [Scalar], step t: Int, replay: [[Scalar]]?
  ) -> Variable<Scalar> {
    guard state != nil else { preconditionFailure("SecantGraph: the configuration's rule is not secant") }
    tape.withValue(of: theta) { values in
      for i in 0..<rows {
        thetaScratch[i] = Float(values[i])
        gradientScratch[i] = Float(gradient[i])
      }
    }
    // In place through the optional: a local copy would copy the arrays on write.
    state?.advance(
      theta: thetaScratch, gradient: gradientScratch, scaledGradient: &scaledScratch,
      displacement: &displacementScratch)
    if previousTheta == nil {
      firstDisplacement = tape.leaf(shape: .matrix(rows, 1), differentiable: false) { out in
        for i in 0..<rows { out[i] = Scalar(displacementScratch[i]) }
      }
    }
    return tape.leaf(shape: .matrix(rows, 1), differentiable: false) { out in
      if let replay {
        for i in 0..<rows { out[i] = replay[t][i] }
      } else {
        for i in 0..<rows { out[i] = Scalar(scaledScratch[i]) }
      }
    }
  }

  /// Δθ_t from the head's two outputs (rows × 2), the constant −η̂·g and θ_t.
  mutating func step(head: Variable<Scalar>, scaledGradient: Variable<Scalar>, theta: Variable<Scalar>)
    -> Variable<Scalar>
  {
    guard let displacement = previousTheta.map({ tape.subtract(theta, $0) }) ?? firstDisplacement else {
      preconditionFailure("SecantGraph.step: scaledGradient(theta:…) must come first")
    }
    previousTheta = theta
    let bound = Scalar(LearnedUpdateRule.logFactorBound)
    let logFactor = tape.scale(tape.tanh(tape.scale(tape.slice(head, columns: 0..<1), by: 1 / bound)), by: bound)
    let move = tape.multiply(tape.exp(logFactor), scaledGradient)
    let momentum = tape.tanh(tape.slice(head, columns: 1..<2))
    return tape.add(move, tape.multiply(momentum, displacement))
  }
}

/// The per-problem secant step size η̂ of ``LearnedUpdateRule/secant``,
/// shared by the race's optimizer and the meta-trainer's unroll so both
/// take the same steps.
///
/// Coordinates come in `groups` problems of `groupSize` coordinates each
/// (one problem in a race, a meta-batch in training). At step t, with
/// s = θ_t − θ_{t−1} and y = g_t − g_{t−1} of a problem,
///
///     η̂_t = ‖s‖ / ‖y‖,
///
/// the geometric mean of the two Barzilai–Borwein steps ‖s‖²/⟨s, y⟩ and
/// ⟨s, y⟩/‖y‖² (always positive, where those two change sign on non-convex
/// problems). On a quadratic with Hessian A it lies in [1/λ_max, 1/λ_min].
/// Before the first secant pair, and whenever ‖s‖ or ‖y‖ is zero or not
/// finite (the iterate did not move, or the gradient did not change), η̂
/// keeps its previous value; the very first is `baseStep`/rms(g₀).
///
/// η̂ enters the unroll as a constant, as the gradient does (second
/// derivatives dropped): the network's outputs are differentiated, the
/// secant statistics are not. Norms are accumulated in Double.
///
/// With ``Estimate/largestCurvature`` the step is instead η̂_t = 1/L̂_t,
/// L̂_t the largest ‖y‖/‖s‖ seen so far (a running estimate of the
/// Lipschitz constant of ∇f), which only ever shrinks.
public struct SecantStepState: Sendable {
  /// Which step size the secant pairs give.
  public enum Estimate: Sendable {
    /// ‖s‖/‖y‖ of the latest pair.
    case barzilaiBorwein
    /// 1/max ‖y‖/‖s‖ over all pairs so far.
    case largestCurvature
  }

  /// Which step size the secant pairs give.
  public let estimate: Estimate
  /// Problems.
  public let groups: Int
  /// Coordinates per problem.
  public let groupSize: Int
  /// The first step's RMS length (the configuration's output scale).
  public let baseStep: Float
  private var previousTheta: [Float]
  private var previousGradient: [Float]
  /// η̂ per problem.
  public private(set) var steps: [Float]
  private var started = false

  public init(groups: Int, groupSize: Int, baseStep: Float, estimate: Estimate = .barzilaiBorwein) {
    precondition(groups >= 1 && groupSize >= 1)
    self.estimate = estimate
    self.groups = groups
    self.groupSize = groupSize
    self.baseStep = baseStep
    previousTheta = [Float](repeating: 0, count: groups * groupSize)
    previousGradient = previousTheta
    steps = [Float](repeating: 0, count: groups)
  }

  /// Advances to step t with θ_t and g_t: updates η̂ per problem and writes
  /// −η̂_b·g_i into `scaledGradient` and s_i = θ_t − θ_{t−1} into
  /// `displacement` (zero at the first step), then remembers θ_t and g_t.
  /// Allocates nothing.
  public mutating func advance(
    theta: UnsafeBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    scaledGradient: UnsafeMutableBufferPointer<Float>, displacement: UnsafeMutableBufferPointer<Float>?
  ) {
    let count = groups * groupSize
    precondition(theta.count == count && gradient.count == count && scaledGradient.count == count)
    for b in 0..<groups {
      let range = (b * groupSize)..<((b + 1) * groupSize)
      if started {
        var moved = 0.0, changed = 0.0
        for i in range {
          let s = Double(theta[i]) - Double(previousTheta[i])
          let y = Double(gradient[i]) - Double(previousGradient[i])
          moved += s * s
          changed += y * y
        }
        let step = Float((moved / changed).squareRoot())
        if moved > 0, changed > 0, step.isFinite, step > 0 {
          switch estimate {
          case .barzilaiBorwein: steps[b] = step
          case .largestCurvature: steps[b] = min(steps[b], step)
          }
        }
      } else {
        var squares = 0.0
        for i in range { squares += Double(gradient[i]) * Double(gradient[i]) }
        let rms = Float((squares / Double(groupSize)).squareRoot())
        steps[b] = rms > 0 && rms.isFinite ? baseStep / rms : baseStep
      }
      let eta = steps[b]
      for i in range {
        scaledGradient[i] = -eta * gradient[i]
        if let displacement { displacement[i] = started ? theta[i] - previousTheta[i] : 0 }
        previousTheta[i] = theta[i]
        previousGradient[i] = gradient[i]
      }
    }
    started = true
  }

  /// ``advance(theta:gradient:scaledGradient:displacement:)`` on arrays.
  public mutating func advance(
    theta: [Float], gradient: [Float], scaledGradient: inout [Float], displacement: inout [Float]
  ) {
    theta.withUnsafeBufferPointer { t in
      gradient.withUnsafeBufferPointer { g in
        scaledGradient.withUnsafeMutableBufferPointer { s in
          displacement.withUnsafeMutableBufferPointer { d in
            advance(theta: t, gradient: g, scaledGradient: s, displacement: d)
          }
        }
      }
    }
  }
}

import Autodiff

/// The words ``DNCMemoryContent/secant`` writes: per optimizee and step,
/// eight statistics of the latest secant pair, the part of a quasi-Newton
/// method's history that a memory shared by every coordinate can hold.
///
/// With s = θ_t − θ_{t−1}, y = g_t − g_{t−1}, g = g_t, g′ = g_{t−1} and s′
/// the step before s (norms and inner products over the optimizee's
/// coordinates, accumulated in Double):
///
/// | k | component | meaning |
/// | --- | --- | --- |
/// | 0 | cos(s, y) | sign and alignment of the curvature along the step |
/// | 1 | cos(g, g′) | ≈ 1: slow progress; < 0: oscillation |
/// | 2 | cos(s, −g′) | how far the step turned from steepest descent |
/// | 3 | tanh ln(‖g‖/‖g′‖) | the gradient's contraction per step (the rate) |
/// | 4 | tanh ln(‖s‖/‖s′‖) | the step's contraction per step |
/// | 5 | q(⟨s, y⟩ / −⟨g′, s⟩) | the step's length in Newton units: 1 is an exact line search on a quadratic |
/// | 6 | q(⟨g, s⟩ / ⟨g′, s⟩) | the directional derivative left: 0 exact, 1 no curvature, < 0 overshoot |
/// | 7 | 1 | marks a written pair (a zero word is an empty slot) |
///
/// q(x) = x/(1 + |x|). Every component is invariant to scaling the loss
/// (f → c·f multiplies g and y by c) and to rescaling the parameters
/// (θ → a·θ multiplies s by a, g and y by 1/a), so a pair 10⁻⁹ from the
/// optimum writes the same word as one at the start: what the memory holds
/// is the shape of the recent trajectory, not its scale. A component whose
/// denominator is zero or not finite (no step, no gradient change, the
/// first step of a run) is written as 0; before the first pair the whole
/// word is zero.
///
/// The words enter the training unroll as constants, as the gradient does
/// (second derivatives dropped). Nothing allocates per step.
public struct SecantMemoryWords<Scalar: TensorScalar>: Sendable, Equatable {
  /// Components per word.
  public static var wordSize: Int { 8 }
  /// The components' names, in order (the memory panel's legend).
  public static var componentNames: [String] {
    ["cos(s,y)", "cos(g,g')", "cos(s,-g')", "rate g", "rate s", "Newton", "dir.der.", "written"]
  }

  /// Optimizees.
  public let groups: Int
  /// Coordinates per optimizee.
  public let groupSize: Int
  private var previousTheta: [Scalar]
  private var previousGradient: [Scalar]
  /// ‖s′‖ per optimizee (0 before the first pair).
  private var previousStepNorm: [Double]
  private var started = false

  public init(groups: Int, groupSize: Int) {
    precondition(groups >= 1 && groupSize >= 1, "SecantMemoryWords: needs at least one coordinate")
    self.groups = groups
    self.groupSize = groupSize
    previousTheta = [Scalar](repeating: 0, count: groups * groupSize)
    previousGradient = previousTheta
    previousStepNorm = [Double](repeating: 0, count: groups)
  }

  /// Writes each optimizee's word for step t (θ_t, g_t) into `words`
  /// (groups × 8, row-major), then remembers θ_t and g_t.
  public mutating func write(
    theta: UnsafeBufferPointer<Scalar>, gradient: UnsafeBufferPointer<Scalar>,
    into words: UnsafeMutableBufferPointer<Scalar>
  ) {
    let count = groups * groupSize
    let size = Self.wordSize
    precondition(theta.count == count && gradient.count == count && words.count == groups * size)
    for b in 0..<groups {
      let range = (b * groupSize)..<((b + 1) * groupSize)
      let word = b * size
      for k in 0..<size { words[word + k] = 0 }
      if started {
        var ss = 0.0, yy = 0.0, sy = 0.0, gg = 0.0, pp = 0.0, gp = 0.0, sp = 0.0, sg = 0.0
        for i in range {
          let g = Double(gradient[i]), p = Double(previousGradient[i])
          let s = Double(theta[i]) - Double(previousTheta[i])
          let y = g - p
          ss += s * s
          yy += y * y
          sy += s * y
          gg += g * g
          pp += p * p
          gp += g * p
          sp += s * p
          sg += s * g
        }
        let stepNorm = ss.squareRoot()
        let components = (
          Self.ratio(sy, (ss * yy).squareRoot()), Self.ratio(gp, (gg * pp).squareRoot()),
          Self.ratio(-sp, (ss * pp).squareRoot()), Self.logRatio(gg.squareRoot(), pp.squareRoot()),
          Self.logRatio(stepNorm, previousStepNorm[b]), Self.squash(Self.ratio(sy, -sp)),
          Self.squash(Self.ratio(sg, sp)))
        words[word] = Scalar(components.0)
        words[word + 1] = Scalar(components.1)
        words[word + 2] = Scalar(components.2)
        words[word + 3] = Scalar(components.3)
        words[word + 4] = Scalar(components.4)
        words[word + 5] = Scalar(components.5)
        words[word + 6] = Scalar(components.6)
        words[word + 7] = 1
        previousStepNorm[b] = stepNorm
      }
      for i in range {
        previousTheta[i] = theta[i]
        previousGradient[i] = gradient[i]
      }
    }
    started = true
  }

  /// ``write(theta:gradient:into:)`` on arrays.
  public mutating func write(theta: [Scalar], gradient: [Scalar], into words: inout [Scalar]) {
    theta.withUnsafeBufferPointer { t in
      gradient.withUnsafeBufferPointer { g in
        words.withUnsafeMutableBufferPointer { write(theta: t, gradient: g, into: $0) }
      }
    }
  }

  /// a/b, 0 where that is not a finite number.
  private static func ratio(_ a: Double, _ b: Double) -> Double {
    let value = a / b
    return b != 0 && value.isFinite ? value : 0
  }

  /// tanh ln(a/b), 0 where either is zero or the ratio is not finite.
  private static func logRatio(_ a: Double, _ b: Double) -> Double {
    guard a > 0, b > 0 else { return 0 }
    let value = (a / b)
    return value.isFinite ? tanhOfLog(value) : 0
  }

  /// tanh(ln x) = (x² − 1)/(x² + 1), without calling either.
  private static func tanhOfLog(_ x: Double) -> Double {
    let square = x * x
    return square.isFinite ? (square - 1) / (square + 1) : 1
  }

  /// x/(1 + |x|): a bounded, odd, monotone squash.
  private static func squash(_ x: Double) -> Double { x / (1 + abs(x)) }
}

/// The Barzilai–Borwein gradient method (Barzilai & Borwein 1988):
/// `θ_{t+1} = θ_t − η̂_t g_t` with the secant step η̂_t = ‖s‖/‖y‖,
/// s = θ_t − θ_{t−1}, y = g_t − g_{t−1} — the geometric mean of the two BB
/// steps ‖s‖²/⟨s, y⟩ and ⟨s, y⟩/‖y‖², the same step size the learned
/// ``LearnedUpdateRule/secant`` rule scales (``SecantStepState``), so a race
/// shows what the learned factor and momentum add to it.
///
/// The learning rate η sets only the first step, of RMS length η
/// (η̂₀ = η/rms(g₀)); from then on the step follows the problem's curvature.
/// On strictly convex quadratics BB converges R-linearly without a line
/// search, and non-monotonically: single steps may increase f.
public struct BarzilaiBorwein: Optimizer {
  public let dimension: Int
  /// The first step's RMS length.
  public let learningRate: Float
  private var state: SecantStepState
  private var scaled: [Float]

  public init(dimension: Int, learningRate: Float) {
    precondition(dimension >= 1, "dimension must be positive")
    self.dimension = dimension
    self.learningRate = learningRate
    state = SecantStepState(groups: 1, groupSize: dimension, baseStep: learningRate)
    scaled = [Float](repeating: 0, count: dimension)
  }

  public var name: String { OptimizerKind.bb.rawValue }

  /// The current secant step (η before the first step).
  public var proximalStep: Float { state.steps[0] > 0 ? state.steps[0] : learningRate }

  public mutating func step(parameters: inout [Float], gradient: [Float]) {
    precondition(parameters.count == dimension && gradient.count == dimension)
    parameters.withUnsafeMutableBufferPointer { theta in
      gradient.withUnsafeBufferPointer { g in
        scaled.withUnsafeMutableBufferPointer { s in
          state.advance(theta: UnsafeBufferPointer(theta), gradient: g, scaledGradient: s, displacement: nil)
          for i in 0..<theta.count { theta[i] += s[i] }
        }
      }
    }
  }
}

extension BarzilaiBorwein {
  /// Two squared norms (four per coordinate), the scaled step and the update
  /// (three), the history copies not counted.
  public var flopsPerStep: Double? { 7 * Double(dimension) }
}

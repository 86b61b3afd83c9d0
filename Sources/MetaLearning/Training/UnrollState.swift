import Autodiff
import Optimizers

/// What one truncated unroll hands to the next on the same batch of
/// problems: the parameters θ, the LSTM states, the latest gradient (the
/// next step's input), the preprocessing's running moments, and where the
/// episode stands.
///
/// Only values cross truncations: gradients never flow from one unroll into
/// the previous one (truncated BPTT).
public struct UnrollState<Scalar: TensorScalar>: Sendable {
  /// θ of every problem, B·n.
  public var theta: [Scalar]
  /// Per layer, B·n × H.
  public var hidden: [[Scalar]]
  public var cell: [[Scalar]]
  /// ∇s at θ, B·n: the input of the next step.
  public var gradient: [Scalar]
  /// The gradients' preprocessing state.
  public var preprocessing: PreprocessingState
  /// f_b at θ.
  public var losses: [Double]
  /// e₀ of each problem's episode (its error at θ₀).
  public var initialErrors: [Double]
  /// Steps taken in this episode.
  public var step: Int
  /// Adam's running moments when this episode imitates Adam (``Imitation``).
  public var imitation: ImitationTrace?
  /// The secant rule's step sizes and history (nil under the additive rule).
  public var secant: SecantStepState?

  /// The state at the start of an episode: θ₀ given, LSTM states zero, the
  /// gradient and losses evaluated at θ₀.
  public init<Oracle: BatchLossOracle>(
    initialTheta: [Scalar], configuration: LSTMOptimizerConfiguration, oracle: inout Oracle
  ) where Oracle.Scalar == Scalar {
    let rows = oracle.batch * oracle.dimension
    precondition(initialTheta.count == rows, "UnrollState: θ₀ has \(initialTheta.count) values, expected \(rows)")
    theta = initialTheta
    let zeros = [Scalar](repeating: 0, count: rows * configuration.hiddenSize)
    hidden = Array(repeating: zeros, count: configuration.layers)
    cell = hidden
    gradient = [Scalar](repeating: 0, count: rows)
    preprocessing = PreprocessingState(configuration.preprocessing, count: rows)
    losses = [Double](repeating: 0, count: oracle.batch)
    initialErrors = losses
    step = 0
    imitation = nil
    let n = oracle.dimension
    secant = configuration.update.stepEstimate.map {
      SecantStepState(groups: oracle.batch, groupSize: n, baseStep: configuration.outputScale, estimate: $0)
    }
    theta.withUnsafeBufferPointer { t in
      gradient.withUnsafeMutableBufferPointer { g in
        for b in 0..<oracle.batch {
          let range = (b * n)..<((b + 1) * n)
          losses[b] = oracle.evaluate(
            b, theta: UnsafeBufferPointer(rebasing: t[range]), gradient: UnsafeMutableBufferPointer(rebasing: g[range]))
          initialErrors[b] = max(losses[b] - oracle.optimum(b), 0)
        }
      }
    }
  }
}

import Evaluation
import Optimizers

/// Imitation of a tuned Adam, mixed into the meta-objective (Chen et al.
/// 2020, "Training Stronger Baselines for Learning to Optimize", §3.2).
///
/// On an imitating episode every step of the unroll adds
///
///     w · (1/n) Σᵢ ((Δθᵢ − Δθᵢᴬ) / α)²
///
/// to the meta-loss, where Δθ is the learned step, `Δθᴬ = −α·m̂/(√v̂ + ε)`
/// the step Adam (β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸, learning rate α) would take
/// from the same gradients along the learned optimizer's own trajectory, and
/// n the coordinates. Dividing by α makes the term scale-free: a learned step
/// of Adam's size but the wrong sign costs 4w per step, on any problem.
///
/// Early in meta-training the truncated unroll's gradient is short-sighted
/// (it rewards large first steps that later steps pay for, docs/mnist.md);
/// the imitation term pulls φ towards a rule known to work over the whole
/// horizon, and the probability lets the plain objective take over on the
/// other episodes.
public struct Imitation: Sendable, Hashable, Codable {
  /// α: the tuned Adam's learning rate (the session's tuned rate).
  public var learningRate: Float
  /// w: the term's weight.
  public var weight: Float
  /// The probability that an episode imitates (drawn per episode, seeded).
  public var probability: Float

  public init(learningRate: Float, weight: Float = 1, probability: Float = 0.5) {
    self.learningRate = learningRate
    self.weight = weight
    self.probability = probability
  }

  /// Whether the settings are usable: α and w positive and finite, p in [0, 1].
  public var isValid: Bool {
    learningRate > 0 && learningRate.isFinite && weight > 0 && weight.isFinite && (0...1).contains(probability)
  }
}

/// The running Adam of an imitating episode: its moments over the episode's
/// gradients, and the step it would take now — the race's own ``Adam``
/// (its defaults β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸), stepped on a zero vector
/// so that what it leaves there is its step Δθᴬ.
public struct ImitationTrace: Sendable {
  public let imitation: Imitation
  private var adam: Adam
  /// The gradient in Float and the step, n each (no allocation per step).
  private var gradient: [Float]
  private var step: [Float]

  public init(_ imitation: Imitation, count: Int) {
    self.imitation = imitation
    adam = Adam(dimension: count, learningRate: imitation.learningRate)
    gradient = [Float](repeating: 0, count: count)
    step = gradient
  }

  /// Advances the moments with `gradient` and writes Adam's step into
  /// `target`.
  public mutating func step<Scalar: BinaryFloatingPoint>(
    gradient input: UnsafeBufferPointer<Scalar>, into target: UnsafeMutableBufferPointer<Scalar>
  ) {
    precondition(input.count == gradient.count && target.count == input.count)
    for i in 0..<input.count {
      gradient[i] = Float(input[i])
      step[i] = 0
    }
    adam.step(parameters: &step, gradient: gradient)
    for i in 0..<target.count { target[i] = Scalar(step[i]) }
  }
}

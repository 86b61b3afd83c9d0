import Autodiff
import Optimizers

/// ``LearnedUpdateRule/secant`` on the tape, the counterpart of
/// `LSTMOptimizer`'s race-time step:
///
///     Δθ_t = exp(ℓ̄_t) ⊙ (−η̂_t g_t) + tanh(o₂) ⊙ (θ_t − θ_{t−1}),  ℓ_t = L·tanh(o₁/L).
///
/// −η̂·g is a constant leaf (η̂ from ``SecantStepState``, with the
/// gradient's second derivatives dropped); the network's outputs and the
/// displacement θ_t − θ_{t−1} are differentiated, the displacement through
/// both iterates inside an unroll. At an unroll's first step θ_{t−1}
/// belongs to the previous unroll, so the displacement is a constant there
/// (truncated BPTT: nothing flows across truncations).
///
/// On composite problems the step on each coordinate, τᵢ = exp(ℓ̄ᵢ)·η̂, is
/// also the step of the prox that ends it (``UnrollGraph``), so the rule's
/// fixed points are the problem's minimisers whatever the network outputs.
/// ℓ̄ is ℓ pooled to its mean over each of the prox's blocks (a group
/// penalty's groups; no pooling for separable ones), as at race time.
struct SecantGraph<Scalar: TensorScalar> {
  let tape: Tape<Scalar>
  let rows: Int
  /// The step sizes and history; nil under the additive rule.
  private(set) var state: SecantStepState?
  /// Whether the prox needs the steps τ (the problems are composite).
  private let recordsSteps: Bool
  /// Pooling of ℓ over the prox's blocks: each row's block, and 1/|block|
  /// per block (nil when every block is one coordinate).
  private let pooling: (indices: [Int], inverseSizes: [Scalar])?
  /// θ_{t−1} on this tape (nil before the unroll's first step is taken).
  private var previousTheta: Variable<Scalar>?
  /// The unroll's first displacement, a constant.
  private var firstDisplacement: Variable<Scalar>?
  /// η̂ of each row at the current step (composite problems only).
  private var baseSteps: Variable<Scalar>?
  private var thetaScratch: [Float]
  private var gradientScratch: [Float]
  private var scaledScratch: [Float]
  private var displacementScratch: [Float]

  /// `penalty` is the batch's penalty (nil on smooth problems); `dimension`
  /// the coordinates of each problem.
  init(tape: Tape<Scalar>, rows: Int, dimension: Int, state: SecantStepState?, penalty: ProximalPenalty?) {
    self.tape = tape
    self.rows = rows
    self.state = state
    recordsSteps = state != nil && penalty != nil
    let block = penalty?.blockSize ?? 1
    if state != nil, block > 1 {
      let perProblem = (dimension + block - 1) / block
      var indices = [Int](repeating: 0, count: rows)
      var sizes = [Scalar](repeating: 0, count: rows / dimension * perProblem)
      for r in 0..<rows {
        indices[r] = (r / dimension) * perProblem + (r % dimension) / block
        sizes[indices[r]] += 1
      }
      pooling = (indices, sizes.map { 1 / $0 })
    } else {
      pooling = nil
    }
    let count = state == nil ? 0 : rows
    thetaScratch = [Float](repeating: 0, count: count)
    gradientScratch = thetaScratch
    scaledScratch = thetaScratch
    displacementScratch = thetaScratch
  }

  /// −η̂_t·g_t as a constant leaf (rows × 1), advancing the step sizes with
  /// θ_t and g_t; from `replay[t]` when given (a gradient check holds it,
  /// as it holds the features). On composite problems η̂ per row becomes a
  /// leaf too, and a recorded step input holds it after −η̂·g (2·rows
  /// values; ``recorded(_:)``).
  mutating func scaledGradient(
    theta: Variable<Scalar>, gradient: [Scalar], step t: Int, replay: [[Scalar]]?
  ) -> Variable<Scalar> {
    guard let groupSize = state?.groupSize else {
      preconditionFailure("SecantGraph: the configuration's rule is not secant")
    }
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
    if recordsSteps, let steps = state?.steps {
      baseSteps = tape.leaf(shape: .matrix(rows, 1), differentiable: false) { out in
        if let replay {
          for i in 0..<rows { out[i] = replay[t][rows + i] }
        } else {
          for i in 0..<rows { out[i] = Scalar(steps[i / groupSize]) }
        }
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

  /// Δθ_t from the head by the configuration's rule, with the prox steps τ
  /// on composite problems under the secant rules: `scale·head` under the
  /// additive rule (no state), else ``scaledGradient(theta:gradient:step:replay:)``
  /// then ``step(head:scaledGradient:theta:)``, the step's input appended to
  /// `recorded` when it is given. The one place both architectures' unrolls
  /// turn their heads into steps.
  mutating func delta(
    head: Variable<Scalar>, outputScale: Float, theta: Variable<Scalar>, gradient: [Scalar], step t: Int,
    replay: [[Scalar]]?, recorded: inout [[Scalar]]?
  ) -> (delta: Variable<Scalar>, steps: Variable<Scalar>?) {
    guard state != nil else { return (tape.scale(head, by: Scalar(outputScale)), nil) }
    let scaled = scaledGradient(theta: theta, gradient: gradient, step: t, replay: replay)
    recorded?.append(self.recorded(scaled))
    return step(head: head, scaledGradient: scaled, theta: theta)
  }

  /// What a recorded step input holds: −η̂·g, then η̂ per row on composite
  /// problems.
  func recorded(_ scaledGradient: Variable<Scalar>) -> [Scalar] {
    var values = tape.withValue(of: scaledGradient) { Array($0) }
    if let baseSteps { values += tape.withValue(of: baseSteps) { Array($0) } }
    return values
  }

  /// Δθ_t from the head's two outputs (rows × 2), the constant −η̂·g and
  /// θ_t, with the steps τ = exp(ℓ̄)·η̂ of each coordinate on composite
  /// problems (nil on smooth ones).
  mutating func step(head: Variable<Scalar>, scaledGradient: Variable<Scalar>, theta: Variable<Scalar>)
    -> (delta: Variable<Scalar>, steps: Variable<Scalar>?)
  {
    guard let displacement = previousTheta.map({ tape.subtract(theta, $0) }) ?? firstDisplacement else {
      preconditionFailure("SecantGraph.step: scaledGradient(theta:…) must come first")
    }
    previousTheta = theta
    let bound = Scalar(LearnedUpdateRule.logFactorBound)
    var logFactor = tape.scale(tape.tanh(tape.scale(tape.slice(head, columns: 0..<1), by: 1 / bound)), by: bound)
    if let pooling {
      // The block's mean: sum into blocks, divide by their sizes, spread back.
      let sizes = pooling.inverseSizes
      let sums = tape.scatter(logFactor, indices: pooling.indices, shape: .vector(sizes.count))
      let means = tape.multiply(sums, tape.constant(Tensor(shape: .vector(sizes.count), scalars: sizes)))
      logFactor = tape.gather(means, indices: pooling.indices, shape: .matrix(rows, 1))
    }
    let factor = tape.exp(logFactor)
    let move = tape.multiply(factor, scaledGradient)
    let momentum = tape.tanh(tape.slice(head, columns: 1..<2))
    let delta = tape.add(move, tape.multiply(momentum, displacement))
    return (delta, baseSteps.map { tape.multiply(factor, $0) })
  }
}

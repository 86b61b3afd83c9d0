import Libm
import Optimizees

/// The race-time half of the secant update rules
/// (``LearnedUpdateRule/secant``, ``LearnedUpdateRule/curvature``), shared
/// by every learned architecture whose head has the rule's two outputs per
/// coordinate (the LSTM and the DNC optimizer):
///
///     Δθ = −exp(ℓ̄)·η̂·g + tanh(o₂)·(θ_t − θ_{t−1}),  ℓ = L·tanh(o₁/L),
///
/// η̂ from ``SecantStepState``, ℓ pooled to its mean over each block of the
/// problem's prox (a group penalty's groups), and the prox that follows at
/// each coordinate's own step τᵢ = exp(ℓ̄ᵢ)·η̂ (``applyProximal(of:to:)``).
/// The training unroll records the same formula on the tape
/// (`SecantGraph`). Buffers are laid out at `init`; nothing allocates per
/// step.
public struct SecantUpdate: Sendable {
  private var state: SecantStepState
  /// −η̂·g and θ_t − θ_{t−1}, n each.
  private var scaledGradient: [Float]
  private var displacement: [Float]
  /// exp(ℓ̄ᵢ)·η̂ after a step: the prox's step on each coordinate.
  private var coordinateSteps: [Float]
  private let blockSize: Int
  private let dimension: Int

  /// The update for a problem of `dimension` coordinates; nil for the
  /// additive rule (which has no secant state). `baseStep` is the first
  /// step's RMS length, `proximalBlockSize` the prox's blocks (1 unless the
  /// penalty is a group norm).
  public init?(rule: LearnedUpdateRule, dimension: Int, baseStep: Float, proximalBlockSize: Int = 1) {
    guard let estimate = rule.stepEstimate else { return nil }
    precondition(proximalBlockSize >= 1, "SecantUpdate: the prox's block size must be at least 1")
    state = SecantStepState(groups: 1, groupSize: dimension, baseStep: baseStep, estimate: estimate)
    scaledGradient = [Float](repeating: 0, count: dimension)
    displacement = scaledGradient
    coordinateSteps = scaledGradient
    blockSize = proximalBlockSize
    self.dimension = dimension
  }

  /// θ += Δθ from the head's outputs (n × 2, row-major: o₁, o₂ per
  /// coordinate) plus their biases.
  public mutating func apply(
    head: UnsafeBufferPointer<Float>, bias: (Float, Float), parameters: inout [Float], gradient: [Float]
  ) {
    let n = dimension
    precondition(head.count >= 2 * n && parameters.count == n && gradient.count == n)
    state.advance(
      theta: parameters, gradient: gradient, scaledGradient: &scaledGradient, displacement: &displacement)
    let bound = LearnedUpdateRule.logFactorBound
    let baseStep = state.steps[0]
    let block = blockSize
    coordinateSteps.withUnsafeMutableBufferPointer { factor in
      // ℓᵢ, pooled to its block's mean when blocks are wider than one
      // coordinate (a group takes one step, or its prox is not exact).
      for i in 0..<n { factor[i] = bound * Libm.tanh((head[2 * i] + bias.0) / bound) }
      if block > 1 {
        var start = 0
        while start < n {
          let end = min(start + block, n)
          var sum: Float = 0
          for i in start..<end { sum += factor[i] }
          let mean = sum / Float(end - start)
          for i in start..<end { factor[i] = mean }
          start = end
        }
      }
      for i in 0..<n { factor[i] = Libm.exp(factor[i]) }
      scaledGradient.withUnsafeBufferPointer { scaled in
        displacement.withUnsafeBufferPointer { moved in
          parameters.withUnsafeMutableBufferPointer { theta in
            for i in 0..<n {
              let momentum = Libm.tanh(head[2 * i + 1] + bias.1)
              theta[i] += factor[i] * scaled[i] + momentum * moved[i]
              factor[i] *= baseStep
            }
          }
        }
      }
    }
  }

  /// The prox of `regularizer` with each coordinate's own step from the
  /// last ``apply(head:bias:parameters:gradient:)``: θ is then a fixed
  /// point exactly where it minimises s + Ω (with the momentum term at
  /// rest), whatever the network outputs.
  public func applyProximal(of regularizer: Regularizer, to parameters: inout [Float]) {
    coordinateSteps.withUnsafeBufferPointer { tau in
      parameters.withUnsafeMutableBufferPointer { regularizer.applyProximal($0, steps: tau) }
    }
  }
}

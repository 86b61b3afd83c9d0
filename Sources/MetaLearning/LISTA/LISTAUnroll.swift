import Evaluation
import Optimizees
import Optimizers

/// LISTA's T-step forward pass on one problem and its exact gradient with
/// respect to the raw parameters, by hand-written reverse mode, in Double.
///
/// Forward, from x₀ = 0 and x_{−1} = x₀, for t = 0 … T−1 with layer
/// k = min(t, K−1) (β is 0 at t = 0, where x − x_prev = 0 anyway):
///
///     z_t     = x_t + β_k (x_t − x_{t−1})
///     g_t     = G z_t − b                       (∇s(z_t), G = DᵀD)
///     v_t     = z_t − (γ_k/L) g_t
///     x_{t+1} = prox_{τ_k Ω}(v_t),  τ_k = θ_k/L
///     J       = (1/T) Σ_{t=1..T} φ((f(x_t) − r)/r)
///
/// Backward (adjoints x̄, v̄, z̄): x̄_t starts at (φ'(e_t)/(T r))·∂f(x_t), with
/// ∂f = ∇s + a subgradient of Ω (λ sign x for ℓ1, λ x_g/‖x_g‖ for ℓ1,2, 0
/// for ℓ0 — where Ω's kinks sit, coordinates are exactly 0 and stay so under
/// small parameter changes, so the choice does not matter). Then for t = T−1
/// down to 0:
///
///     (v̄_t, τ̄)  = prox backward of x̄_{t+1}      θ̄_k += τ̄/L
///     γ̄_k     += −⟨v̄_t, g_t⟩/L
///     z̄_t      = v̄_t − (γ_k/L) G v̄_t            (G symmetric)
///     x̄_t     += (1 + β_k) z̄_t,   x̄_{t−1} −= β_k z̄_t,
///     β̄_k     += ⟨z̄_t, x_t − x_{t−1}⟩
///
/// which is complete because x̄_{t+1} has received all its terms (its loss,
/// steps t+1 and t+2) before step t is processed. Prox backward, with
/// threshold h = τλ: block soft thresholding x_g = (1 − h/‖v_g‖)v_g for
/// ‖v_g‖ > h (ℓ1 is the case of groups of one) gives
/// v̄_g = (1 − h/‖v_g‖) x̄_g + (h/‖v_g‖³)⟨v_g, x̄_g⟩ v_g and
/// τ̄ = −λ⟨v_g, x̄_g⟩/‖v_g‖, else v̄_g = 0; hard thresholding passes x̄ where
/// |v| > √(2τλ) and gives τ̄ = 0 (the threshold's derivative is a Dirac, so
/// on ℓ0 only steps and momenta learn) — unless a gate width κ > 0 is given
/// (``hardThresholdGate``, what training uses): then τ̄ is the derivative of
/// the smoothed gate x = v·σ((|v| − h)/(κh)), h = √(2τλ), at the same point,
///
///     τ̄ = Σᵢ x̄ᵢ · (−vᵢ σ'(uᵢ)|vᵢ|/(κh²)) · λ/h,   uᵢ = (|vᵢ| − h)/(κh),
///
/// a surrogate that tells a threshold what raising it would zero (the
/// coordinates within a few κh of it), so ℓ0's thresholds learn a schedule
/// as ℓ1's do (docs/lista.md). The forward pass and every other adjoint stay
/// exact. Finally the chain rule through the
/// maps of ``LISTAParameters`` (the tied last threshold adds θ̄ to γ̄).
public enum LISTAUnroll {
  /// The loss of one problem, its gradient with respect to the raw
  /// parameters, and the relative error after the last step.
  public struct Outcome: Sendable {
    public var loss: Double
    public var gradient: [Double]
    public var finalRelativeError: Double
  }

  /// Runs T = `steps` steps of LISTA with raw parameters `raw` on
  /// `instance`; the gradient is computed when `gradient` is true (else it
  /// is empty).
  ///
  /// `thresholdGate` is κ, the width (relative to the threshold) of the
  /// smoothed gate whose derivative stands in for hard thresholding's
  /// threshold derivative; 0, the default, is the exact derivative, zero.
  public static func run(
    raw: [Double], configuration: LISTAConfiguration, instance: LISTAInstance, steps: Int,
    objective: LISTAObjective, gradient wantsGradient: Bool = true, thresholdGate: Double = 0
  ) -> Outcome {
    precondition(raw.count == configuration.parameterCount && steps >= 1)
    let n = instance.dimension
    let K = configuration.layers
    let L = instance.lipschitz
    let r = instance.optimum
    let layers = (0..<K).map { k in LISTAParameters.layer(k, configuration: configuration) { raw[$0] } }

    // Forward, keeping every x_t, g_t and v_t.
    var xs = [[Double]](repeating: [Double](repeating: 0, count: n), count: steps + 1)
    var gs = [[Double]](repeating: [Double](repeating: 0, count: n), count: steps)
    var vs = gs
    var z = [Double](repeating: 0, count: n)
    var product = z
    var errors = [Double](repeating: 0, count: steps + 1)
    var loss = 0.0
    for t in 0..<steps {
      let layer = layers[min(t, K - 1)]
      let beta = t == 0 ? 0 : layer.momentum
      for i in 0..<n { z[i] = xs[t][i] + beta * (xs[t][i] - (t == 0 ? xs[t][i] : xs[t - 1][i])) }
      instance.multiplyGram(z, into: &product)
      let eta = layer.step / L
      for i in 0..<n {
        gs[t][i] = product[i] - instance.correlation[i]
        vs[t][i] = z[i] - eta * gs[t][i]
      }
      xs[t + 1] = proximal(vs[t], step: layer.threshold / L, regularizer: instance.regularizer)
      let f = objectiveValue(xs[t + 1], instance: instance, gramProduct: &product)
      errors[t + 1] = (f - r) / r
      loss += objective.value(errors[t + 1]) / Double(steps)
    }
    guard wantsGradient else {
      return Outcome(loss: loss, gradient: [], finalRelativeError: errors[steps])
    }

    // Backward.
    var adjoints = [[Double]](repeating: [Double](repeating: 0, count: n), count: steps + 1)
    for t in 1...steps {
      let weight = objective.derivative(errors[t]) / (Double(steps) * r)
      guard weight != 0 else { continue }
      let subgradient = objectiveGradient(xs[t], instance: instance, gramProduct: &product)
      for i in 0..<n { adjoints[t][i] = weight * subgradient[i] }
    }
    var stepBar = [Double](repeating: 0, count: K)
    var thresholdBar = stepBar
    var momentumBar = stepBar
    var vBar = z
    var zBar = z
    for t in stride(from: steps - 1, through: 0, by: -1) {
      let k = min(t, K - 1)
      let layer = layers[k]
      let beta = t == 0 ? 0 : layer.momentum
      let tauBar = proximalBackward(
        adjoints[t + 1], input: vs[t], step: layer.threshold / L, regularizer: instance.regularizer,
        inputAdjoint: &vBar, thresholdGate: thresholdGate)
      thresholdBar[k] += tauBar / L
      var inner = 0.0
      for i in 0..<n { inner += vBar[i] * gs[t][i] }
      stepBar[k] -= inner / L
      instance.multiplyGram(vBar, into: &product)
      let eta = layer.step / L
      for i in 0..<n { zBar[i] = vBar[i] - eta * product[i] }
      for i in 0..<n { adjoints[t][i] += (1 + beta) * zBar[i] }
      if t >= 1 {
        var momentumInner = 0.0
        for i in 0..<n {
          adjoints[t - 1][i] -= beta * zBar[i]
          momentumInner += zBar[i] * (xs[t][i] - xs[t - 1][i])
        }
        momentumBar[k] += momentumInner
      }
    }

    // Chain rule to the raw parameters.
    var gradient = [Double](repeating: 0, count: raw.count)
    for k in 0..<K {
      let layer = layers[k]
      var gammaBar = stepBar[k]
      if k == K - 1 {
        gammaBar += thresholdBar[k]
      } else {
        gradient[layers.count + k] = thresholdBar[k] * layer.threshold
      }
      let s = LISTAParameters.sigmoid(raw[k])
      let bound = LISTAParameters.stepBound(layer.momentum)
      gradient[k] = gammaBar * bound * s * (1 - s)
      if configuration.momentum {
        let betaBar = momentumBar[k] + gammaBar * s * LISTAParameters.stepBoundDerivative(layer.momentum)
        gradient[2 * K - 1 + k] = betaBar * layer.momentum * (1 - layer.momentum)
      }
    }
    return Outcome(loss: loss, gradient: gradient, finalRelativeError: errors[steps])
  }

  /// prox_{τΩ}(v) in Double, with the same comparisons as
  /// ``Optimizees/Regularizer/applyProximal(_:step:)``.
  static func proximal(_ v: [Double], step tau: Double, regularizer: Regularizer) -> [Double] {
    switch regularizer {
    case .none:
      return v
    case .l0(let lambda):
      let threshold = (2 * tau * Double(lambda)).squareRoot()
      return v.map { abs($0) <= threshold ? 0 : $0 }
    case .l1(let lambda):
      return blockSoft(v, threshold: tau * Double(lambda), groupSize: 1)
    case .groupL2(let lambda, let size):
      return blockSoft(v, threshold: tau * Double(lambda), groupSize: size)
    }
  }

  private static func blockSoft(_ v: [Double], threshold: Double, groupSize: Int) -> [Double] {
    var x = v
    var start = 0
    while start < v.count {
      let end = min(start + groupSize, v.count)
      var squares = 0.0
      for i in start..<end { squares += v[i] * v[i] }
      let norm = squares.squareRoot()
      let scale = norm > threshold ? 1 - threshold / norm : 0
      for i in start..<end { x[i] = scale * v[i] }
      start = end
    }
    return x
  }

  /// The gate width κ training uses on ℓ0 (see the type's discussion):
  /// wide enough that the coordinates near a threshold pull on it, narrow
  /// enough that the gate is still nearly a step.
  public static let hardThresholdGate = 0.1

  /// Writes v̄ given x̄ = `adjoint` at input v, and returns τ̄ (on ℓ0 the
  /// smoothed gate's, for `thresholdGate` κ > 0).
  static func proximalBackward(
    _ adjoint: [Double], input v: [Double], step tau: Double, regularizer: Regularizer,
    inputAdjoint vBar: inout [Double], thresholdGate: Double = 0
  ) -> Double {
    switch regularizer {
    case .none:
      vBar = adjoint
      return 0
    case .l0(let lambda):
      let threshold = (2 * tau * Double(lambda)).squareRoot()
      for i in v.indices { vBar[i] = abs(v[i]) <= threshold ? 0 : adjoint[i] }
      guard thresholdGate > 0, threshold > 0 else { return 0 }
      let width = thresholdGate * threshold
      var thresholdBar = 0.0
      for i in v.indices {
        let gate = LISTAParameters.sigmoid((abs(v[i]) - threshold) / width)
        thresholdBar -= adjoint[i] * v[i] * gate * (1 - gate) * abs(v[i]) / (width * threshold)
      }
      return thresholdBar * Double(lambda) / threshold
    case .l1(let lambda):
      return blockSoftBackward(adjoint, input: v, lambda: Double(lambda), tau: tau, groupSize: 1, into: &vBar)
    case .groupL2(let lambda, let size):
      return blockSoftBackward(adjoint, input: v, lambda: Double(lambda), tau: tau, groupSize: size, into: &vBar)
    }
  }

  private static func blockSoftBackward(
    _ adjoint: [Double], input v: [Double], lambda: Double, tau: Double, groupSize: Int,
    into vBar: inout [Double]
  ) -> Double {
    let threshold = tau * lambda
    var tauBar = 0.0
    var start = 0
    while start < v.count {
      let end = min(start + groupSize, v.count)
      var squares = 0.0
      var inner = 0.0
      for i in start..<end {
        squares += v[i] * v[i]
        inner += v[i] * adjoint[i]
      }
      let norm = squares.squareRoot()
      if norm > threshold {
        let scale = 1 - threshold / norm
        let cross = threshold * inner / (norm * norm * norm)
        for i in start..<end { vBar[i] = scale * adjoint[i] + cross * v[i] }
        tauBar -= lambda * inner / norm
      } else {
        for i in start..<end { vBar[i] = 0 }
      }
      start = end
    }
    return tauBar
  }

  /// f(x) = ½xᵀGx − bᵀx + c + Ω(x); `gramProduct` is scratch.
  static func objectiveValue(_ x: [Double], instance: LISTAInstance, gramProduct: inout [Double]) -> Double {
    instance.multiplyGram(x, into: &gramProduct)
    var smooth = instance.constant
    for i in x.indices { smooth += x[i] * (0.5 * gramProduct[i] - instance.correlation[i]) }
    return smooth + instance.penalty(x)
  }

  /// ∇s(x) plus the subgradient of Ω described in the type's discussion.
  static func objectiveGradient(_ x: [Double], instance: LISTAInstance, gramProduct: inout [Double]) -> [Double] {
    instance.multiplyGram(x, into: &gramProduct)
    var g = gramProduct
    for i in g.indices { g[i] -= instance.correlation[i] }
    switch instance.regularizer {
    case .none, .l0:
      break
    case .l1(let lambda):
      for i in x.indices where x[i] != 0 { g[i] += Double(lambda) * (x[i] > 0 ? 1 : -1) }
    case .groupL2(let lambda, let size):
      var start = 0
      while start < x.count {
        let end = min(start + size, x.count)
        var squares = 0.0
        for i in start..<end { squares += x[i] * x[i] }
        let norm = squares.squareRoot()
        if norm > 0 { for i in start..<end { g[i] += Double(lambda) * x[i] / norm } }
        start = end
      }
    }
    return g
  }
}

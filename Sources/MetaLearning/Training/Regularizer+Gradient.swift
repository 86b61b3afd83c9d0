import Optimizees

extension Regularizer {
  /// Adds `scale·g` to `gradient`, g the element of ∂Ω(θ) the meta-gradient
  /// uses for `f = s + Ω`:
  /// - ℓ1: `λ·sign(θᵢ)` where θᵢ ≠ 0, and 0 where θᵢ = 0;
  /// - ℓ0: 0 (the count of nonzeros is locally constant where it is
  ///   differentiable);
  /// - group ℓ1,2: `λ·θ_g/‖θ_g‖` for a nonzero group, 0 for a zero one.
  ///
  /// The choice at 0 does not matter in an unroll that ends every step with
  /// the prox: a coordinate (group) the prox set to zero has a zero row in the
  /// prox's Jacobian, so whatever adjoint it receives goes no further.
  public func addGradient(
    of theta: UnsafeBufferPointer<Float>, scaledBy scale: Float, into gradient: UnsafeMutableBufferPointer<Float>
  ) {
    precondition(theta.count == gradient.count, "Regularizer.addGradient: θ and the gradient differ in length")
    switch self {
    case .none, .l0:
      return
    case .l1(let lambda):
      let weight = scale * lambda
      for i in 0..<theta.count {
        if theta[i] > 0 { gradient[i] += weight } else if theta[i] < 0 { gradient[i] -= weight }
      }
    case .groupL2(let lambda, let groupSize):
      var start = 0
      while start < theta.count {
        let end = min(start + groupSize, theta.count)
        var squares: Float = 0
        for i in start..<end { squares += theta[i] * theta[i] }
        if squares > 0 {
          let weight = scale * lambda / squares.squareRoot()
          for i in start..<end { gradient[i] += weight * theta[i] }
        }
        start = end
      }
    }
  }
}

import Autodiff
import Optimizees

/// The proximal operator a problem's step ends with, as the unroll records
/// it: which map (``Autodiff/ProximalKind``) and its threshold on |θ|.
///
/// For `Ω = λ·ω` and a step τ, `prox_{τΩ}` is soft thresholding at τλ (ℓ1),
/// hard thresholding at √(2τλ) (ℓ0) or block soft thresholding at τλ
/// (group ℓ1,2) — the same maps as ``Optimizees/Regularizer/applyProximal(_:step:)``,
/// which the race applies.
public struct ProximalMap: Sendable, Hashable {
  public var kind: ProximalKind
  /// t, the threshold on the magnitude of a coordinate (or a group's norm).
  public var threshold: Double

  public init(kind: ProximalKind, threshold: Double) {
    self.kind = kind
    self.threshold = threshold
  }

  /// `prox_{τΩ}` of `regularizer` with step τ; nil when Ω = 0 (the prox is
  /// the identity and the unroll records nothing).
  public init?(regularizer: Regularizer, step tau: Double) {
    switch regularizer {
    case .none:
      return nil
    case .l1(let lambda):
      self.init(kind: .softThreshold, threshold: tau * Double(lambda))
    case .l0(let lambda):
      self.init(kind: .hardThreshold, threshold: (2 * tau * Double(lambda)).squareRoot())
    case .groupL2(let lambda, let groupSize):
      self.init(kind: .blockSoftThreshold(blockSize: groupSize), threshold: tau * Double(lambda))
    }
  }
}

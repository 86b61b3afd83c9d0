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
    guard let penalty = ProximalPenalty(regularizer: regularizer) else { return nil }
    self.init(kind: penalty.kind, threshold: penalty.threshold(step: tau))
  }
}

/// A penalty `Ω = λ·ω` as a prox with steps of the rule's choosing sees it:
/// the map and the weight λ. The secant rules take a step of their own on
/// every coordinate and end it with the prox at that step, whose threshold
/// ``threshold(step:)`` turns τ into.
public struct ProximalPenalty: Sendable, Hashable {
  public var kind: ProximalKind
  /// λ (times the problem's scale when the meta-batch scales it).
  public var weight: Double

  public init(kind: ProximalKind, weight: Double) {
    self.kind = kind
    self.weight = weight
  }

  /// `scale·Ω` for `regularizer`; nil when Ω = 0.
  public init?(regularizer: Regularizer, scale: Double = 1) {
    switch regularizer {
    case .none:
      return nil
    case .l1(let lambda):
      self.init(kind: .softThreshold, weight: scale * Double(lambda))
    case .l0(let lambda):
      self.init(kind: .hardThreshold, weight: scale * Double(lambda))
    case .groupL2(let lambda, let groupSize):
      self.init(kind: .blockSoftThreshold(blockSize: groupSize), weight: scale * Double(lambda))
    }
  }

  /// The threshold of `prox_{τΩ}`: τλ for soft and block soft thresholding,
  /// √(2τλ) for hard thresholding (where ½x² = τλ, keeping x or zeroing it
  /// cost the same).
  public func threshold(step tau: Double) -> Double {
    switch kind {
    case .softThreshold, .blockSoftThreshold: tau * weight
    case .hardThreshold: (2 * tau * weight).squareRoot()
    }
  }

  /// The prox's blocks: the group size for block soft thresholding, else 1.
  public var blockSize: Int {
    if case .blockSoftThreshold(let size) = kind { return size }
    return 1
  }
}

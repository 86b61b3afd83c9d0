/// Which closed-form proximal operator ``Tape/proximal(_:kind:thresholds:)``
/// applies: the three maps that make proximal gradient methods produce
/// exactly sparse iterates.
///
/// Each is written in terms of its threshold t on the magnitude (the caller
/// turns a penalty weight λ and a step τ into t):
/// - soft thresholding, `y = sign(x)·max(|x| − t, 0)`, the prox of
///   `τλ‖·‖₁` with t = τλ;
/// - hard thresholding, `y = x·[|x| > t]`, the prox of `τλ‖·‖₀` with
///   t = √(2τλ);
/// - block soft thresholding, `y_g = max(1 − t/‖x_g‖, 0)·x_g` on consecutive
///   blocks of `blockSize` entries (the last one shorter when the size does
///   not divide the segment), the prox of `τλ Σ_g ‖·_g‖₂` with t = τλ.
public enum ProximalKind: Sendable, Hashable {
  case softThreshold
  case hardThreshold
  case blockSoftThreshold(blockSize: Int)
}

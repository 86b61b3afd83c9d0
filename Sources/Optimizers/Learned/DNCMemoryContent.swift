/// What the DNC optimizer's write head writes into its memory.
///
/// - ``learned`` (the DNC paper's): the write vector v is one more output of
///   the pooled write interface, a linear map of the coordinates' mean
///   controller state. Measured on quadratics (docs/dnc-optimizer.md) the
///   memory is rewritten in the first twenty steps and then freezes: nothing
///   on the write path sees how the iterate and the gradient move.
/// - ``secant``: v is what a quasi-Newton method keeps of its last step —
///   eight scale-free statistics of the secant pair s = θ_t − θ_{t−1},
///   y = g_t − g_{t−1} (``SecantMemoryWords``), computed from the optimizee
///   and not from the network. The network still chooses where each pair is
///   written (write key, allocation and write gates), what it erases and
///   what each coordinate reads back by content, so the memory becomes a
///   history of curvature and contraction along past steps, addressed by
///   the controller.
public enum DNCMemoryContent: String, Sendable, Hashable, Codable, CaseIterable {
  case learned
  case secant

  /// Columns of the pooled write interface that produce v (W when learned,
  /// none when the secant statistics are written).
  public func writeVectorOutputs(wordSize: Int) -> Int {
    switch self {
    case .learned: wordSize
    case .secant: 0
    }
  }

  /// The word size this content needs (nil: any).
  public var requiredWordSize: Int? {
    switch self {
    case .learned: nil
    case .secant: SecantMemoryWords<Float>.wordSize
    }
  }

  /// What each of a word's W components means, for the memory panel (nil:
  /// a learned code with no fixed meaning).
  public var componentNames: [String]? {
    switch self {
    case .learned: nil
    case .secant: SecantMemoryWords<Float>.componentNames
    }
  }

  /// Floating-point operations per coordinate to make the written word, in
  /// the order-of-magnitude accounting of `flopsPerStep`: none for a learned
  /// vector (the interface's product is counted with the interface); for
  /// the secant words s and y (2) and eight products summed over the
  /// coordinates (16).
  public var flopsPerCoordinate: Double {
    switch self {
    case .learned: 0
    case .secant: 18
    }
  }

  /// One line for help texts.
  public var summary: String {
    switch self {
    case .learned: "the write vector is learned (the DNC paper's)"
    case .secant: "each step writes scale-free statistics of the secant pair (s, y), a quasi-Newton history"
    }
  }
}

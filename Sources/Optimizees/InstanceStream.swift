import LinearAlgebra

/// The independent random streams of one problem instance, so that the data
/// (matrices, targets, data sets), the starting point θ₀ and the minibatch
/// order never share draws: changing how θ₀ is drawn leaves the data of
/// every seed unchanged, and vice versa.
enum InstanceStream: UInt64 {
  /// Matrices, targets, true solutions, synthetic data sets.
  case data = 1
  /// The starting point θ₀.
  case start = 2
  /// The order of minibatches of stochastic problems.
  case minibatches = 3
}

extension RandomSource {
  /// The generator of `stream` for the instance with `seed`.
  init(seed: UInt64, _ stream: InstanceStream) {
    self.init(seed: seed, stream: stream.rawValue)
  }
}

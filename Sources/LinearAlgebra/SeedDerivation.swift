/// Named seed streams, so that the same run seed gives disjoint random
/// streams for unrelated purposes (tuning instances never coincide with
/// held-out evaluation instances, and so on).
public enum SeedStream: UInt64, Sendable {
  /// Problem instances used to tune hand-designed optimizers' learning rates.
  case tuning = 1
  /// Held-out problem instances used by races.
  case evaluation = 2
  /// Problem instances used for meta-training.
  case training = 3
  /// Initialisation of learned optimizers' weights.
  case initialisation = 4
  /// Minibatch sampling inside stochastic problems.
  case minibatches = 5
  /// Validation instances watched during meta-training.
  case validation = 6

  /// The seed of instance `index` of this stream under run seed `seed`.
  public func seed(_ seed: UInt64, index: Int) -> UInt64 {
    var mix = SplitMix64(state: seed ^ (rawValue &* 0xD1B5_4A32_D192_ED03))
    _ = mix.next()
    var inner = SplitMix64(state: mix.next() &+ UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15)
    return inner.next()
  }
}

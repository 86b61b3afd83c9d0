import Libm
/// A seeded, reproducible pseudo-random generator (xoshiro256**).
///
/// Every random draw in Mnemo — problem instances, initial parameters,
/// minibatches, network initialisation — comes from a `RandomSource` built
/// from an explicit seed, so a run is a pure function of its seeds. The
/// generator is a small value type: copying it forks the stream, which is
/// what lets races and meta-training replay the same problems exactly.
///
/// Streams for independent purposes are derived with ``init(seed:stream:)``,
/// which mixes the two words through SplitMix64 so that seeds 0, 1, 2, …
/// and streams 0, 1, 2, … give statistically unrelated sequences.
public struct RandomSource: RandomNumberGenerator, Sendable {
  private var s0: UInt64
  private var s1: UInt64
  private var s2: UInt64
  private var s3: UInt64
  /// The second Box–Muller variate, kept for the next call to `gaussian()`.
  private var spareGaussian: Float?

  /// A generator for `seed`.
  public init(seed: UInt64) {
    self.init(seed: seed, stream: 0)
  }

  /// A generator for `seed` on an independent `stream` (e.g. one stream for
  /// problem data, another for initial parameters).
  public init(seed: UInt64, stream: UInt64) {
    var mix = SplitMix64(state: seed &* 0x9E37_79B9_7F4A_7C15 ^ (stream &+ 0x632B_E59B_D9B4_E019))
    s0 = mix.next()
    s1 = mix.next()
    s2 = mix.next()
    s3 = mix.next()
    if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
  }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    let result = rotl(s1 &* 5, 7) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotl(s3, 45)
    return result
  }

  /// A uniform draw on [0, 1) with 24 random bits (every Float in the grid
  /// k·2⁻²⁴ is equally likely).
  public mutating func uniform() -> Float {
    Float(next() >> 40) * 0x1p-24
  }

  /// A uniform draw on [low, high).
  public mutating func uniform(_ low: Float, _ high: Float) -> Float {
    low + (high - low) * uniform()
  }

  /// A standard normal draw (Box–Muller in Double, both variates used).
  public mutating func gaussian() -> Float {
    if let spare = spareGaussian {
      spareGaussian = nil
      return spare
    }
    // u1 in (0, 1] so that log(u1) is finite.
    let u1 = (Double(next() >> 11) + 1) * 0x1p-53
    let u2 = Double(next() >> 11) * 0x1p-53
    let radius = (-2 * Libm.log(u1)).squareRoot()
    let angle = 2 * Double.pi * u2
    spareGaussian = Float(radius * Libm.sin(angle))
    return Float(radius * Libm.cos(angle))
  }

  /// A normal draw with the given mean and standard deviation.
  public mutating func gaussian(mean: Float, standardDeviation: Float) -> Float {
    mean + standardDeviation * gaussian()
  }

  /// A uniform integer in 0..<upperBound (unbiased, Lemire's method via the
  /// standard library).
  public mutating func index(below upperBound: Int) -> Int {
    Int.random(in: 0..<upperBound, using: &self)
  }

  /// An array of `count` standard normal draws scaled by `standardDeviation`.
  public mutating func gaussianArray(count: Int, standardDeviation: Float = 1) -> [Float] {
    (0..<count).map { _ in standardDeviation * gaussian() }
  }

  /// An array of `count` uniform draws on [low, high).
  public mutating func uniformArray(count: Int, _ low: Float = 0, _ high: Float = 1) -> [Float] {
    (0..<count).map { _ in uniform(low, high) }
  }

  private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
    (x << k) | (x >> (64 - k))
  }
}

/// SplitMix64: used only to expand a seed into xoshiro's 256-bit state.
struct SplitMix64 {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

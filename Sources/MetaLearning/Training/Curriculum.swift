import Evaluation
/// A curriculum over episode horizons (Chen et al. 2020, §3.1): train on
/// short episodes first and move to longer ones when validation at the
/// current horizon stops improving.
///
/// Truncated BPTT on a short horizon learns fast but short-sighted rules;
/// starting on the long horizon is slow and unstable. The curriculum trains
/// stage s on episodes of `horizons[s]` steps (unrolls of K as before),
/// validates at that horizon, and after `patience` validations in a row
/// that do not beat the stage's best it moves to stage s + 1, continuing
/// from the stage's best weights. The last stage runs until training ends.
public struct Curriculum: Sendable, Hashable, Codable {
  /// The stages' horizons, increasing.
  public var horizons: [Int]
  /// Validations without improvement before the next stage.
  public var patience: Int

  public init(horizons: [Int], patience: Int = 3) {
    self.horizons = horizons
    self.patience = patience
  }

  /// Parses `100,200,500`; nil unless the horizons are positive and
  /// strictly increasing.
  public init?(parsing text: String, patience: Int) {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false)
    let horizons = parts.compactMap { Int(String($0)) }
    guard !horizons.isEmpty, horizons.count == parts.count, horizons.allSatisfy({ $0 > 0 }),
      zip(horizons, horizons.dropFirst()).allSatisfy({ $0 < $1 }), patience >= 1
    else { return nil }
    self.init(horizons: horizons, patience: patience)
  }

  /// `100,200,500`.
  public var description: String { horizons.map(String.init).joined(separator: ",") }
}

/// Where a curriculum stands: the stage, and the validations in a row that
/// did not improve on the stage's best. Saved with the session, so a resumed
/// run continues the same stage with the same count.
public struct CurriculumProgress: Sendable, Hashable, Codable {
  public var stage: Int
  public var stale: Int

  public init(stage: Int = 0, stale: Int = 0) {
    self.stage = stage
    self.stale = stale
  }
}

import Evaluation
import Optimizees
import Optimizers
/// The settings of meta-training, with the anchors' defaults (Andrychowicz
/// et al. 2016 as DeepMind's code runs them).
public struct MetaTrainingConfiguration: Sendable, Hashable, Codable {
  /// T: optimizer steps per problem episode.
  public var horizon: Int
  /// K: steps per truncated unroll (one meta-iteration).
  public var unroll: Int
  /// B: problems per meta-batch.
  public var batch: Int
  /// Adam's learning rate on φ.
  public var learningRate: Float
  /// The meta-gradient's global norm is clipped to this.
  public var clipNorm: Float
  /// The meta-objective.
  public var objective: MetaObjective
  /// When positive, each problem is scaled by e^{U(−a, a)} (a = this).
  public var randomScaling: Float
  /// The run seed (problem episodes, initialisation).
  public var seed: UInt64
  /// Imitation of a tuned Adam on a fraction of the episodes (nil: off).
  public var imitation: Imitation?
  /// A curriculum over horizons (nil: every episode has ``horizon`` steps).
  /// With a curriculum, ``horizon`` is the current stage's.
  public var curriculum: Curriculum?

  public init(
    horizon: Int = 100, unroll: Int = 20, batch: Int = 128, learningRate: Float = 1e-3,
    clipNorm: Float = 10, objective: MetaObjective = .lossSum, randomScaling: Float = 0, seed: UInt64 = 0,
    imitation: Imitation? = nil, curriculum: Curriculum? = nil
  ) {
    self.horizon = horizon
    self.unroll = unroll
    self.batch = batch
    self.learningRate = learningRate
    self.clipNorm = clipNorm
    self.objective = objective
    self.randomScaling = randomScaling
    self.seed = seed
    self.imitation = imitation
    self.curriculum = curriculum
  }

  /// The defaults of the class `name`: its profile's meta-batch and meta
  /// learning rate (each class's file says why); 16 problems and 10⁻³ for
  /// classes not in the catalog.
  public static func defaults(forProblem name: String) -> MetaTrainingConfiguration {
    guard let profile = try? ProblemCatalog.profile(named: name) else { return MetaTrainingConfiguration(batch: 16) }
    return MetaTrainingConfiguration(
      batch: profile.metaTrainingDefaults.batch, learningRate: profile.metaTrainingDefaults.learningRate)
  }

  /// The `key=value` record kept in a session's manifest.
  /// The recipe's keys appear only when it is on, so sessions saved before
  /// it existed read back unchanged.
  public var record: [String: String] {
    var record = [
      "horizon": String(horizon), "unroll": String(unroll), "batch": String(batch),
      "learning-rate": String(learningRate), "clip-norm": String(clipNorm),
      "random-scaling": String(randomScaling),
    ]
    if let imitation {
      record["imitation-rate"] = String(imitation.learningRate)
      record["imitation-weight"] = String(imitation.weight)
      record["imitation-probability"] = String(imitation.probability)
    }
    if let curriculum {
      record["curriculum"] = curriculum.description
      record["curriculum-patience"] = String(curriculum.patience)
    }
    return record
  }

  /// Rebuilds a configuration from a manifest's record, objective and seed;
  /// nil when a field is malformed.
  public init?(record: [String: String], objective: MetaObjective, seed: UInt64) {
    guard let horizon = record["horizon"].flatMap(Int.init), Limits.horizon.contains(horizon),
      let unroll = record["unroll"].flatMap(Int.init), Limits.unroll.contains(unroll),
      let batch = record["batch"].flatMap(Int.init), Limits.batch.contains(batch),
      let rate = record["learning-rate"].flatMap(Float.init), rate > 0, rate.isFinite,
      let clip = record["clip-norm"].flatMap(Float.init), clip > 0, clip.isFinite
    else { return nil }
    let scaling = record["random-scaling"].flatMap(Float.init) ?? 0
    var imitation: Imitation?
    if let text = record["imitation-rate"] {
      guard let rate = Float(text), let weight = record["imitation-weight"].flatMap(Float.init),
        let probability = record["imitation-probability"].flatMap(Float.init)
      else { return nil }
      imitation = Imitation(learningRate: rate, weight: weight, probability: probability)
      guard imitation?.isValid == true else { return nil }
    }
    var curriculum: Curriculum?
    if let text = record["curriculum"] {
      guard let patience = record["curriculum-patience"].flatMap(Int.init),
        let parsed = Curriculum(parsing: text, patience: patience),
        parsed.horizons.allSatisfy({ Limits.horizon.contains($0) }), parsed.horizons.contains(horizon)
      else { return nil }
      curriculum = parsed
    }
    self.init(
      horizon: horizon, unroll: unroll, batch: batch, learningRate: rate, clipNorm: clip,
      objective: objective, randomScaling: scaling, seed: seed, imitation: imitation, curriculum: curriculum)
  }
}

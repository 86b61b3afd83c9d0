import Autodiff
import Evaluation
import LinearAlgebra
import Optimizees
import Optimizers
import Sessions

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Meta-trains a learned optimizer — the coordinatewise LSTM or the
/// shared-memory DNC (``LearnedOptimizerWeights``) — on one problem class by
/// truncated BPTT.
///
/// An *episode* samples B problems (from the training seed stream) and runs
/// the learned optimizer on them for T steps; every K steps is one
/// *meta-iteration*: the unroll is recorded on a tape, the meta-objective
/// differentiated with respect to φ, the gradient's global norm clipped, and
/// Adam applied. θ and the LSTM states carry over to the next unroll as
/// values. A meta-gradient with a NaN or ∞ is skipped (φ untouched) and the
/// episode restarted; so is an episode whose optimizees blew up.
///
/// The trainer owns a tape and mutable buffers, so it is a reference type
/// used from one thread (the CLI's, or the dashboard engine's).
public final class MetaTrainer {
  public let problemClass: any ProblemClass
  /// The settings; with a curriculum, `horizon` is the current stage's.
  public private(set) var configuration: MetaTrainingConfiguration
  /// The curriculum's stage and patience count (zero without a curriculum).
  public private(set) var curriculumProgress: CurriculumProgress
  public private(set) var weights: LearnedOptimizerWeights
  public private(set) var metaOptimizer: MetaAdam
  /// Meta-iterations completed (including those before a resume).
  public private(set) var iteration: Int
  /// The weights with the lowest validation loss so far, and that loss:
  /// meta-training is noisy, so what a session races is the best validated
  /// optimizer (as DeepMind's code saves on improvement), while training
  /// continues from the current weights.
  public private(set) var best: (weights: LearnedOptimizerWeights, validationLoss: Double)?
  /// The indices of the global batch of B problems this trainer samples:
  /// all of them, or one rank's share in data-parallel training (see
  /// ``step(reduce:)``). Problem b of episode e always has the seed of
  /// index `e·B + b`, so shares of one batch are the batch.
  public let share: Range<Int>
  private let tape = Tape<Float>()
  private var oracle: ProblemBatch
  private var state: UnrollState<Float>
  /// The DNC's controller and memory state (DNC weights only).
  private var memory: DNCMemoryState<Float>?
  private var episode: Int

  /// What one meta-iteration did.
  public struct Report: Sendable, Equatable {
    public var iteration: Int
    /// The meta-loss of the unroll (NaN when skipped).
    public var metaLoss: Double
    /// ‖∂meta-loss/∂φ‖ before clipping.
    public var gradientNorm: Double
    /// Whether the update was skipped by the NaN/∞ guard.
    public var skipped: Bool
    /// Mean loss of the batch's optimizees after the unroll.
    public var meanLoss: Double
  }

  /// A trainer starting from `weights` (fresh or resumed).
  public init(
    problemClass: any ProblemClass, configuration: MetaTrainingConfiguration,
    weights: LearnedOptimizerWeights, metaOptimizer: MetaAdam? = nil, iteration: Int = 0,
    best: (weights: LearnedOptimizerWeights, validationLoss: Double)? = nil, share: Range<Int>? = nil,
    curriculumProgress: CurriculumProgress = CurriculumProgress()
  ) {
    let share = share ?? 0..<configuration.batch
    precondition(
      !share.isEmpty && share.lowerBound >= 0 && share.upperBound <= configuration.batch,
      "a trainer's share must be a non-empty part of the batch 0..<\(configuration.batch)")
    self.share = share
    self.best = best
    self.problemClass = problemClass
    self.curriculumProgress = curriculumProgress
    var configuration = configuration
    if let curriculum = configuration.curriculum {
      let stage = min(max(curriculumProgress.stage, 0), curriculum.horizons.count - 1)
      configuration.horizon = curriculum.horizons[stage]
      self.curriculumProgress.stage = stage
    }
    self.configuration = configuration
    self.weights = weights
    self.metaOptimizer =
      metaOptimizer ?? MetaAdam(count: weights.values.count, learningRate: configuration.learningRate)
    self.iteration = iteration
    episode = iteration
    (oracle, state, memory) = Self.startEpisode(
      problemClass: problemClass, configuration: configuration, optimizer: weights, episode: episode,
      share: share)
  }

  /// A trainer of the LSTM optimizer starting from `weights`.
  public convenience init(
    problemClass: any ProblemClass, configuration: MetaTrainingConfiguration,
    weights: LSTMOptimizerWeights, metaOptimizer: MetaAdam? = nil, iteration: Int = 0,
    share: Range<Int>? = nil
  ) {
    self.init(
      problemClass: problemClass, configuration: configuration, weights: .lstm(weights),
      metaOptimizer: metaOptimizer, iteration: iteration, share: share)
  }

  /// One meta-iteration: an unroll of K steps, its meta-gradient, an Adam
  /// step on φ.
  ///
  /// Data-parallel training passes `reduce`: the trainer then samples only
  /// its ``share`` of the batch, and the meta-objective is additive over
  /// problems, `(1/B) Σ_b ℓ_b`, so the batch's meta-gradient is the sum over
  /// shares of `(|share|/B)·(1/|share|) Σ_{b∈share} ∇ℓ_b`. The closure
  /// receives φ's gradient so weighted, followed by three statistics of the
  /// share — its weighted meta-loss, the sum of its problems' losses, and the
  /// count of its non-finite losses and coordinates of θ — and must replace
  /// every entry by its sum over all shares (an `MPI_Allreduce` with
  /// `MPI_SUM`). Clipping, the NaN guard, the episode restart and Adam then
  /// see the whole batch's values, so every share takes the same decisions
  /// and the same step.
  @discardableResult
  public func step(reduce: ((inout [Float]) -> Void)? = nil) -> Report {
    if state.step >= configuration.horizon { newEpisode() }
    let steps = min(configuration.unroll, configuration.horizon - state.step)
    let outcome: LSTMUnroll<Float>.Outcome
    switch weights {
    case .lstm(let lstm):
      outcome = LSTMUnroll<Float>.run(
        tape: tape, configuration: lstm.configuration, weights: lstm.values,
        objective: configuration.objective, steps: steps, state: &state, oracle: &oracle)
    case .dnc(let dnc):
      let configuration = dnc.configuration
      var full = DNCUnrollState(
        base: state,
        memory: memory
          ?? DNCMemoryState(configuration: configuration, batch: oracle.batch, dimension: oracle.dimension))
      outcome = DNCUnroll<Float>.run(
        tape: tape, configuration: configuration, weights: dnc.values,
        objective: self.configuration.objective, steps: steps, state: &full, oracle: &oracle)
      state = full.base
      memory = full.memory
    }
    var gradient = outcome.gradient
    var metaLoss = outcome.metaLoss
    var meanLoss = state.losses.reduce(0, +) / Double(state.losses.count)
    var diverged = !meanLoss.isFinite || state.theta.contains(where: { !$0.isFinite })
    if let reduce {
      let weight = Double(share.count) / Double(configuration.batch)
      var buffer = gradient.map { $0 * Float(weight) }
      let nonFinite = state.losses.count { !$0.isFinite } + state.theta.count { !$0.isFinite }
      buffer += [Float(metaLoss * weight), Float(state.losses.reduce(0, +)), Float(nonFinite)]
      reduce(&buffer)
      gradient = Array(buffer.prefix(gradient.count))
      metaLoss = Double(buffer[gradient.count])
      meanLoss = Double(buffer[gradient.count + 1]) / Double(configuration.batch)
      diverged = !meanLoss.isFinite || buffer[gradient.count + 2] != 0
    }
    var squares: Double = 0
    for g in gradient { squares += Double(g) * Double(g) }
    let norm = squares.squareRoot()
    iteration += 1
    guard norm.isFinite, metaLoss.isFinite else {
      newEpisode()
      return Report(iteration: iteration, metaLoss: .nan, gradientNorm: norm, skipped: true, meanLoss: meanLoss)
    }
    if norm > Double(configuration.clipNorm) {
      let factor = Float(Double(configuration.clipNorm) / norm)
      for i in gradient.indices { gradient[i] *= factor }
    }
    metaOptimizer.update(&weights.values, gradient: gradient)
    if diverged { newEpisode() }
    return Report(
      iteration: iteration, metaLoss: metaLoss, gradientNorm: norm, skipped: false, meanLoss: meanLoss)
  }

  /// The learned optimizer as a racer with the current weights.
  public func racer(name: String? = nil) -> Racer {
    let name = name ?? weights.architecture.rawValue
    return Self.racer(weights: weights, name: name)
  }

  /// A racer for given weights. On composite problems the prox uses 1/L when
  /// the problem knows L (the step a proximal gradient method would take).
  public static func racer(weights: LSTMOptimizerWeights, name: String = LearnedArchitecture.lstm.rawValue) -> Racer {
    racer(weights: .lstm(weights), name: name)
  }

  /// A racer for either architecture's weights.
  public static func racer(weights: LearnedOptimizerWeights, name: String) -> Racer {
    Racer(name: name) { problem in weights.optimizer(for: problem, name: name) }
  }

  /// Frees the tape's storage of the last unroll (the trainer stays usable;
  /// its next step allocates afresh): for a caller that races next and does
  /// not step again soon, so the two do not hold memory at once.
  public func releaseTapeMemory() {
    tape.releaseMemory()
  }

  /// Mean loss of the learned optimizer after `steps` steps on `instances`
  /// validation problems (a seed stream disjoint from training and
  /// evaluation): what a run watches to know it is learning.
  ///
  /// Also keeps the best weights so far (``best``) when validating at the
  /// training horizon, and moves a curriculum on (``Curriculum``): after
  /// `patience` validations without a new best, the next stage starts from
  /// the stage's best weights, and ``best`` restarts with it (losses at
  /// different horizons do not compare).
  @discardableResult
  public func validate(instances: Int = 20, steps: Int? = nil) -> Double {
    var run = RaceRun(
      problemClass: problemClass, racers: [racer()],
      configuration: RaceConfiguration(
        steps: steps ?? configuration.horizon, instances: instances, seed: configuration.seed),
      instanceStream: .validation)
    let loss = run.run().traces[0].finalMeanLoss
    guard steps == nil || steps == configuration.horizon else { return loss }
    if loss.isFinite, loss < (best?.validationLoss ?? .infinity) {
      best = (weights, loss)
      curriculumProgress.stale = 0
    } else {
      curriculumProgress.stale += 1
    }
    if let curriculum = configuration.curriculum, curriculumProgress.stale >= curriculum.patience,
      curriculumProgress.stage + 1 < curriculum.horizons.count
    {
      curriculumProgress = CurriculumProgress(stage: curriculumProgress.stage + 1, stale: 0)
      configuration.horizon = curriculum.horizons[curriculumProgress.stage]
      if let best { weights = best.weights }
      best = nil
      newEpisode()
    }
    return loss
  }

  /// The settings as a manifest keeps them, with the curriculum's progress.
  public var trainingRecord: [String: String] {
    var record = configuration.record
    if configuration.curriculum != nil {
      record["curriculum-stage"] = String(curriculumProgress.stage)
      record["curriculum-stale"] = String(curriculumProgress.stale)
    }
    return record
  }

  private func newEpisode() {
    episode += 1
    (oracle, state, memory) = Self.startEpisode(
      problemClass: problemClass, configuration: configuration, optimizer: weights, episode: episode,
      share: share)
  }

  private static func startEpisode(
    problemClass: any ProblemClass, configuration: MetaTrainingConfiguration,
    optimizer: LearnedOptimizerWeights, episode: Int, share: Range<Int>
  ) -> (ProblemBatch, UnrollState<Float>, DNCMemoryState<Float>?) {
    let problems = share.map { b in
      problemClass.sample(seed: SeedStream.training.seed(configuration.seed, index: episode * configuration.batch + b))
    }
    var scales: [Float]? = nil
    if configuration.randomScaling > 0 {
      var rng = RandomSource(seed: configuration.seed, stream: 1000 + UInt64(episode))
      let a = configuration.randomScaling
      // Drawn for the whole batch, so a share gets its problems' scales.
      let all = (0..<configuration.batch).map { _ in expf(rng.uniform(-a, a)) }
      scales = Array(all[share])
    }
    var oracle = ProblemBatch(problems: problems, scales: scales)
    let theta = problems.flatMap(\.initialParameters)
    // Whether this episode imitates Adam: one seeded draw per episode, the
    // same on every share of a distributed batch.
    var trace: ImitationTrace?
    if let imitation = configuration.imitation {
      var rng = RandomSource(seed: configuration.seed, stream: 2000 + UInt64(episode))
      if rng.uniform(0, 1) < imitation.probability { trace = ImitationTrace(imitation, count: theta.count) }
    }
    switch optimizer {
    case .lstm(let lstm):
      var state = UnrollState(initialTheta: theta, configuration: lstm.configuration, oracle: &oracle)
      state.imitation = trace
      return (oracle, state, nil)
    case .dnc(let dnc):
      var state = DNCUnrollState(initialTheta: theta, configuration: dnc.configuration, oracle: &oracle)
      state.base.imitation = trace
      return (oracle, state.base, state.memory)
    }
  }
}

import Dispatch
import LinearAlgebra
import Optimizees
import Optimizers

/// A race in progress: several optimizers stepping in lockstep from the same
/// θ₀ on the same held-out instances.
///
/// Each racer gets its own copy of every instance, so stochastic problems
/// replay the same minibatch sequence for every racer — the comparison is
/// paired, not just on the same distribution. The run advances one step at a
/// time (``advance()``), which lets the dashboard's engine publish curves
/// while they grow; ``run(progress:)`` drives it to the end.
public struct RaceRun: Sendable {
  /// The settings.
  public let configuration: RaceConfiguration
  /// The problem class's configuration key.
  public let problemKey: String
  /// The mean optimum r over the instances.
  public let meanOptimum: Double
  /// The held-out instances as sampled (before any step), in index order:
  /// what per-instance metrics of the final iterates (support recovery,
  /// test-split loss) are measured against.
  public let instances: [any Problem]
  private var lanes: [RaceLane]
  /// Every racer's instances in blocks (``RaceLane/blocks`` indexes them):
  /// the units of parallel work.
  private var blocks: [RaceBlock]
  /// The index of the next point to record (0 … steps); the run is finished
  /// when it passes `steps`.
  public private(set) var nextPoint = 0

  /// Samples the held-out instances and prepares one lane per racer.
  ///
  /// Instances come from the held-out ``LinearAlgebra/SeedStream/evaluation``
  /// stream unless another is named (the tuner uses `.tuning`, so learning
  /// rates are never chosen on the instances they are judged on).
  ///
  /// With `keepingFinalParameters`, every trace also keeps each instance's
  /// last iterate θ_T (``RacerTrace/finalParameters``); the default path
  /// copies nothing.
  public init(
    problemClass: any ProblemClass, racers: [Racer], configuration: RaceConfiguration,
    instanceStream: SeedStream = .evaluation, keepingFinalParameters: Bool = false
  ) {
    self.configuration = configuration
    problemKey = problemClass.configurationKey
    let problems = (0..<configuration.instances).map { index in
      problemClass.sample(seed: instanceStream.seed(configuration.seed, index: index))
    }
    meanOptimum = problems.isEmpty ? 0 : problems.map { Double($0.optimum) }.reduce(0, +) / Double(problems.count)
    instances = problems
    var lanes: [RaceLane] = []
    var blocks: [RaceBlock] = []
    let count = problems.count
    let blockCount = Swift.max(1, Swift.min(RaceLane.maximumBlocks, count))
    for racer in racers {
      let first = blocks.count
      for b in 0..<blockCount {
        let range = (count * b / blockCount)..<(count * (b + 1) / blockCount)
        blocks.append(RaceBlock(racer: racer, problems: Array(problems[range])))
      }
      lanes.append(
        RaceLane(
          racer: racer, optima: problems.map { Double($0.optimum) }, blocks: first..<blocks.count,
          divergenceFactor: configuration.divergenceFactor, keepsFinalParameters: keepingFinalParameters))
    }
    self.lanes = lanes
    self.blocks = blocks
  }

  /// Whether every point has been recorded.
  public var isFinished: Bool { nextPoint > configuration.steps }

  /// The traces so far, one per racer in the order given.
  public var traces: [RacerTrace] { lanes.map(\.trace) }

  /// Records the next point θ_t for every racer and, unless t is the last
  /// point, steps every running racer to θ_{t+1}.
  ///
  /// The work is split into blocks of instances of every running racer,
  /// and the blocks run in parallel on the machine's cores: a learned
  /// optimizer's step can cost a thousand times an Adam step, so
  /// parallelism over racers alone leaves one core running the learned
  /// racer while the other idles. Each block writes its instances' figures
  /// into their own slots, and each racer's means are then summed in
  /// instance order, so the result does not depend on the split. OpenBLAS
  /// is set to one thread meanwhile so the two levels of parallelism do
  /// not fight.
  public mutating func advance() {
    guard !isFinished else { return }
    let takeStep = nextPoint < configuration.steps
    let blasThreads = BLAS.threadCount
    BLAS.threadCount = 1
    defer { BLAS.threadCount = blasThreads }
    let running = lanes.filter(\.isRunning).flatMap { Array($0.blocks) }
    blocks.withUnsafeMutableBufferPointer { buffer in
      // Safe: each concurrent iteration touches only its own block, and the
      // buffer outlives `concurrentPerform`, which returns only after every
      // iteration has finished.
      nonisolated(unsafe) let blocks = buffer
      DispatchQueue.concurrentPerform(iterations: running.count) { item in
        blocks[running[item]].advance(takeStep: takeStep)
      }
    }
    for index in lanes.indices { lanes[index].record(takeStep: takeStep, blocks: blocks) }
    nextPoint += 1
  }

  /// Runs to the end, calling `progress` with the number of points recorded
  /// after each one.
  public mutating func run(progress: (Int) -> Void = { _ in }) -> RaceResult {
    while !isFinished {
      advance()
      progress(nextPoint)
    }
    return result
  }

  /// The result so far.
  public var result: RaceResult {
    RaceResult(
      problemKey: problemKey, configuration: configuration, meanOptimum: meanOptimum, traces: traces)
  }
}

/// One racer's figures across all instances; its instances live in blocks.
private struct RaceLane: Sendable {
  var trace: RacerTrace
  /// The racer's blocks in ``RaceRun``'s flat array, in instance order.
  let blocks: Range<Int>
  let optima: [Double]
  /// Whether every r > 0, so (f − r)/r is defined.
  let optimaArePositive: Bool
  let divergenceFactor: Double
  /// Whether to copy θ_T of every instance into the trace at the last point.
  let keepsFinalParameters: Bool

  /// Blocks per racer: enough for two cores to share a costly racer
  /// evenly, few enough that each block's scratch stays small.
  static let maximumBlocks = 8

  init(
    racer: Racer, optima: [Double], blocks: Range<Int>, divergenceFactor: Double, keepsFinalParameters: Bool
  ) {
    trace = RacerTrace(name: racer.name, learningRate: racer.learningRate, stepLabel: racer.stepLabel)
    self.blocks = blocks
    self.optima = optima
    optimaArePositive = optima.allSatisfy { $0 > 0 }
    self.divergenceFactor = divergenceFactor
    self.keepsFinalParameters = keepsFinalParameters
  }

  /// Whether the racer is still stepping (it has not diverged).
  var isRunning: Bool { trace.divergedAt == nil }

  /// Appends the current point's means (summed in instance order, so the
  /// split into blocks changes nothing) to the trace, or NaNs for a racer
  /// that has diverged.
  mutating func record(takeStep: Bool, blocks all: [RaceBlock]) {
    // The last point (no step follows) is where θ_T is kept; a diverged
    // racer keeps the iterate it stopped at.
    defer {
      if keepsFinalParameters, !takeStep { trace.finalParameters = all[blocks].flatMap(\.parameters) }
    }
    guard isRunning else {
      appendNaN(includingUpdate: takeStep)
      return
    }
    let count = Double(optima.count)
    var lossSum = 0.0, logLossSum = 0.0, errorSum = 0.0, relativeSum = 0.0, gradientSum = 0.0, updateSum = 0.0
    var index = 0
    for block in all[blocks] {
      for figure in block.figures {
        lossSum += figure.loss
        logLossSum += mathLog(max(figure.loss, 1e-30))
        errorSum += max(figure.loss - optima[index], 0)
        relativeSum += (figure.loss - optima[index]) / optima[index]
        gradientSum += figure.gradientNorm
        updateSum += figure.updateNorm
        index += 1
      }
    }
    let meanLoss = lossSum / count
    let t = trace.meanLoss.count
    trace.meanLoss.append(meanLoss)
    trace.geometricMeanLoss.append(mathExp(logLossSum / count))
    trace.meanError.append(errorSum / count)
    if optimaArePositive { trace.meanRelativeError.append(relativeSum / count) }
    trace.gradientNorm.append(gradientSum / count)
    if takeStep { trace.updateNorm.append(updateSum / count) }
    let initial = trace.meanLoss[0]
    if !meanLoss.isFinite || (t > 0 && meanLoss > divergenceFactor * max(initial, 1e-12)) {
      trace.divergedAt = t
    }
  }

  private mutating func appendNaN(includingUpdate: Bool) {
    trace.meanLoss.append(.nan)
    trace.geometricMeanLoss.append(.nan)
    trace.meanError.append(.nan)
    if optimaArePositive { trace.meanRelativeError.append(.nan) }
    trace.gradientNorm.append(.nan)
    if includingUpdate { trace.updateNorm.append(.nan) }
  }
}

/// A contiguous block of one racer's instances with their optimizers,
/// iterates and scratch: the unit of parallel work in a race.
private struct RaceBlock: Sendable {
  var problems: [any Problem]
  var optimizers: [any Optimizer]
  var parameters: [[Float]]
  var gradient: [Float]
  var point: [Float]
  var previous: [Float]
  /// The current point's figures, one per instance of the block.
  var figures: [InstanceFigures]

  /// What one instance contributes to the racer's means at one point.
  struct InstanceFigures: Sendable {
    var loss = 0.0
    var gradientNorm = 0.0
    var updateNorm = 0.0
  }

  init(racer: Racer, problems: [any Problem]) {
    self.problems = problems
    optimizers = problems.map { racer.makeOptimizer($0) }
    parameters = problems.map(\.initialParameters)
    let dimension = problems.first?.dimension ?? 0
    gradient = [Float](repeating: 0, count: dimension)
    point = gradient
    previous = gradient
    figures = Array(repeating: InstanceFigures(), count: problems.count)
  }

  /// Evaluates every instance at the current point and, with `takeStep`,
  /// steps it; the figures go to `figures`.
  mutating func advance(takeStep: Bool) {
    for index in problems.indices {
      var figure = InstanceFigures()
      figure.loss = Double(problems[index].objective(at: parameters[index], gradient: &gradient))
      if takeStep { optimizers[index].observe(loss: Float(figure.loss)) }
      guard takeStep else {
        figure.gradientNorm = Double(VectorMath.norm(gradient))
        figures[index] = figure
        continue
      }
      if optimizers[index].usesLookahead {
        optimizers[index].gradientPoint(parameters: parameters[index], into: &point)
        _ = point.withUnsafeBufferPointer { p in
          gradient.withUnsafeMutableBufferPointer { g in problems[index].smoothLoss(at: p, gradient: g) }
        }
      }
      figure.gradientNorm = Double(VectorMath.norm(gradient))
      previous.withUnsafeMutableBufferPointer { dst in
        parameters[index].withUnsafeBufferPointer { src in
          guard let to = dst.baseAddress, let from = src.baseAddress else { return }
          to.update(from: from, count: src.count)
        }
      }
      optimizers[index].step(parameters: &parameters[index], gradient: gradient)
      problems[index].regularizer.applyProximal(&parameters[index], step: optimizers[index].proximalStep)
      figure.updateNorm = Double(VectorMath.distance(parameters[index], previous))
      figures[index] = figure
    }
  }
}

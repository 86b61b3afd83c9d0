import Dispatch
import Libm
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
    instanceStream: SeedStream = .evaluation, keepingFinalParameters: Bool = false,
    recordingDNCMemory: Bool = false
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
      var lane = RaceLane(
        racer: racer, optima: problems.map { Double($0.optimum) }, blocks: first..<blocks.count,
        divergenceFactor: configuration.divergenceFactor, keepsFinalParameters: keepingFinalParameters)
      let firstOptimizer = blocks[first].optimizers.first
      lane.trace.flopsPerStep = firstOptimizer?.flopsPerStep
      lane.recordsMemory = recordingDNCMemory && firstOptimizer is DNCOptimizer
      if lane.recordsMemory { lane.trace.memoryHistory = [] }
      lanes.append(lane)
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
    // The first instance's DNC memory before the first step (the initial,
    // empty memory) and after every step.
    for index in lanes.indices where lanes[index].isRunning && lanes[index].trace.meanLoss.isEmpty {
      lanes[index].recordMemory(blocks)
    }
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
    for index in lanes.indices {
      if takeStep, lanes[index].isRunning { lanes[index].recordMemory(blocks) }
      lanes[index].record(takeStep: takeStep, blocks: blocks)
    }
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
  /// Whether to record a DNC rule's memory on the first instance at each point.
  var recordsMemory = false

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

  /// Appends the first instance's DNC memory to the trace (when recording).
  mutating func recordMemory(_ all: [RaceBlock]) {
    guard recordsMemory, let dnc = all[blocks.lowerBound].optimizers.first as? DNCOptimizer else { return }
    trace.memoryHistory?.append(dnc.memoryView)
  }

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
      if !takeStep { trace.finalLosses = [Double](repeating: .nan, count: optima.count) }
      appendNaN(includingUpdate: takeStep)
      return
    }
    if !takeStep { trace.finalLosses = all[blocks].flatMap { $0.figures.map(\.loss) } }
    let count = Double(optima.count)
    var lossSum = 0.0, logLossSum = 0.0, errorSum = 0.0, relativeSum = 0.0, gradientSum = 0.0, updateSum = 0.0
    var squareSum = 0.0
    var updateNanoseconds: UInt64 = 0
    var index = 0
    for block in all[blocks] {
      for figure in block.figures {
        lossSum += figure.loss
        squareSum += figure.loss * figure.loss
        updateNanoseconds += figure.updateNanoseconds
        logLossSum += Libm.log(max(figure.loss, 1e-30))
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
    trace.geometricMeanLoss.append(Libm.exp(logLossSum / count))
    trace.meanError.append(errorSum / count)
    if optimaArePositive { trace.meanRelativeError.append(relativeSum / count) }
    trace.gradientNorm.append(gradientSum / count)
    trace.lossStandardDeviation.append((max(squareSum / count - meanLoss * meanLoss, 0)).squareRoot())
    if takeStep {
      trace.updateNorm.append(updateSum / count)
      trace.stepSeconds.append(Double(updateNanoseconds) / 1e9 / count)
    }
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
    trace.lossStandardDeviation.append(.nan)
    if includingUpdate {
      trace.updateNorm.append(.nan)
      trace.stepSeconds.append(.nan)
    }
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
    /// The update's wall time (the optimizer's step and the prox; a
    /// lookahead's extra gradient evaluation excluded).
    var updateNanoseconds: UInt64 = 0
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
      let started = DispatchTime.now().uptimeNanoseconds
      var objectiveNanoseconds: UInt64 = 0
      if optimizers[index].usesLookahead {
        optimizers[index].gradientPoint(parameters: parameters[index], into: &point)
        let objectiveStarted = DispatchTime.now().uptimeNanoseconds
        _ = point.withUnsafeBufferPointer { p in
          gradient.withUnsafeMutableBufferPointer { g in problems[index].smoothLoss(at: p, gradient: g) }
        }
        objectiveNanoseconds = DispatchTime.now().uptimeNanoseconds - objectiveStarted
      }
      figure.gradientNorm = Double(VectorMath.norm(gradient))
      previous.withUnsafeMutableBufferPointer { dst in
        parameters[index].withUnsafeBufferPointer { src in
          guard let to = dst.baseAddress, let from = src.baseAddress else { return }
          to.update(from: from, count: src.count)
        }
      }
      optimizers[index].step(parameters: &parameters[index], gradient: gradient)
      optimizers[index].applyProximal(of: problems[index].regularizer, to: &parameters[index])
      figure.updateNanoseconds = DispatchTime.now().uptimeNanoseconds - started - objectiveNanoseconds
      figure.updateNorm = Double(VectorMath.distance(parameters[index], previous))
      figures[index] = figure
    }
  }
}

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
    lanes = racers.map {
      RaceLane(
        racer: $0, problems: problems, divergenceFactor: configuration.divergenceFactor,
        keepsFinalParameters: keepingFinalParameters, recordsMemory: recordingDNCMemory)
    }
  }

  /// Whether every point has been recorded.
  public var isFinished: Bool { nextPoint > configuration.steps }

  /// The traces so far, one per racer in the order given.
  public var traces: [RacerTrace] { lanes.map(\.trace) }

  /// Records the next point θ_t for every racer and, unless t is the last
  /// point, steps every running racer to θ_{t+1}.
  ///
  /// Racers advance in parallel on the machine's cores; OpenBLAS is set to
  /// one thread meanwhile so the two levels of parallelism do not fight.
  public mutating func advance() {
    guard !isFinished else { return }
    let takeStep = nextPoint < configuration.steps
    let blasThreads = BLAS.threadCount
    BLAS.threadCount = 1
    defer { BLAS.threadCount = blasThreads }
    lanes.withUnsafeMutableBufferPointer { buffer in
      // Safe: each concurrent iteration touches only its own element of the
      // buffer, and the buffer outlives `concurrentPerform`, which returns
      // only after every iteration has finished.
      nonisolated(unsafe) let lanes = buffer
      DispatchQueue.concurrentPerform(iterations: lanes.count) { index in
        lanes[index].advance(takeStep: takeStep)
      }
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

/// One racer's state across all instances.
private struct RaceLane: Sendable {
  var trace: RacerTrace
  var problems: [any Problem]
  var optimizers: [any Optimizer]
  var parameters: [[Float]]
  var gradient: [Float]
  var point: [Float]
  var previous: [Float]
  let optima: [Double]
  /// Whether every r > 0, so (f − r)/r is defined.
  let optimaArePositive: Bool
  let divergenceFactor: Double
  /// Whether to copy θ_T of every instance into the trace at the last point.
  let keepsFinalParameters: Bool
  /// Whether to record a DNC rule's memory on the first instance at each point.
  let recordsMemory: Bool

  init(
    racer: Racer, problems: [any Problem], divergenceFactor: Double, keepsFinalParameters: Bool,
    recordsMemory: Bool = false
  ) {
    trace = RacerTrace(name: racer.name, learningRate: racer.learningRate, stepLabel: racer.stepLabel)
    self.problems = problems
    optimizers = problems.map { racer.makeOptimizer($0) }
    trace.flopsPerStep = optimizers.first?.flopsPerStep
    parameters = problems.map(\.initialParameters)
    let dimension = problems.first?.dimension ?? 0
    gradient = [Float](repeating: 0, count: dimension)
    point = gradient
    previous = gradient
    optima = problems.map { Double($0.optimum) }
    optimaArePositive = optima.allSatisfy { $0 > 0 }
    self.divergenceFactor = divergenceFactor
    self.keepsFinalParameters = keepsFinalParameters
    self.recordsMemory = recordsMemory && optimizers.first is DNCOptimizer
    if self.recordsMemory { trace.memoryHistory = [] }
  }

  /// The first instance's DNC memory, appended once per point (the state the
  /// step from θ_t left, so entry 0 is the initial, empty memory).
  private mutating func recordMemory() {
    guard recordsMemory, let dnc = optimizers.first as? DNCOptimizer else { return }
    trace.memoryHistory?.append(dnc.memoryView)
  }

  mutating func advance(takeStep: Bool) {
    // The last point (no step follows) is where θ_T is kept; a diverged
    // racer keeps the iterate it stopped at.
    defer { if keepsFinalParameters, !takeStep { trace.finalParameters = parameters } }
    if trace.divergedAt != nil {
      appendNaN(includingUpdate: takeStep)
      return
    }
    if trace.meanLoss.isEmpty { recordMemory() }
    defer { if takeStep { recordMemory() } }
    let count = Double(problems.count)
    var lossSum = 0.0, logLossSum = 0.0, errorSum = 0.0, relativeSum = 0.0, gradientSum = 0.0, updateSum = 0.0
    var squareSum = 0.0
    var updateNanoseconds: UInt64 = 0
    for index in problems.indices {
      let loss = Double(problems[index].objective(at: parameters[index], gradient: &gradient))
      lossSum += loss
      squareSum += loss * loss
      logLossSum += mathLog(max(loss, 1e-30))
      errorSum += max(loss - optima[index], 0)
      relativeSum += (loss - optima[index]) / optima[index]
      if takeStep { optimizers[index].observe(loss: Float(loss)) }
      guard takeStep else {
        gradientSum += Double(VectorMath.norm(gradient))
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
      gradientSum += Double(VectorMath.norm(gradient))
      previous.withUnsafeMutableBufferPointer { dst in
        parameters[index].withUnsafeBufferPointer { src in
          dst.baseAddress?.update(from: src.baseAddress!, count: src.count)
        }
      }
      optimizers[index].step(parameters: &parameters[index], gradient: gradient)
      problems[index].regularizer.applyProximal(&parameters[index], step: optimizers[index].proximalStep)
      updateNanoseconds += DispatchTime.now().uptimeNanoseconds - started - objectiveNanoseconds
      updateSum += Double(VectorMath.distance(parameters[index], previous))
    }
    let meanLoss = lossSum / count
    let t = trace.meanLoss.count
    trace.meanLoss.append(meanLoss)
    trace.geometricMeanLoss.append(mathExp(logLossSum / count))
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

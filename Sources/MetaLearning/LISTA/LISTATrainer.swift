import Dispatch
import Evaluation
import LinearAlgebra
import Optimizees
import Optimizers
import Sessions

/// Trains a LISTA racer end to end: each iteration takes the next `batch`
/// problems of the training pool, runs ``LISTAUnroll`` on each (forward and
/// exact backward through all T steps), averages the losses and gradients,
/// and takes one ``MetaAdam`` step on the raw parameters. The parameters
/// with the lowest validation loss seen so far are kept as ``best``.
public struct LISTATrainer: Sendable {
  /// The problem class's name and configuration key.
  public let problemName: String
  public let problemKey: String
  /// K and momentum.
  public let configuration: LISTAConfiguration
  /// The training settings.
  public let training: LISTATrainingConfiguration
  /// The current parameters.
  public private(set) var parameters: LISTAParameters
  /// Adam's state on the raw parameters.
  public private(set) var adam: MetaAdam
  /// Iterations completed.
  public private(set) var iteration: Int
  /// The best validated parameters and their validation loss.
  public private(set) var best: (parameters: LISTAParameters, validationLoss: Double)?
  private let pool: [LISTAInstance]
  private let validationSet: [LISTAInstance]

  /// What one iteration did.
  public struct Report: Sendable {
    public var iteration: Int
    /// The batch's mean objective.
    public var loss: Double
    /// The batch's mean relative error after T steps.
    public var finalRelativeError: Double
    /// Whether the update was skipped because the gradient was not finite.
    public var skipped: Bool
  }

  /// A trainer on `problemClass` (a sparse coding class), starting from
  /// `parameters` (ISTA when nil) and, when resuming, Adam's state, the
  /// iteration count and the best parameters so far.
  public init(
    problemClass: any ProblemClass, configuration: LISTAConfiguration, training: LISTATrainingConfiguration,
    parameters: LISTAParameters? = nil, adam: MetaAdam? = nil, iteration: Int = 0,
    best: (parameters: LISTAParameters, validationLoss: Double)? = nil
  ) throws(LISTAError) {
    guard let sparse = problemClass as? SparseCodingClass else {
      throw .unsupportedProblem(problemClass.name)
    }
    problemName = sparse.name
    problemKey = sparse.configurationKey
    self.configuration = configuration
    self.training = training
    let start = parameters ?? LISTAParameters(configuration: configuration)
    precondition(start.configuration == configuration, "LISTATrainer: parameters of another configuration")
    self.parameters = start
    self.adam = adam ?? MetaAdam(count: configuration.parameterCount, learningRate: training.learningRate)
    self.iteration = iteration
    self.best = best
    pool = try Self.instances(of: sparse, stream: .training, count: training.pool, seed: training.seed)
    validationSet = try Self.instances(of: sparse, stream: .validation, count: training.validation, seed: training.seed)
  }

  /// `count` instances of `problemClass` from `stream`, sampled in parallel
  /// (each sample is a pure function of its seed).
  static func instances(
    of problemClass: SparseCodingClass, stream: SeedStream, count: Int, seed: UInt64
  ) throws(LISTAError) -> [LISTAInstance] {
    var result = [LISTAInstance?](repeating: nil, count: count)
    result.withUnsafeMutableBufferPointer { buffer in
      // Safe: each iteration writes only its own element, and the buffer
      // outlives `concurrentPerform`, which returns after every iteration.
      nonisolated(unsafe) let slots = buffer
      DispatchQueue.concurrentPerform(iterations: count) { index in
        slots[index] = LISTAInstance(problemClass.instance(seed: stream.seed(seed, index: index)))
      }
    }
    let instances = result.compactMap { $0 }
    // A sparse coding instance lacks L or r > 0 only when y = 0 (no active
    // code), which the class never draws; refuse rather than train on less.
    guard instances.count == count else { throw .unsupportedProblem(problemClass.name) }
    return instances
  }

  /// One iteration: a batch's mean loss and gradient, then Adam.
  @discardableResult
  public mutating func step() -> Report {
    let batch = training.batch
    let raw = parameters.values.map(Double.init)
    var gradient = [Double](repeating: 0, count: raw.count)
    var loss = 0.0
    var finalError = 0.0
    for b in 0..<batch {
      let instance = pool[(iteration * batch + b) % pool.count]
      let outcome = LISTAUnroll.run(
        raw: raw, configuration: configuration, instance: instance, steps: training.unroll,
        objective: training.objective, thresholdGate: LISTAUnroll.hardThresholdGate)
      loss += outcome.loss / Double(batch)
      finalError += outcome.finalRelativeError / Double(batch)
      for i in gradient.indices { gradient[i] += outcome.gradient[i] / Double(batch) }
    }
    iteration += 1
    let finite = loss.isFinite && gradient.allSatisfy(\.isFinite)
    if finite {
      var values = parameters.values
      adam.update(&values, gradient: gradient.map { Float($0) })
      parameters.values = values
    }
    return Report(iteration: iteration, loss: loss, finalRelativeError: finalError, skipped: !finite)
  }

  /// The mean objective of `parameters` (the current ones when nil) over
  /// the validation instances.
  public func validationLoss(of parameters: LISTAParameters? = nil) -> Double {
    let raw = (parameters ?? self.parameters).values.map(Double.init)
    var total = 0.0
    for instance in validationSet {
      total += LISTAUnroll.run(
        raw: raw, configuration: configuration, instance: instance, steps: training.unroll,
        objective: training.objective, gradient: false
      ).loss
    }
    return total / Double(validationSet.count)
  }

  /// Validates the current parameters, keeps them as ``best`` if they beat
  /// it, and returns their validation loss.
  @discardableResult
  public mutating func validate() -> Double {
    let loss = validationLoss()
    if loss.isFinite, best.map({ loss < $0.validationLoss }) ?? true {
      best = (parameters, loss)
    }
    return loss
  }

  /// The parameters to race: the best validated, else the current ones.
  public var racingParameters: LISTAParameters { best?.parameters ?? parameters }
}

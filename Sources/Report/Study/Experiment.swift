/// One race of the study and the table it yields: a problem class, a
/// budget (steps × held-out instances), the contenders and the metrics.
public struct Experiment: Sendable, Hashable {
  /// The table's id and CSV stem (`quadratic-100`), unique in a study.
  public var id: String
  /// The table's caption.
  public var title: String
  public var problem: ProblemSpec
  /// Optimizer steps per instance.
  public var steps: Int
  /// Held-out instances.
  public var instances: Int
  /// The horizon the baselines' learning rates are tuned for (nil: `steps`).
  /// Long stability runs reuse the rates tuned at the training horizon, as
  /// a practitioner would.
  public var tuningSteps: Int?
  public var contenders: [Contender]
  public var metrics: [Metric]
  /// The SVG file stem of this race's loss curves, if it is plotted.
  public var plot: String?

  public init(
    id: String, title: String, problem: ProblemSpec, steps: Int, instances: Int, tuningSteps: Int? = nil,
    contenders: [Contender], metrics: [Metric], plot: String? = nil
  ) {
    self.id = id
    self.title = title
    self.problem = problem
    self.steps = steps
    self.instances = instances
    self.tuningSteps = tuningSteps
    self.contenders = contenders
    self.metrics = metrics
    self.plot = plot
  }

  /// Whether the race must keep every instance's θ_T.
  public var needsFinalParameters: Bool { metrics.contains { $0.needsFinalParameters } }
}

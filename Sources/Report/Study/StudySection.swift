/// A part of the report: a heading, a paragraph saying what it tests, and
/// its experiments (one table each).
public struct StudySection: Sendable, Hashable {
  /// The name `--sections` selects it by (`quadratic`, `sparse`, `mnist-mlp`, `objectives`).
  public var id: String
  public var title: String
  /// Markdown shown under the heading.
  public var summary: String
  public var experiments: [Experiment]

  public init(id: String, title: String, summary: String, experiments: [Experiment]) {
    self.id = id
    self.title = title
    self.summary = summary
    self.experiments = experiments
  }
}

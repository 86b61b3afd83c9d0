/// A saved session in memory: the manifest, the learned optimizer's weights
/// (with the meta-optimizer's state, so training resumes exactly), and the
/// meta-training and race histories.
public struct Session: Sendable, Equatable {
  public var manifest: SessionManifest
  public var weights: NamedTensors
  /// Meta-training history: one row per logged meta-iteration.
  public var trainingHistory: CSVTable
  /// The latest race: one row per optimizer per step.
  public var raceHistory: CSVTable
  /// The folder it was loaded from (nil for a session built in memory):
  /// named in errors, so they point at the files the user gave, not at
  /// `sessions/NAME`.
  public var folder: String?

  public init(
    manifest: SessionManifest, weights: NamedTensors,
    trainingHistory: CSVTable = CSVTable(header: []), raceHistory: CSVTable = CSVTable(header: [])
  ) {
    self.manifest = manifest
    self.weights = weights
    self.trainingHistory = trainingHistory
    self.raceHistory = raceHistory
  }

  /// The path of `file` in the session's folder, for messages.
  public func path(of file: String) -> String {
    (folder ?? "sessions/\(manifest.name)") + "/" + file
  }
}

import Evaluation
import Foundation
import Sessions

/// Where a report reads from and writes to, and what it may do.
public struct ReportSettings: Sendable {
  /// The directory receiving report.md, the CSVs and the SVGs.
  public var outputDirectory: URL
  /// Where learned optimizers' sessions are read (and trained into).
  public var sessions: SessionStore
  /// The tuned learning rates' cache file.
  public var tuningCache: URL
  /// `--mnist DIR` (nil: `$MNEMO_MNIST`, then `data/mnist`).
  public var mnistDirectory: String?
  /// Whether missing sessions are trained from their recipes (else they are
  /// reported "not trained").
  public var allowTraining: Bool
  /// The command line, as recorded in the report.
  public var commandLine: String
  public var registry: ContenderRegistry
  /// Where `git rev-parse HEAD` runs.
  public var repositoryDirectory: URL

  public init(
    outputDirectory: URL, sessions: SessionStore, tuningCache: URL, mnistDirectory: String? = nil,
    allowTraining: Bool = true, commandLine: String, registry: ContenderRegistry = .standard,
    repositoryDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
  ) {
    self.outputDirectory = outputDirectory
    self.sessions = sessions
    self.tuningCache = tuningCache
    self.mnistDirectory = mnistDirectory
    self.allowTraining = allowTraining
    self.commandLine = commandLine
    self.registry = registry
    self.repositoryDirectory = repositoryDirectory
  }
}

/// What a report wrote.
public struct ReportOutcome: Sendable {
  /// File names written into the output directory, in order.
  public var files: [String]
  /// Every table, in report order.
  public var tables: [ReportTable]
  /// Experiments skipped and sessions not available, one line each.
  public var notes: [String]
}

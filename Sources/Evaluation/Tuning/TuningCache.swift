import Foundation
import Optimizers

/// Tuned learning rates remembered across runs, per problem configuration,
/// horizon and optimizer kind, so `--tune` pays its grid search once.
///
/// The cache is one small JSON file (`tuned-learning-rates.json`) in
/// `$MNEMO_CACHE`, else `$XDG_CACHE_HOME/mnemo`, else `~/.cache/mnemo`. It is
/// written to a temporary name and renamed, so a killed process never leaves
/// it half written; an unreadable cache is treated as empty and replaced on
/// the next write, never fatal (it only ever saves time).
public struct TuningCache: Sendable {
  /// The cache file.
  public let url: URL
  private var entries: [String: Float]

  /// Opens (or starts) the cache at `url`.
  public init(url: URL) {
    self.url = url
    if let data = try? Data(contentsOf: url),
      let decoded = try? JSONDecoder().decode([String: Float].self, from: data)
    {
      entries = decoded
    } else {
      entries = [:]
    }
  }

  /// The default cache file for this user and environment.
  public static func defaultURL(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
    let directory: URL
    if let explicit = environment["MNEMO_CACHE"], !explicit.isEmpty {
      directory = URL(fileURLWithPath: explicit)
    } else if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
      directory = URL(fileURLWithPath: xdg).appendingPathComponent("mnemo")
    } else {
      let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
      directory = URL(fileURLWithPath: home).appendingPathComponent(".cache/mnemo")
    }
    return directory.appendingPathComponent("tuned-learning-rates.json")
  }

  /// The key under which a rate is stored.
  static func key(problemKey: String, steps: Int, kind: OptimizerKind) -> String {
    "\(problemKey)|steps=\(steps)|\(kind.rawValue)"
  }

  /// The remembered rate, if any.
  public func learningRate(problemKey: String, steps: Int, kind: OptimizerKind) -> Float? {
    entries[Self.key(problemKey: problemKey, steps: steps, kind: kind)]
  }

  /// Remembers a rate (call ``save()`` to persist).
  public mutating func record(_ rate: Float, problemKey: String, steps: Int, kind: OptimizerKind) {
    entries[Self.key(problemKey: problemKey, steps: steps, kind: kind)] = rate
  }

  /// Writes the cache atomically (temporary file, then rename).
  public func save() throws {
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(entries).write(to: url, options: .atomic)
  }
}

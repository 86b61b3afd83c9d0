import ArgumentParser
import Evaluation
import Foundation
import MetaLearning
import Sessions

/// `mnemo sessions list|show NAME`: what is saved in `sessions/`.
struct SessionsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sessions",
    abstract: "List saved sessions or show one.",
    subcommands: [List.self, Show.self],
    defaultSubcommand: List.self)

  /// The options locating the sessions folder.
  struct Location: ParsableArguments {
    @Option(help: ArgumentHelp("The sessions folder (default: $MNEMO_SESSIONS, else ./sessions).", valueName: "dir"))
    var sessions: String?

    var store: SessionStore {
      SessionStore(directory: sessions.map { URL(fileURLWithPath: $0) } ?? SessionStore.defaultDirectory())
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List saved sessions, one line each.")
    @OptionGroup var location: Location

    func run() throws {
      let store = location.store
      let names = store.names()
      guard !names.isEmpty else {
        print("No sessions in \(store.directory.path). Train one with `mnemo train --session NAME`.")
        return
      }
      var rows: [[String]] = [["name", "problem", "optimizer", "objective", "iteration", "updated"]]
      for name in names {
        do {
          let manifest = try store.manifest(name)
          rows.append([
            name, manifest.problem.configurationKey, manifest.optimizer["architecture"] ?? "?",
            manifest.objective, String(manifest.metaIteration),
            ISO8601DateFormatter().string(from: manifest.updated),
          ])
        } catch {
          rows.append([name, "unreadable: \(error)", "", "", "", ""])
        }
      }
      print(TextTable.render(rows), terminator: "")
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show one session's configuration and progress.")
    @OptionGroup var location: Location
    @Argument(help: "The session: a name in the sessions folder, or a path to a session folder.")
    var session: String

    func run() throws {
      let place = try SessionLocation.resolve(session, sessionsDirectory: location.store.directory)
      let session = try place.load()
      let manifest = session.manifest
      var lines: [(String, String)] = [
        ("name", manifest.name),
        ("folder", place.folder.path + (place.isShipped ? " (shipped with Mnemo: read-only)" : "")),
        ("problem", manifest.problem.configurationKey),
        ("optimizer", manifest.optimizer.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
          .joined(separator: " ")),
        ("objective", manifest.objective),
        ("training", manifest.training.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
          .joined(separator: " ")),
        ("seed", String(manifest.seed)),
        ("meta-iteration", String(manifest.metaIteration)),
        ("weights", "\(manifest.weightsFile) (\(session.weights.entries.count) tensors, "
          + "\(session.weights.entries.reduce(0) { $0 + $1.values.count }) values)"),
        ("tuned rates", manifest.tunedLearningRates.sorted { $0.key < $1.key }
          .map { "\($0.key)=\($0.value)" }.joined(separator: " ")),
        ("created", ISO8601DateFormatter().string(from: manifest.created)),
        ("updated", ISO8601DateFormatter().string(from: manifest.updated)),
      ]
      if let losses = session.trainingHistory.column("meta_loss"), let last = losses.last {
        lines.append(("last meta-loss", String(format: "%.5g", last)))
      }
      if let theme = manifest.theme { lines.append(("theme", theme)) }
      let width = lines.map(\.0.count).max() ?? 0
      for (key, value) in lines {
        print(key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value)
      }
    }
  }
}

import ArgumentParser
import Evaluation
import MetaLearning
import Optimizees
import Sessions

/// The options that choose a problem class, shared by every command that
/// runs optimizers.
struct ProblemOptions: ParsableArguments {
  @Option(help: "The problem class (see `mnemo problems`; default: the session's, else quadratic).")
  var problem: String?

  @Option(
    name: .customLong("option"),
    help: ArgumentHelp("A problem option as key=value (repeatable), e.g. --option n=20.", valueName: "key=value"))
  var options: [String] = []

  @Option(help: ArgumentHelp("Directory holding the four MNIST IDX files (raw or .gz).", valueName: "dir"))
  var mnist: String?

  /// The parsed `key=value` pairs.
  func parsedOptions() throws -> [String: String] {
    var result: [String: String] = [:]
    for item in options {
      let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, !parts[0].isEmpty else {
        throw ValidationError("--option expects key=value, got '\(item)'.")
      }
      result[parts[0]] = parts[1]
    }
    return result
  }

  /// The problem class these options describe; a session's problem (and
  /// its options) stands in for whatever the command line leaves out.
  func makeClass(session: SessionManifest? = nil) throws -> any ProblemClass {
    let name = problem ?? session?.problem.name ?? "quadratic"
    var options = try parsedOptions()
    if let session, session.problem.name == name {
      options = session.problem.options.merging(options) { _, explicit in explicit }
    }
    return try ProblemCatalog.make(name, options: options, mnistDirectory: mnist)
  }
}

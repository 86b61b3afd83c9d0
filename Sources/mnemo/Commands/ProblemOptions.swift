import ArgumentParser
import Optimizees

/// The options that choose a problem class, shared by every command that
/// runs optimizers.
struct ProblemOptions: ParsableArguments {
  @Option(help: "The problem class (see `mnemo problems`).")
  var problem: String = "quadratic"

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

  /// The problem class these options describe.
  func makeClass() throws -> any ProblemClass {
    try ProblemCatalog.make(problem, options: parsedOptions(), mnistDirectory: mnist)
  }
}

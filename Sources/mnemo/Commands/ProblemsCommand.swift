import ArgumentParser
import Optimizees

/// `mnemo problems`: the problem classes, one line each.
struct ProblemsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "problems", abstract: "List the problem classes.")

  func run() {
    let width = ProblemCatalog.summaries.map(\.name.count).max() ?? 0
    for (name, summary) in ProblemCatalog.summaries {
      print(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + summary)
    }
  }
}

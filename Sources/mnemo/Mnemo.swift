import ArgumentParser
import Foundation
import LinearAlgebra

/// The `mnemo` command: a terminal laboratory for learned optimizers.
@main
struct Mnemo: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mnemo",
    abstract: "A terminal laboratory for learned optimizers.",
    discussion: """
      Meta-trains learned optimizers and races them against hand-designed ones \
      (SGD, momentum, NAG, RMSprop, Adam, AdaGrad, ISTA, FISTA) on classes of problems.
      """,
    subcommands: [
      DashboardCommand.self, RaceCommand.self, TrainCommand.self, BenchCommand.self, ProblemsCommand.self,
      SessionsCommand.self, WatchCommand.self, ReportCommand.self,
    ],
    defaultSubcommand: DashboardCommand.self)

  /// Chooses OpenBLAS's kernels for this CPU (see
  /// `LinearAlgebra.BLAS.selectKernelsForThisCPU`) before any thread starts,
  /// then runs the command.
  ///
  /// OpenBLAS runs on one thread: Mnemo's products are small (k ≤ 41 for the
  /// learned optimizers, a 128-row batch for the MLP), where a second BLAS
  /// thread gains nothing and its idle spinning takes the core from the
  /// parallel elementwise kernels and racers (docs/autodiff.md).
  static func main() {
    let environment = ProcessInfo.processInfo.environment
    BLAS.selectKernelsForThisCPU(environment: environment)
    if environment["OPENBLAS_NUM_THREADS"] == nil { BLAS.threadCount = 1 }
    main(Self.joiningNegativeValues(Array(CommandLine.arguments.dropFirst())))
  }

  /// `--steps -1` as `--steps=-1`: ArgumentParser reads a value that starts
  /// with `-` as the next option and reports "Missing value for '--steps'",
  /// which hides the real problem (the number is out of range). Mnemo has no
  /// option named like a number and no positional argument that starts
  /// with `-`, so a number after `--option` is always that option's value.
  static func joiningNegativeValues(_ arguments: [String]) -> [String] {
    var result: [String] = []
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      if argument == "--" {
        result += arguments[index...]
        break
      }
      if argument.hasPrefix("--"), !argument.contains("="), index + 1 < arguments.count,
        isNegativeNumber(arguments[index + 1])
      {
        result.append(argument + "=" + arguments[index + 1])
        index += 2
      } else {
        result.append(argument)
        index += 1
      }
    }
    return result
  }

  private static func isNegativeNumber(_ text: String) -> Bool {
    guard text.hasPrefix("-"), text.count > 1 else { return false }
    return Double(text) != nil
  }
}

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
    main(nil)
  }
}

import ArgumentParser

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
      SessionsCommand.self, WatchCommand.self,
    ],
    defaultSubcommand: DashboardCommand.self)
}

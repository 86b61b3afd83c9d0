import ArgumentParser

@main
struct Mnemo: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mnemo",
    abstract: "A terminal laboratory for learned optimizers.")

  func run() throws {
    print("mnemo")
  }
}

import Foundation
import TestSupport
import Testing

/// Shell completions come from ArgumentParser's generator
/// (`mnemo --generate-completion-script SHELL`, what `make completions`
/// writes): each script must know the subcommands and their options, so a
/// new option is completed without anyone editing a script by hand.
@Suite(.enabled(if: Command.mnemoBinary != nil, Comment(rawValue: Command.mnemoBinaryMissing)))
struct CompletionTests {
  /// The binary's standard output for `arguments`, and its exit status.
  static func run(_ arguments: [String]) throws -> (output: String, status: Int32) {
    let result = try Command.mnemo(arguments)
    return (result.output, result.status)
  }

  @Test(arguments: ["bash", "zsh", "fish"])
  func completionScriptKnowsTheSubcommandsAndOptions(shell: String) throws {
    let (script, status) = try Self.run(["--generate-completion-script", shell])
    #expect(status == 0)
    for word in ["race", "train", "dashboard", "report", "watch", "bench", "dnc-memory", "mnist", "format"] {
      #expect(script.contains(word), "\(shell) completion lacks \(word)")
    }
  }

  /// What generate-manual reads: the whole command tree as JSON.
  @Test func helpDumpDescribesEveryCommand() throws {
    let (dump, status) = try Self.run(["--experimental-dump-help"])
    #expect(status == 0)
    let json = try #require(try JSONSerialization.jsonObject(with: Data(dump.utf8)) as? [String: Any])
    let command = try #require(json["command"] as? [String: Any])
    let names = (command["subcommands"] as? [[String: Any]] ?? []).compactMap { $0["commandName"] as? String }
    #expect(Set(["dashboard", "race", "train", "bench", "problems", "sessions", "watch", "report"]).isSubset(of: Set(names)))
  }
}

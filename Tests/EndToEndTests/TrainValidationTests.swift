import Foundation
import TestSupport
import Testing

/// `mnemo train` refuses option combinations that cannot mean anything,
/// before any work, with a message that names the option and the fix.
@Suite struct TrainValidationTests {
  static let cases: [([String], String)] = [
    (["--memory", "secant"], "--memory applies to --architecture dnc only"),
    (["--architecture", "dnc", "--memory", "secant", "--word-size", "4"], "drop --word-size or set it to 8"),
    (["--architecture", "dnc", "--memory", "lbfgs"], "lbfgs"),
    (["--read-heads", "2"], "--read-heads applies to --architecture dnc only"),
    (["--architecture", "lista", "--update", "curvature"], "--update applies to --architecture lstm and dnc"),
  ]

  @Test(
    .enabled(if: Command.mnemoBinary != nil, Comment(rawValue: Command.mnemoBinaryMissing)),
    arguments: cases)
  func refusedWithAMessage(arguments: [String], message: String) throws {
    let sessions = try Scratch.directory("train-validation")
    defer { Scratch.remove(sessions) }
    let result = try Command.mnemo(
      ["train", "--problem", "quadratic", "--session", "refused", "--sessions", sessions.path, "--iterations", "1",
       "--quiet"] + arguments)
    #expect(result.status != 0)
    #expect(result.error.contains(message), "\(result.error)")
    // Nothing was written.
    #expect((try? FileManager.default.contentsOfDirectory(atPath: sessions.path))?.isEmpty ?? true)
  }
}

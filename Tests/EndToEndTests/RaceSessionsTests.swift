import Foundation
import TestSupport
import Testing

/// `mnemo race` with several `--session`s: each learned optimizer is named
/// by its session and paired with the first, through the real binary on the
/// shipped sessions.
@Suite struct RaceSessionsTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  @Test(.enabled(if: Command.mnemoBinary != nil, Comment(rawValue: Command.mnemoBinaryMissing)))
  func severalSessionsRaceHeadToHead() throws {
    let result = try Command.mnemo(
      [
        "race", "--problem", "quadratic", "--optimizers", "momentum@0.0316", "--session", "quadratic",
        "--session", "quadratic-dnc", "--steps", "20", "--instances", "10", "--quiet",
      ], directory: Self.root)
    try #require(result.status == 0, "\(result.error)")
    let lines = result.output.split(separator: "\n").map(String.init)
    // Both racers, named by their sessions.
    #expect(lines.contains { $0.contains(" quadratic ") && $0.contains("learned") })
    #expect(lines.contains { $0.contains(" quadratic-dnc ") && $0.contains("learned") })
    let head = try #require(lines.firstIndex { $0.hasPrefix("paired with quadratic (the first --session)") })
    #expect(lines[(head + 1)...].contains { $0.hasPrefix("quadratic-dnc ") && $0.contains("/10") })
  }

  @Test(.enabled(if: Command.mnemoBinary != nil, Comment(rawValue: Command.mnemoBinaryMissing)))
  func oneSessionKeepsTheArchitecturesName() throws {
    let result = try Command.mnemo(
      [
        "race", "--problem", "quadratic", "--optimizers", "momentum@0.0316", "--session", "quadratic-dnc",
        "--ablate-memory", "--steps", "10", "--instances", "4", "--quiet",
      ], directory: Self.root)
    try #require(result.status == 0, "\(result.error)")
    #expect(result.output.contains(" dnc-no-reads "))
    #expect(!result.output.contains("first --session"))
  }

  @Test(.enabled(if: Command.mnemoBinary != nil, Comment(rawValue: Command.mnemoBinaryMissing)))
  func theSameSessionTwiceIsRefused() throws {
    let result = try Command.mnemo(
      ["race", "--problem", "quadratic", "--session", "quadratic", "--session", "quadratic", "--steps", "5", "--quiet"],
      directory: Self.root)
    #expect(result.status != 0)
    #expect(result.error.contains("same name"))
  }

  /// `--dnc-memory` JSON: every step of a DNC racer carries its memory, and
  /// a secant memory names its word's components; a learned one does not.
  @Test(
    .enabled(if: Command.mnemoBinary != nil, Comment(rawValue: Command.mnemoBinaryMissing)),
    arguments: [("quadratic-dnc-secant", true), ("quadratic-dnc", false)])
  func memoryRecordsNameSecantComponents(session: String, named: Bool) throws {
    let result = try Command.mnemo(
      [
        "race", "--problem", "quadratic", "--optimizers", "momentum@0.0316", "--session", session, "--steps", "3",
        "--instances", "2", "--dnc-memory", "--format", "json", "--quiet",
      ], directory: Self.root)
    try #require(result.status == 0, "\(result.error)")
    let records = try #require(try JSONSerialization.jsonObject(with: result.outputBytes) as? [[String: Any]])
    let memories = records.filter { $0["optimizer"] as? String == "dnc" }.compactMap { $0["dnc_memory"] as? [String: Any] }
    #expect(memories.count == 4, "steps 0…3")
    for memory in memories {
      let components = memory["components"] as? [String]
      #expect((components?.count == 8) == named)
      if named { #expect(components?.first == "cos(s,y)" && components?.last == "written") }
      #expect((memory["memory"] as? [Double])?.count == 16 * 8)
    }
  }
}

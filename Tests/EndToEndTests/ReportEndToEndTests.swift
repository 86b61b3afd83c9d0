import Foundation
import TestSupport
import Testing

/// `mnemo report` as a user runs it: the quick quadratic section writes its
/// files and exits 0; a bad `--out` or section name exits non-zero with a
/// message saying what to do, before any work.
@Suite(.enabled(if: Command.mnemoBinary != nil, Comment(rawValue: Command.mnemoBinaryMissing)))
struct ReportEndToEndTests {
  /// Runs the binary; returns its exit status and standard error.
  static func run(_ arguments: [String]) throws -> (status: Int32, error: String) {
    let result = try Command.mnemo(arguments)
    return (result.status, result.error)
  }

  @Test func quickQuadraticSectionWritesItsFiles() throws {
    let out = Scratch.absentPath("report-e2e")
    defer { try? FileManager.default.removeItem(at: out) }
    let (status, error) = try Self.run(["report", "--quick", "--sections", "quadratic", "--out", out.path])
    #expect(status == 0, "\(error)")
    for file in ["report.md", "quadratic-5.csv", "quadratic-50.csv", "quadratic.svg"] {
      #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file)")
    }
    #expect(error.contains("ETA"), "progress goes to standard error")
    let markdown = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
    #expect(markdown.contains("mnemo report --quick --sections quadratic"))
  }

  @Test func badArgumentsFailClearly() throws {
    let unknown = try Self.run(["report", "--quick", "--sections", "cifar", "--out", "/tmp/unused"])
    #expect(unknown.status != 0 && unknown.error.contains("unknown section 'cifar'"))
    let unwritable = try Self.run(["report", "--quick", "--sections", "quadratic", "--out", "/dev/null/report"])
    #expect(unwritable.status != 0 && unwritable.error.contains("cannot write the report into /dev/null/report"))
  }
}

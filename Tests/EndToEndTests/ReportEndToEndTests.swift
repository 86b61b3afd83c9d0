import Foundation
import Testing

/// `mnemo report` as a user runs it: the quick quadratic section writes its
/// files and exits 0; a bad `--out` or section name exits non-zero with a
/// message saying what to do, before any work.
@Suite(
  .enabled(
    if: ProcessInfo.processInfo.environment["MNEMO_BINARY"] != nil,
    "MNEMO_BINARY is not set: run `make test`, or set it to a built mnemo"))
struct ReportEndToEndTests {
  /// Runs the binary; returns its exit status and standard error.
  static func run(_ arguments: [String]) throws -> (status: Int32, error: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.environment["MNEMO_BINARY"] ?? "")
    process.arguments = arguments
    let errors = Pipe()
    process.standardOutput = FileHandle.nullDevice
    process.standardError = errors
    try process.run()
    let data = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  @Test func quickQuadraticSectionWritesItsFiles() throws {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent(
      "mnemo-report-e2e-\(ProcessInfo.processInfo.processIdentifier)")
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

import Evaluation
import Foundation
@testable import Report
import Sessions
import TestSupport
import Testing

/// The quick study, in process, into a temporary directory: every file it
/// announces exists, the baselines' numbers are finite, report.md carries
/// its provenance, and bad output directories and section names fail
/// clearly before any work.
@Suite(.serialized) struct QuickReportTests {
  static func settings(out: URL, scratch: URL) -> ReportSettings {
    ReportSettings(
      outputDirectory: out, sessions: SessionStore(directory: scratch.appendingPathComponent("sessions")),
      tuningCache: scratch.appendingPathComponent("rates.json"), commandLine: "mnemo report --quick (test)")
  }

  @Test func quickStudyWritesEveryFileWithFiniteBaselines() throws {
    let out = Scratch.absentPath("report-out")
    let scratch = Scratch.absentPath("report-scratch")
    defer {
      try? FileManager.default.removeItem(at: out)
      try? FileManager.default.removeItem(at: scratch)
    }
    let study = Study.quick()
    let outcome = try StudyRunner(study: study, settings: Self.settings(out: out, scratch: scratch))
      .run(meter: ProgressMeter(write: nil))

    let markdown = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
    #expect(markdown.contains("Git commit: ") && markdown.contains("Seeds: run seed 0"))
    #expect(markdown.contains("Machine: "))
    for file in outcome.files {
      #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file)")
      if file.hasSuffix(".svg") { #expect(markdown.contains("<img src=\"\(file)\""), "\(file) is linked") }
    }
    // Every experiment has its table, or a note saying why it was skipped
    // (MNIST absent).
    let ids = Set(outcome.tables.map(\.id))
    for experiment in study.sections.flatMap(\.experiments) {
      let skipped = outcome.notes.contains { $0.hasPrefix(experiment.id + ":") }
      #expect(ids.contains(experiment.id) != skipped, "\(experiment.id)")
      if skipped { #expect(experiment.problem.needsMNIST && markdown.contains("--mnist")) }
    }
    for plot in study.sections.flatMap(\.experiments).filter({ ids.contains($0.id) }).compactMap(\.plot) {
      #expect(outcome.files.contains("\(plot).svg"))
    }
    // The baselines raced and their numbers are finite, in every table.
    let baselines = ["sgd", "momentum", "nag", "rmsprop", "adam", "ista", "fista"]
    for table in outcome.tables {
      let csv = try CSVTable.parse(
        String(contentsOf: out.appendingPathComponent(table.csvFileName), encoding: .utf8), path: table.csvFileName)
      #expect(csv.header == table.header)
      let status = try #require(csv.header.firstIndex(of: "status"))
      let numeric = csv.header.indices.filter { $0 >= 2 && $0 < status }
      for row in csv.rows where baselines.contains(row[0]) {
        #expect(row[status] == "ok", "\(table.id) \(row[0])")
        for column in numeric {
          let value = Double(row[column])
          #expect(value?.isFinite == true, "\(table.id) \(row[0]) \(csv.header[column]) = '\(row[column])'")
        }
      }
      // Learned rows: trained now (quick) unless their architecture has no trainer.
      for row in csv.rows where !baselines.contains(row[0]) {
        #expect(row[status] == "ok" || row[status].hasPrefix("diverged") || row[status].contains("no trainer"))
      }
    }
  }

  @Test func unwritableOutputFailsBeforeAnyWork() throws {
    let scratch = Scratch.absentPath("report-unwritable")
    defer { try? FileManager.default.removeItem(at: scratch) }
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    let file = scratch.appendingPathComponent("a-file")
    try Data("keep me".utf8).write(to: file)
    #expect(throws: ReportError.self) {
      _ = try StudyRunner(study: Study.quick(), settings: Self.settings(out: file, scratch: scratch))
        .run(meter: ProgressMeter(write: nil))
    }
    #expect(try String(contentsOf: file, encoding: .utf8) == "keep me")
    #expect(!FileManager.default.fileExists(atPath: scratch.appendingPathComponent("sessions").path))
  }

  @Test func unknownSectionsAreNamedWithTheValidOnes() {
    #expect(throws: ReportError.unknownSection(name: "cifar", valid: ["quadratic", "sparse", "mnist-mlp", "objectives", "deep"])) {
      _ = try Study.quick().selecting(["quadratic", "cifar"])
    }
    #expect((try? Study.full().selecting(["sparse"]))?.sectionIDs == ["sparse"])
  }

  @Test func noTrainMarksMissingSessionsWithoutTraining() throws {
    let out = Scratch.absentPath("report-notrain")
    let scratch = Scratch.absentPath("report-notrain-scratch")
    defer {
      try? FileManager.default.removeItem(at: out)
      try? FileManager.default.removeItem(at: scratch)
    }
    var settings = Self.settings(out: out, scratch: scratch)
    settings.allowTraining = false
    let outcome = try StudyRunner(study: try Study.quick().selecting(["quadratic"]), settings: settings)
      .run(meter: ProgressMeter(write: nil))
    let table = try #require(outcome.tables.first)
    let row = try #require(table.rows.first { $0[0] == "quadratic" })
    #expect(row.last == "not trained (--no-train)")
    #expect(!FileManager.default.fileExists(atPath: scratch.appendingPathComponent("sessions/quadratic").path))
  }
}

import ArgumentParser
import Evaluation
import Foundation
import Report
import Sessions

/// `mnemo report`: run the study of issue #6 (or its quick version) and
/// write its tables (Markdown and CSV) and loss-curve plots (SVG).
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Run the whole study and write a reproducible report (tables and SVG plots).",
    discussion: """
      Sections: quadratic (LSTM and DNC against tuned SGD, momentum, NAG, RMSprop, Adam), sparse (lasso, \
      sparse-l0, group-lasso against ISTA and FISTA: relative error, support recovery, NMSE), mnist-mlp \
      (test-split loss, generalisation, 10,000-step stability; skipped without the data) and objectives \
      (loss-sum, log-loss, rate). Missing sessions are trained from the study's recipes unless --no-train. \
      --quick runs a miniature of everything into a temporary sessions folder (for CI). Writes report.md, \
      one CSV per table and one SVG per plot into --out; progress and ETA go to standard error. \
      Metrics: docs/report.md.
      """)

  @Option(help: ArgumentHelp("The directory to write the report into (created if needed).", valueName: "dir"))
  var out: String

  @Flag(help: "A miniature study (few instances, short horizons, tiny training, MNIST subset) for CI.")
  var quick = false

  @Option(help: ArgumentHelp("Comma-separated sections to run (default: all).", valueName: "list"))
  var sections: String?

  @Flag(help: "Do not train missing sessions; mark them 'not trained'.")
  var noTrain = false

  @Option(
    help: ArgumentHelp(
      "The sessions folder (default: $MNEMO_SESSIONS, else ./sessions; --quick uses a temporary one).",
      valueName: "dir"))
  var sessions: String?

  @Option(help: ArgumentHelp("Directory holding the four MNIST IDX files (raw or .gz).", valueName: "dir"))
  var mnist: String?

  @Option(help: "The run seed (instances, tuning, training recipes).")
  var seed: UInt64 = 0

  @Flag(help: "No progress on standard error.")
  var quiet = false

  func validate() throws {
    if let sections {
      let names = sections.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty }) else {
        throw ValidationError("--sections expects a comma-separated list such as quadratic,sparse.")
      }
      do {
        _ = try Study.full().selecting(names)
      } catch {
        throw ValidationError("\(error)")
      }
    }
  }

  func run() throws {
    var study = quick ? Study.quick(seed: seed) : Study.full(seed: seed)
    if let sections {
      study = try study.selecting(sections.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
    }
    let output = URL(fileURLWithPath: out)
    let sessionStore: SessionStore
    let cache: URL
    var temporary: URL?
    if quick {
      // The quick study trains its own tiny sessions and tunes on a coarse
      // grid: neither may touch the real sessions or the tuned-rate cache.
      let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
        "mnemo-report-quick-\(ProcessInfo.processInfo.processIdentifier)")
      temporary = folder
      sessionStore = SessionStore(directory: folder.appendingPathComponent("sessions"))
      cache = folder.appendingPathComponent("tuned-learning-rates.json")
    } else {
      sessionStore = SessionStore(
        directory: self.sessions.map { URL(fileURLWithPath: $0) } ?? SessionStore.defaultDirectory())
      cache = TuningCache.defaultURL()
    }
    defer { if let temporary { try? FileManager.default.removeItem(at: temporary) } }
    let settings = ReportSettings(
      outputDirectory: output, sessions: sessionStore, tuningCache: cache, mnistDirectory: mnist,
      allowTraining: !noTrain, commandLine: (["mnemo"] + CommandLine.arguments.dropFirst()).joined(separator: " "))
    let meter = ProgressMeter.standardError(quiet: quiet)
    let outcome = try StudyRunner(study: study, settings: settings).run(meter: meter)
    if !quiet {
      printError("wrote \(outcome.files.count + 1) files into \(output.path): report.md, \(outcome.files.joined(separator: ", "))")
    }
  }
}

import Evaluation
import Foundation
import MetaLearning
import Sessions
import TestSupport
import Testing

/// A 2-rank data-parallel run equals a 1-process run with the same batch and
/// seeds: the real `mnemo` binary (`MNEMO_BINARY`, which `make test` sets)
/// under `mpirun -np 2`, against the same binary alone.
@Suite struct MPIEquivalenceTests {
  static let environment = ProcessInfo.processInfo.environment

  static var binary: String? {
    guard let path = environment["MNEMO_BINARY"], FileManager.default.isExecutableFile(atPath: path) else {
      return nil
    }
    return path
  }

  static var mpirun: String? { Command.which("mpirun") }

  /// Runs a command with `environment` added; returns its status and
  /// standard error.
  static func run(_ arguments: [String], environment extra: [String: String]) throws -> (Int32, String) {
    let result = try Command.run(arguments[0], Array(arguments.dropFirst()), environment: extra)
    return (result.status, result.error)
  }

  @Test(
    .enabled(if: binary != nil, "MNEMO_BINARY is not set: run `make test`, or set it to the release binary"),
    .enabled(if: mpirun != nil, "mpirun not found (apt-get install libopenmpi-dev openmpi-bin)"))
  func twoRanksEqualOneProcessOnTheSameBatch() throws {
    let binary = try #require(Self.binary)
    let mpirun = try #require(Self.mpirun)
    let directory = try Scratch.directory("distributed")
    defer { Scratch.remove(directory) }
    let sessions = directory.appendingPathComponent("sessions").path
    let extra = ["MNEMO_CACHE": directory.appendingPathComponent("cache").path]
    let training = [
      "train", "--problem", "quadratic", "--iterations", "5", "--batch", "8", "--horizon", "20", "--unroll",
      "5",
      "--seed", "11", "--check-every", "2", "--sessions", sessions, "--quiet",
    ]
    let (parallelStatus, parallelErrors) = try Self.run(
      [mpirun, "--allow-run-as-root", "--oversubscribe", "-np", "2", binary] + training
        + ["--distributed", "--session", "two"],
      environment: extra)
    try #require(parallelStatus == 0, "mpirun -np 2 failed: \(parallelErrors)")
    let (serialStatus, serialErrors) = try Self.run(
      [binary] + training + ["--session", "one"], environment: extra)
    try #require(serialStatus == 0, "the one-process run failed: \(serialErrors)")

    let store = SessionStore(directory: URL(fileURLWithPath: sessions))
    let one = try store.load("one")
    let two = try store.load("two")
    #expect(one.manifest.metaIteration == 5 && two.manifest.metaIteration == 5)
    let compared = one.weights.entries.filter { !$0.name.hasPrefix("best.") }
    #expect(compared.count >= 5)
    var largest: Float = 0
    for entry in compared {
      let other = try #require(
        two.weights[entry.name], "tensor \(entry.name) missing from the 2-rank session")
      try #require(other.values.count == entry.values.count)
      for (a, b) in zip(entry.values, other.values) {
        let difference = abs(a - b) / max(abs(a), abs(b), 1e-3)
        largest = max(largest, difference)
      }
    }
    #expect(largest <= 1e-5, "largest relative difference between the runs' weights: \(largest)")
    // Training moved φ: the comparison is not of two untouched initialisations.
    let initial = try #require(one.weights.entries.first { !$0.name.hasPrefix("meta-adam") })
    #expect(initial.values.contains { $0 != 0 })
    #expect(one.weights["meta-adam.steps"]?.values == [5])
  }
}

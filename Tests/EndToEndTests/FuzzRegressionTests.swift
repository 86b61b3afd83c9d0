import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Every reproduction of issue 18 (hostile input) and of issue 17's items 2
/// and 3 (shipped sessions read-only, sessions by path), one named case
/// each, against the real binary in a sandbox of copied sessions.
@Suite(
  .enabled(if: Fuzz.binary != nil, "MNEMO_BINARY is not set: run `make test`, or set it to a built mnemo"))
struct FuzzRegressionTests {
  /// A sandbox with `quadratic` (and the other sessions named) copied.
  static func sandbox(_ names: [String] = ["quadratic"], shipped: Bool = false) throws -> Fuzz.Sandbox {
    try Fuzz.Sandbox(copying: names, shippedList: shipped)
  }

  /// Runs `arguments`, expecting failure with a message containing every
  /// one of `phrases`, and no change to the sessions.
  static func expectRejected(
    _ sandbox: Fuzz.Sandbox, _ arguments: [String], mentioning phrases: [String],
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let before = Fuzz.fingerprint(sandbox.sessions)
    let outcome = try sandbox.run(arguments)
    let label = arguments.joined(separator: " ")
    outcome.expectClean(label, sourceLocation: sourceLocation)
    #expect(outcome.status != 0, "\(label) was accepted\n\(outcome.output.prefix(800))", sourceLocation: sourceLocation)
    for phrase in phrases {
      #expect(
        outcome.output.contains(phrase), "\(label): no '\(phrase)' in\n\(outcome.output.prefix(1500))",
        sourceLocation: sourceLocation)
    }
    #expect(
      Fuzz.changes(before, Fuzz.fingerprint(sandbox.sessions)).isEmpty, "\(label) changed the sessions",
      sourceLocation: sourceLocation)
  }

  static let trainOnce = ["train", "--resume", "--session", "quadratic", "--iterations", "1", "--quiet"]

  // MARK: Data destroyed or misdirected

  @Test func weightsFileOutsideTheFolderIsRefused() throws {
    let sandbox = try Self.sandbox(["quadratic", "quadratic-rate"])
    defer { sandbox.remove() }
    try FileManager.default.moveItem(
      at: sandbox.folder("quadratic-rate").appendingPathComponent("weights-4000.bin"),
      to: sandbox.folder("quadratic-rate").appendingPathComponent("weights-6333.bin"))
    try sandbox.setField("quadratic", "weightsFile", "../quadratic-rate/weights-6333.bin")
    try Self.expectRejected(sandbox, Self.trainOnce, mentioning: ["session.json", "weightsFile", "weights-N.bin"])
    try Self.expectRejected(sandbox, ["sessions", "show", "quadratic"], mentioning: ["weightsFile"])
  }

  @Test func copiedSessionResumedWritesTheCopy() throws {
    let sandbox = try Self.sandbox()
    defer { sandbox.remove() }
    try FileManager.default.copyItem(at: sandbox.folder("quadratic"), to: sandbox.folder("q2"))
    let original = Fuzz.fingerprint(sandbox.folder("quadratic"))
    let outcome = try sandbox.run(["train", "--resume", "--session", "q2", "--iterations", "1", "--quiet"])
    outcome.expectClean("train q2")
    #expect(outcome.status == 0, "\(outcome.output.prefix(1500))")
    #expect(Fuzz.fingerprint(sandbox.folder("quadratic")) == original, "the original was rewritten")
    let manifest = try sandbox.manifest("q2")
    #expect(manifest["name"] as? String == "q2")
    #expect(manifest["weightsFile"] as? String == "weights-4001.bin")
    let files = try FileManager.default.contentsOfDirectory(atPath: sandbox.folder("q2").path)
    #expect(files.filter { $0.hasPrefix("weights-") } == ["weights-4001.bin"])
    #expect(!files.contains { $0.hasPrefix(".") }, "temporary files left: \(files)")
  }

  @Test func badThemeFailsBeforeAnyFileIsWritten() throws {
    let sandbox = try Self.sandbox()
    defer { sandbox.remove() }
    let theme = sandbox.root.appendingPathComponent("bad.theme")
    try Data("background = not a colour\n".utf8).write(to: theme)
    try Self.expectRejected(
      sandbox, ["dashboard", "--headless", "--duration", "5", "--theme", theme.path], mentioning: ["bad.theme"])
    try Self.expectRejected(
      sandbox, ["dashboard", "--headless", "--duration", "5", "--theme", "nonexistent"], mentioning: ["nonexistent"])
  }

  /// A save that cannot complete (a directory where the new weights file
  /// goes) fails whole: the old session stays, nothing is left behind. And a
  /// directory where training.csv should be is named when reading.
  @Test func aFailedSaveChangesNothing() throws {
    let sandbox = try Self.sandbox()
    defer { sandbox.remove() }
    let folder = sandbox.folder("quadratic")
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("weights-4001.bin"), withIntermediateDirectories: false)
    let blocked = Fuzz.fingerprint(folder)
    let failing = try sandbox.run(Self.trainOnce)
    failing.expectClean("blocked train")
    #expect(failing.status != 0)
    #expect(failing.output.contains("weights-4001.bin"), "\(failing.output.prefix(800))")
    #expect(Fuzz.fingerprint(folder) == blocked, "a failed save changed \(Fuzz.changes(blocked, Fuzz.fingerprint(folder)))")
    try FileManager.default.removeItem(at: folder.appendingPathComponent("weights-4001.bin"))
    try FileManager.default.removeItem(at: folder.appendingPathComponent("training.csv"))
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("training.csv"), withIntermediateDirectories: false)
    try Self.expectRejected(sandbox, Self.trainOnce, mentioning: ["training.csv", "a directory"])
  }

  /// kill -9 at random moments of training with frequent autosaves: the
  /// folder always loads, and the next writer leaves exactly one weights
  /// file and no temporary files.
  @Test func killedSavesLeaveTheOldOrTheNewSession() throws {
    let sandbox = try Self.sandbox()
    defer { sandbox.remove() }
    let binary = try #require(Fuzz.binary)
    var random = FuzzRandom(seed: Fuzz.seed)
    for round in 0..<6 {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: binary)
      process.arguments = [
        "train", "--resume", "--session", "quadratic", "--iterations", "100000", "--autosave-seconds", "0.05",
        "--quiet",
      ]
      process.currentDirectoryURL = sandbox.root
      var environment = ProcessInfo.processInfo.environment
      environment["MNEMO_CACHE"] = sandbox.root.appendingPathComponent("cache").path
      environment["MNEMO_SESSIONS"] = sandbox.sessions.path
      process.environment = environment
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      usleep(UInt32(300_000 + random.below(1_200_000)))
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      let show = try sandbox.run(["sessions", "show", "quadratic"])
      #expect(show.status == 0, "round \(round): the killed session does not load\n\(show.output.prefix(800))")
    }
    let final = try sandbox.run(Self.trainOnce)
    #expect(final.status == 0, "\(final.output.prefix(800))")
    let files = try FileManager.default.contentsOfDirectory(atPath: sandbox.folder("quadratic").path)
    #expect(files.filter { $0.hasPrefix("weights-") }.count == 1, "\(files)")
    #expect(!files.contains { $0.hasPrefix(".") }, "\(files)")
  }

  // MARK: Crashes

  @Test(arguments: [
    (["train", "--session", "n", "--batch", "0"], "--batch"),
    (["train", "--session", "n", "--hidden", "100000"], "--hidden"),
    (["race", "--option", "n=100000", "--steps", "1", "--instances", "1", "--optimizers", "sgd@0.01"], "m×n"),
    (["race", "--option", "n=20000", "--steps", "1", "--instances", "1", "--optimizers", "sgd@0.01"], "m×n"),
    (["dashboard", "--headless", "--duration", "nan"], "--duration"),
    // 10,000 instances of 4 MB: 42 GB, past half of any machine this runs on.
    (["race", "--option", "n=1024", "--option", "m=1024", "--instances", "10000", "--steps", "1"], "half this machine's memory"),
    (["train", "--session", "n", "--option", "n=1024", "--option", "m=1024", "--batch", "4096", "--iterations", "1"],
      "half this machine's memory"),
    (["train", "--session", "n", "--option", "n=1024", "--option", "m=1", "--batch", "4096", "--hidden", "256"],
      "one meta-iteration would need"),
    (["race", "--steps", "-1"], "--steps must be in"),
    (["dashboard", "--headless", "--problem", "bogus", "--duration", "1"], "bogus"),
  ])
  func commandLinesTheMachineCannotRunAreRefused(arguments: [String], phrase: String) throws {
    let sandbox = try Self.sandbox()
    defer { sandbox.remove() }
    try Self.expectRejected(sandbox, arguments, mentioning: [phrase])
  }

  /// A JSON fragment as a value for ``Fuzz/Sandbox/setField(_:_:_:)``.
  static func json(_ fragment: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(fragment.utf8), options: .fragmentsAllowed)
  }

  @Test(arguments: [
    ("optimizer.hidden", "\"100000\""),
    ("metaIteration", "9223372036854775807"),
    ("metaIteration", "-5"),
    ("training.batch", "\"1000000000000\""),
    ("training.horizon", "\"1000000000\""),
    ("tunedLearningRates.adam", "-1"),
  ])
  func manifestValuesTheCLIWouldRejectAreRejected(field: String, value: String) throws {
    let sandbox = try Self.sandbox()
    defer { sandbox.remove() }
    let phrase = field
    try sandbox.setField("quadratic", field, try Self.json(value))
    for command in [Self.trainOnce, ["race", "--session", "quadratic", "--steps", "2", "--instances", "1"],
      ["sessions", "show", "quadratic"]]
    {
      try Self.expectRejected(sandbox, command, mentioning: ["session.json", phrase])
    }
  }

  @Test(arguments: [("metaIteration", "-5"), ("metaIteration", "9223372036854775807"), ("training.unroll", "\"1000000000\"")])
  func listaManifestValuesAreRejected(field: String, value: String) throws {
    let sandbox = try Self.sandbox(["lasso-lista"])
    defer { sandbox.remove() }
    try sandbox.setField("lasso-lista", field, try Self.json(value))
    try Self.expectRejected(
      sandbox, ["train", "--resume", "--session", "lasso-lista", "--iterations", "1", "--quiet"],
      mentioning: ["session.json", field])
  }

  @Test(arguments: ["nan", "inf", "text", "1e400"])
  func nonNumericIterationsInTrainingCSVAreRejected(value: String) throws {
    let sandbox = try Self.sandbox()
    defer { sandbox.remove() }
    let url = sandbox.folder("quadratic").appendingPathComponent("training.csv")
    var lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    lines[1] = value + lines[1].drop { $0 != "," }
    try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
    try Self.expectRejected(sandbox, ["sessions", "show", "quadratic"], mentioning: ["training.csv", "iteration"])
    let before = Fuzz.fingerprint(sandbox.sessions)
    let watch = try sandbox.run(["watch", "quadratic", "--headless", "--duration", "1"])
    watch.expectClean("watch")
    #expect(watch.output.contains("training.csv"))
    let dashboard = try sandbox.run(["dashboard", "--headless", "--duration", "2"])
    dashboard.expectClean("dashboard")
    #expect(dashboard.output.contains("training.csv"))
    #expect(Fuzz.changes(before, Fuzz.fingerprint(sandbox.sessions)).isEmpty, "the damaged session was overwritten")
  }

  /// Weights headers with a valid CRC: a dimension above Int64.max, a pair
  /// whose product wraps to 0, non-finite values.
  @Test(arguments: ["huge", "wrapping", "nan", "infinity"])
  func malformedWeightsWithAValidCRCAreRejected(damage: String) throws {
    let sandbox = try Self.sandbox()
    defer { sandbox.remove() }
    let url = try sandbox.weightsURL("quadratic")
    var bytes = [UInt8](try Data(contentsOf: url))
    let layout = Fuzz.WeightsLayout(bytes)
    func put(_ value: UInt64, at offset: Int) {
      for i in 0..<8 { bytes[offset + i] = UInt8((value >> (8 * UInt64(i))) & 0xFF) }
    }
    switch damage {
    case "huge": put(UInt64(Int64.max) + 5, at: layout.dimensionOffsets[0])
    case "wrapping":
      put(1 << 32, at: layout.dimensionOffsets[0])
      put(1 << 32, at: layout.dimensionOffsets[1])
    default:
      let pattern = damage == "nan" ? Float.nan.bitPattern : Float.infinity.bitPattern
      for offset in stride(from: layout.valueOffsets[0].lowerBound, to: layout.valueOffsets[0].upperBound, by: 4) {
        for i in 0..<4 { bytes[offset + i] = UInt8((pattern >> (8 * UInt32(i))) & 0xFF) }
      }
    }
    Fuzz.resealCRC(&bytes)
    try Data(bytes).write(to: url)
    try Self.expectRejected(sandbox, ["sessions", "show", "quadratic"], mentioning: ["weights-4000.bin"])
    try Self.expectRejected(sandbox, Self.trainOnce, mentioning: ["weights-4000.bin"])
  }

  // MARK: Misleading messages

  @Test(arguments: ["directory", "fifo", "zero"])
  func historiesThatAreNotFilesAreNamed(kind: String) throws {
    let sandbox = try Self.sandbox()
    defer { sandbox.remove() }
    let url = sandbox.folder("quadratic").appendingPathComponent("race.csv")
    try FileManager.default.removeItem(at: url)
    switch kind {
    case "directory": try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
    case "fifo": #expect(mkfifo(url.path, 0o644) == 0)
    default: try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: "/dev/zero")
    }
    try Self.expectRejected(sandbox, ["sessions", "show", "quadratic"], mentioning: ["race.csv", "not a regular file"])
  }

  @Test func sessionJSONAsADirectoryIsNamed() throws {
    let sandbox = try Self.sandbox()
    defer { sandbox.remove() }
    let url = sandbox.folder("quadratic").appendingPathComponent("session.json")
    try FileManager.default.removeItem(at: url)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
    try Self.expectRejected(sandbox, ["sessions", "show", "quadratic"], mentioning: ["session.json", "a directory"])
  }

  @Test func mismatchErrorsNameTheSessionsFolderGiven() throws {
    let sandbox = try Self.sandbox()
    defer { sandbox.remove() }
    try sandbox.setField("quadratic", "optimizer.hidden", "21")
    try Self.expectRejected(
      sandbox, ["race", "--sessions", sandbox.sessions.path, "--session", "quadratic", "--steps", "2"],
      mentioning: [sandbox.folder("quadratic").path + "/weights-4000.bin"])
  }

  @Test func themeMessagesAreShortAndSayWhatIsWrong() throws {
    let sandbox = try Self.sandbox()
    defer { sandbox.remove() }
    let binary = sandbox.root.appendingPathComponent("latin1.theme")
    try Data([0x62, 0x61, 0x63, 0x6B, 0xE9, 0x0A]).write(to: binary)
    try Self.expectRejected(
      sandbox, ["watch", "quadratic", "--headless", "--duration", "1", "--theme", binary.path], mentioning: ["not UTF-8"])
    let huge = sandbox.root.appendingPathComponent("huge.theme")
    try Data(("background = " + String(repeating: "x", count: 1_000_000) + "\n").utf8).write(to: huge)
    let outcome = try sandbox.run(["watch", "quadratic", "--headless", "--duration", "1", "--theme", huge.path])
    outcome.expectClean("huge theme")
    #expect(outcome.status != 0 && outcome.bytes < 4096, "\(outcome.bytes) bytes")
  }

  @Test func reportIntoAnImpossibleFolderSaysWhy() throws {
    let sandbox = try Self.sandbox([])
    defer { sandbox.remove() }
    let outcome = try sandbox.run(["report", "--quick", "--sections", "quadratic", "--out", "/proc/nope"])
    outcome.expectClean("report")
    #expect(outcome.status != 0)
    #expect(outcome.output.contains("/proc"))
    #expect(!outcome.output.contains("The file doesn’t exist") && !outcome.output.contains("The file doesn't exist"))
  }

  /// MNIST files that gzread would take without a word: garbage after the
  /// gzip stream, a one-image split, 1×1-pixel images. A clean set races.
  @Test(arguments: ["clean", "trailing garbage", "one image", "one pixel"])
  func suspiciousMNISTFilesAreNamed(damage: String) throws {
    let sandbox = try Self.sandbox([])
    defer { sandbox.remove() }
    let directory = sandbox.root.appendingPathComponent("mnist")
    switch damage {
    case "one image": try Fuzz.writeMNIST(to: directory, count: 1)
    case "one pixel": try Fuzz.writeMNIST(to: directory, count: 64, rows: 1, columns: 1)
    default: try Fuzz.writeMNIST(to: directory, count: 64, gzip: true)
    }
    if damage == "trailing garbage" {
      let url = directory.appendingPathComponent("train-labels-idx1-ubyte.gz")
      var data = try Data(contentsOf: url)
      data.append(contentsOf: Array("garbage".utf8))
      try data.write(to: url)
    }
    let arguments = [
      "race", "--problem", "mnist-mlp", "--mnist", directory.path, "--steps", "2", "--instances", "1",
      "--optimizers", "sgd@0.1", "--quiet",
    ]
    if damage == "clean" {
      let outcome = try sandbox.run(arguments)
      #expect(outcome.status == 0, "\(outcome.output.prefix(800))")
    } else {
      let phrase = ["trailing garbage": "garbage after its gzip stream", "one image": "at least 10", "one pixel": "at least 2×2"][damage] ?? ""
      try Self.expectRejected(sandbox, arguments, mentioning: ["idx", phrase])
    }
  }

  // MARK: Issue 17: shipped sessions read-only, sessions by path

  @Test func trainingFromAShippedSessionContinuesInLocal() throws {
    let sandbox = try Self.sandbox(["quadratic"], shipped: true)
    defer { sandbox.remove() }
    let shipped = Fuzz.fingerprint(sandbox.folder("quadratic"))
    let first = try sandbox.run(["train", "--resume", "--session", "quadratic", "--iterations", "1"])
    #expect(first.status == 0, "\(first.output.suffix(1500))")
    #expect(first.output.contains("shipped"))
    #expect(Fuzz.fingerprint(sandbox.folder("quadratic")) == shipped, "the shipped session was written")
    let local = sandbox.sessions.appendingPathComponent("local/quadratic")
    let manifest = try JSONSerialization.jsonObject(
      with: Data(contentsOf: local.appendingPathComponent("session.json"))) as? [String: Any]
    #expect(manifest?["metaIteration"] as? Int == 4001)
    // The next run continues the user's session, not the shipped one.
    let second = try sandbox.run(["train", "--resume", "--session", "quadratic", "--iterations", "1", "--quiet"])
    #expect(second.status == 0, "\(second.output.suffix(1500))")
    let next = try JSONSerialization.jsonObject(
      with: Data(contentsOf: local.appendingPathComponent("session.json"))) as? [String: Any]
    #expect(next?["metaIteration"] as? Int == 4002)
    #expect(Fuzz.fingerprint(sandbox.folder("quadratic")) == shipped)
  }

  @Test func theDashboardNeverWritesAShippedSession() throws {
    let sandbox = try Self.sandbox(["quadratic"], shipped: true)
    defer { sandbox.remove() }
    let shipped = Fuzz.fingerprint(sandbox.folder("quadratic"))
    let outcome = try sandbox.run(["dashboard", "--headless", "--duration", "3"])
    outcome.expectClean("dashboard")
    #expect(outcome.status == 0, "\(outcome.output.suffix(1500))")
    #expect(Fuzz.fingerprint(sandbox.folder("quadratic")) == shipped, "the shipped session was written")
    #expect(FileManager.default.fileExists(atPath: sandbox.sessions.appendingPathComponent("local/quadratic/session.json").path))
  }

  @Test func sessionsByPathForWritingAndReading() throws {
    let sandbox = try Self.sandbox([])
    defer { sandbox.remove() }
    let path = sandbox.root.appendingPathComponent("runs/s").path
    let train = try sandbox.run([
      "train", "--session", path, "--iterations", "2", "--horizon", "10", "--unroll", "5", "--batch", "4", "--quiet",
    ])
    #expect(train.status == 0, "\(train.output.suffix(1500))")
    #expect(FileManager.default.fileExists(atPath: path + "/session.json"))
    let show = try sandbox.run(["sessions", "show", path])
    #expect(show.status == 0 && show.output.contains("meta-iteration  2"), "\(show.output)")
    let race = try sandbox.run(["race", "--session", "runs/s", "--steps", "3", "--instances", "2", "--quiet"])
    #expect(race.status == 0, "\(race.output.suffix(800))")
    let resume = try sandbox.run(["train", "--resume", "--session", "./runs/s", "--iterations", "1", "--quiet"])
    #expect(resume.status == 0, "\(resume.output.suffix(800))")
    #expect(try String(contentsOfFile: path + "/session.json", encoding: .utf8).contains("\"metaIteration\" : 3"))
    try Self.expectRejected(sandbox, ["sessions", "show", "runs/bad name"], mentioning: ["not a valid session name"])
  }
}

@testable import Evaluation
import Foundation
@testable import MetaLearning
@testable import Sessions
import TestSupport
import Testing

@Suite struct SessionStoreTests {
  static func sampleSession(name: String = "demo", iteration: Int = 7) -> Session {
    let manifest = SessionManifest(
      name: name,
      problem: ProblemRecord(name: "quadratic", options: ["n": "10"], configurationKey: "quadratic(n=10)"),
      optimizer: ["architecture": "lstm", "layers": "2", "hidden": "20"],
      objective: "loss-sum", training: ["horizon": "100", "unroll": "20"], seed: 42,
      metaIteration: iteration, tunedLearningRates: ["adam": 0.1])
    let weights = NamedTensors([
      .init(name: "layer0.wx", shape: [2, 3], values: [1, -2, 3.5, 0, .ulpOfOne, -.greatestFiniteMagnitude]),
      .init(name: "scale", shape: [], values: [0.01]),
    ])
    let history = CSVTable(header: ["iteration", "meta_loss"], rows: [["1", "0.5"], ["2", "0.25"]])
    return Session(manifest: manifest, weights: weights, trainingHistory: history)
  }

  @Test func roundTrip() throws {
    let store = SessionStore(directory: try Scratch.directory("tests"))
    let session = Self.sampleSession()
    let written = try store.save(session)
    let loaded = try store.load("demo")
    #expect(loaded.weights == session.weights)
    #expect(loaded.trainingHistory == session.trainingHistory)
    #expect(loaded.manifest.weightsFile == "weights-7.bin")
    #expect(loaded.manifest.problem == session.manifest.problem)
    #expect(loaded.manifest.optimizer == session.manifest.optimizer)
    #expect(loaded.manifest.tunedLearningRates == ["adam": 0.1])
    #expect(abs(loaded.manifest.updated.timeIntervalSince(written.updated)) < 1)
    #expect(store.names() == ["demo"])
    #expect(loaded.trainingHistory.column("meta_loss") == [0.5, 0.25])
  }

  @Test func resaveReplacesOldWeightsFile() throws {
    let store = SessionStore(directory: try Scratch.directory("tests"))
    try store.save(Self.sampleSession(iteration: 1))
    try store.save(Self.sampleSession(iteration: 2))
    let files = try FileManager.default.contentsOfDirectory(atPath: store.folder("demo").path)
    #expect(files.filter { $0.hasPrefix("weights-") } == ["weights-2.bin"])
    #expect(!files.contains { $0.contains(".tmp-") })
    #expect(try store.load("demo").manifest.metaIteration == 2)
  }

  @Test func missingSessionListsAvailable() throws {
    let store = SessionStore(directory: try Scratch.directory("tests"))
    try store.save(Self.sampleSession(name: "alpha"))
    #expect(throws: SessionError.notFound(name: "beta", directory: store.directory.path, available: ["alpha"])) {
      try store.load("beta")
    }
  }

  @Test(arguments: ["", ".hidden", "a/b", "a b", "../x"])
  func invalidNamesAreRejected(name: String) {
    #expect(!SessionStore.isValidName(name))
  }

  @Test func weightsEncodingRoundTrip() throws {
    let tensors = Self.sampleSession().weights
    let decoded = try WeightsFile.decode(WeightsFile.encode(tensors), path: "w.bin")
    #expect(decoded == tensors)
  }

  enum Damage: String, CaseIterable { case truncated, flippedByte, badMagic, badVersion, trailing, empty }

  @Test(arguments: Damage.allCases)
  func damagedWeightsAreRejectedNamingTheFile(damage: Damage) throws {
    var bytes = [UInt8](WeightsFile.encode(Self.sampleSession().weights))
    switch damage {
    case .truncated: bytes.removeLast(9)
    case .flippedByte: bytes[40] ^= 0x10
    case .badMagic: bytes[0] = UInt8(ascii: "X")
    case .badVersion:
      bytes[8] = 9
      // Re-seal the checksum so that only the version is wrong.
      let crc = CRC32.checksum(bytes[0..<(bytes.count - 4)])
      for i in 0..<4 { bytes[bytes.count - 4 + i] = UInt8((crc >> (8 * UInt32(i))) & 0xFF) }
    case .trailing: bytes.insert(contentsOf: [1, 2, 3, 4], at: bytes.count - 4)
    case .empty: bytes = []
    }
    do {
      _ = try WeightsFile.decode(Data(bytes), path: "sessions/demo/weights-7.bin")
      Issue.record("damaged weights (\(damage)) were accepted")
    } catch {
      #expect(error.description.contains("sessions/demo/weights-7.bin"))
      if damage == .badVersion {
        #expect(error == .unsupportedVersion(path: "sessions/demo/weights-7.bin", found: 9, supported: 1))
      }
    }
  }

  @Test func corruptManifestIsAnErrorAndTouchesNothing() throws {
    let store = SessionStore(directory: try Scratch.directory("tests"))
    try store.save(Self.sampleSession())
    let url = store.folder("demo").appendingPathComponent("session.json")
    let before = try FileManager.default.contentsOfDirectory(atPath: store.folder("demo").path).sorted()
    try Data("{\"formatVersion\": 1, \"name\": 3}".utf8).write(to: url)
    #expect(throws: SessionError.self) { try store.load("demo") }
    try Data("{\"formatVersion\": 2}".utf8).write(to: url)
    #expect(throws: SessionError.unsupportedVersion(path: url.path, found: 2, supported: 1)) {
      try store.load("demo")
    }
    let after = try FileManager.default.contentsOfDirectory(atPath: store.folder("demo").path).sorted()
    #expect(before == after)
  }

  @Test func crcKnownValue() {
    // The standard check value of CRC-32/IEEE.
    #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
  }

  @Test func csvRejectsRaggedRows() {
    #expect(throws: SessionError.corrupt(path: "t.csv", reason: "line 3 has 1 fields, the header has 2")) {
      try CSVTable.parse("a,b\n1,2\n3\n", path: "t.csv")
    }
  }

  // MARK: Issue 18: confined, validated, all-or-nothing

  /// A save interrupted after its commit marker is finished by the next
  /// writer (roll forward); one interrupted before it is discarded.
  @Test(arguments: [true, false])
  func interruptedSavesAreRolledForwardOrDiscarded(marked: Bool) throws {
    let store = SessionStore(directory: try Scratch.directory("tests"))
    try store.save(Self.sampleSession(iteration: 1))
    let base = store.folder("demo")
    // Stage iteration 2 by hand, as a save killed mid-way leaves it.
    var next = Self.sampleSession(iteration: 2)
    next.manifest.weightsFile = "weights-2.bin"
    try WeightsFile.encode(next.weights).write(to: base.appendingPathComponent(".weights-2.bin.new"))
    try SessionStore.encodeManifest(next.manifest).write(to: base.appendingPathComponent(".session.json.new"))
    if marked {
      let marker = SessionStore.CommitMarker(files: ["weights-2.bin", "session.json"], previousWeights: "weights-1.bin")
      try marker.encoded.write(to: base.appendingPathComponent(".commit"))
    }
    #expect(try store.load("demo").manifest.metaIteration == 1, "readers see the committed session until recovery")
    try store.recover("demo")
    let files = try FileManager.default.contentsOfDirectory(atPath: base.path).sorted()
    #expect(!files.contains { $0.hasPrefix(".") }, "\(files)")
    #expect(try store.load("demo").manifest.metaIteration == (marked ? 2 : 1))
    #expect(files.filter { $0.hasPrefix("weights-") } == [marked ? "weights-2.bin" : "weights-1.bin"])
  }

  /// A marker that names files outside the session's set is not followed.
  @Test func hostileCommitMarkersAreIgnored() throws {
    let directory = try Scratch.directory("tests")
    let store = SessionStore(directory: directory)
    try store.save(Self.sampleSession(iteration: 1))
    let victim = directory.appendingPathComponent("victim.txt")
    try Data("keep".utf8).write(to: victim)
    let marker = SessionStore.CommitMarker(files: ["../victim.txt"], previousWeights: "../victim.txt")
    try marker.encoded.write(to: store.folder("demo").appendingPathComponent(".commit"))
    try store.recover("demo")
    #expect(FileManager.default.fileExists(atPath: victim.path))
    #expect(try store.load("demo").manifest.metaIteration == 1)
  }

  /// The folder names the session: a copy loads and saves as itself.
  @Test func theFolderNotTheManifestNamesTheSession() throws {
    let store = SessionStore(directory: try Scratch.directory("tests"))
    try store.save(Self.sampleSession())
    try FileManager.default.copyItem(at: store.folder("demo"), to: store.folder("copy"))
    let copy = try store.load("copy")
    #expect(copy.manifest.name == "copy")
    #expect(copy.folder == store.folder("copy").path)
    var later = copy
    later.manifest.metaIteration = 9
    try store.save(later)
    #expect(try store.load("demo").manifest.metaIteration == 7)
    #expect(try store.load("copy").manifest.metaIteration == 9)
  }

  @Test(arguments: ["../victim/weights-1.bin", "/etc/passwd", "weights-1.bin/..", "session.json", "weights-.bin", "w.bin"])
  func weightsFilesOutsideThePatternAreRefused(name: String) throws {
    let store = SessionStore(directory: try Scratch.directory("tests"))
    try store.save(Self.sampleSession())
    var manifest = try store.manifest("demo")
    manifest.weightsFile = name
    try SessionStore.encodeManifest(manifest).write(to: store.folder("demo").appendingPathComponent("session.json"))
    #expect(throws: SessionError.self) { try store.load("demo") }
  }

  @Test func shippedSessionsAreNeverWritten() throws {
    let directory = try Scratch.directory("tests")
    let store = SessionStore(directory: directory)
    try store.save(Self.sampleSession())
    try Data("# shipped\ndemo  # the demo\n".utf8).write(to: directory.appendingPathComponent("SHIPPED"))
    #expect(store.isShipped("demo") && !store.isShipped("other"))
    #expect(throws: SessionError.readOnly(path: store.folder("demo").path)) { try store.save(Self.sampleSession()) }
    let location = SessionLocation(store: store, name: "demo")
    #expect(location.writable.folder == directory.appendingPathComponent("local/demo", isDirectory: true))
    #expect(location.resumable == location, "no continuation yet: resume from the shipped folder")
    try location.writable.save(Self.sampleSession(iteration: 8))
    #expect(location.resumable == location.writable)
    #expect(try location.resumable.load().manifest.metaIteration == 8)
  }

  /// A plain name lives in the sessions folder; anything with a `/` is a
  /// path (relative to the current directory), its last part the name.
  @Test(arguments: [
    ("quadratic", "/s", "quadratic"), ("/tmp/x/s", "/tmp/x", "s"), ("/tmp/x/./y/../s", "/tmp/x", "s"),
    ("runs/s", FileManager.default.currentDirectoryPath + "/runs", "s"),
  ])
  func sessionArgumentsAreNamesOrPaths(argument: String, directory: String, name: String) throws {
    let location = try SessionLocation.resolve(argument, sessionsDirectory: URL(fileURLWithPath: "/s"))
    #expect(location.name == name)
    #expect(location.store.directory.standardizedFileURL.path == URL(fileURLWithPath: directory).standardizedFileURL.path)
  }

  @Test(arguments: ["runs/bad name", "runs/.hidden", "/"])
  func sessionPathsMustEndInAValidName(argument: String) {
    #expect(throws: SessionError.self) { try SessionLocation.resolve(argument, sessionsDirectory: URL(fileURLWithPath: "/s")) }
  }

  @Test(arguments: [
    ("iteration,meta_loss\nnan,1\n", SessionError.invalidField(path: "t.csv", field: "line 2, column 'iteration'", value: "nan", expected: "a whole number in 0…1000000000")),
    ("iteration,meta_loss\n1,abc\n", SessionError.invalidField(path: "t.csv", field: "line 2, column 'meta_loss'", value: "abc", expected: "a number (or empty)")),
  ])
  func historiesAreValidated(text: String, error: SessionError) throws {
    let table = try CSVTable.parse(text, path: "t.csv")
    #expect(throws: error) { try table.validateHistory(path: "t.csv", kind: .training) }
  }

  /// Headers whose sizes do not fit the file, with a resealed CRC.
  @Test(arguments: [UInt64(1) << 63 + 5, UInt64(1) << 32, UInt64.max])
  func weightsHeadersAreCheckedAgainstTheFileLength(dimension: UInt64) throws {
    var bytes = [UInt8](WeightsFile.encode(Self.sampleSession().weights))
    // First tensor: name length at 16, name "layer0.wx" (9), rank at 29, dims from 33.
    for i in 0..<8 { bytes[33 + i] = UInt8((dimension >> (8 * UInt64(i))) & 0xFF) }
    let crc = CRC32.checksum(bytes[0..<(bytes.count - 4)])
    for i in 0..<4 { bytes[bytes.count - 4 + i] = UInt8((crc >> (8 * UInt32(i))) & 0xFF) }
    #expect(throws: SessionError.self) { try WeightsFile.decode(Data(bytes), path: "w.bin") }
  }

  @Test func nonFiniteWeightsAreRejected() throws {
    var session = Self.sampleSession()
    session.weights.entries[1].values = [.nan]
    #expect(throws: SessionError.self) { try WeightsFile.decode(WeightsFile.encode(session.weights), path: "w.bin") }
  }
}

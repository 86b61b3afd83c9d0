import Foundation
import Testing

@testable import MetaLearning

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
    let store = SessionStore(directory: FileManagerHelpers.temporaryDirectory())
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
    let store = SessionStore(directory: FileManagerHelpers.temporaryDirectory())
    try store.save(Self.sampleSession(iteration: 1))
    try store.save(Self.sampleSession(iteration: 2))
    let files = try FileManager.default.contentsOfDirectory(atPath: store.folder("demo").path)
    #expect(files.filter { $0.hasPrefix("weights-") } == ["weights-2.bin"])
    #expect(!files.contains { $0.contains(".tmp-") })
    #expect(try store.load("demo").manifest.metaIteration == 2)
  }

  @Test func missingSessionListsAvailable() throws {
    let store = SessionStore(directory: FileManagerHelpers.temporaryDirectory())
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
    let store = SessionStore(directory: FileManagerHelpers.temporaryDirectory())
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
}

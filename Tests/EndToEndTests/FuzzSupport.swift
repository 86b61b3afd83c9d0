import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What the fuzz suite and its regression cases share: a sandbox with copies
/// of shipped sessions, a runner for the real binary with a timeout, and
/// fingerprints of folders to prove that a command did not write where it
/// must not.
enum Fuzz {
  /// The binary under test (`MNEMO_BINARY`).
  static let binary: String? = EndToEnd.binary

  /// The repository's root (this file is Tests/EndToEndTests/FuzzSupport.swift).
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// Cases in all: `MNEMO_FUZZ_CASES`, else 300 (about a minute).
  static let totalCases: Int = {
    ProcessInfo.processInfo.environment["MNEMO_FUZZ_CASES"].flatMap(Int.init).map { max(6, $0) } ?? 300
  }()

  /// The case indices of a suite taking `share` of ``totalCases``.
  static func cases(_ share: Double) -> ClosedRange<Int> {
    0...max(0, Int(Double(totalCases) * share) - 1)
  }

  /// The suite's seed (`MNEMO_FUZZ_SEED`), so a failure reproduces.
  static let seed: UInt64 = ProcessInfo.processInfo.environment["MNEMO_FUZZ_SEED"].flatMap(UInt64.init) ?? 18

  /// How long one command may run before it counts as a hang.
  static let timeout: Double = 60

  /// The most output a command may print for one bad input.
  static let outputLimit = 16 * 1024

  /// One run of the binary.
  struct Outcome {
    var status: Int32
    var signalled: Bool
    var timedOut: Bool
    var output: String
    var bytes: Int
    var seconds: Double

    /// The checks every fuzz case makes, whatever the input.
    func expectClean(_ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
      #expect(!timedOut, "hang: \(label) ran past \(Fuzz.timeout) s", sourceLocation: sourceLocation)
      #expect(!signalled && status < 128, "crash: \(label) ended with status \(status)\n\(output.suffix(2000))",
        sourceLocation: sourceLocation)
      #expect(bytes <= Fuzz.outputLimit, "\(label) printed \(bytes) bytes", sourceLocation: sourceLocation)
    }
  }

  /// A temporary folder with `sessions/` holding copies of `names` (shipped
  /// sessions) and a private cache, removed by ``remove()``.
  struct Sandbox {
    let root: URL
    var sessions: URL { root.appendingPathComponent("sessions") }

    init(copying names: [String], shippedList: Bool = false) throws {
      root = FileManager.default.temporaryDirectory.appendingPathComponent("mnemo-fuzz-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: root.appendingPathComponent("sessions"), withIntermediateDirectories: true)
      try FileManager.default.createDirectory(at: root.appendingPathComponent("cache"), withIntermediateDirectories: true)
      for name in names {
        try FileManager.default.copyItem(
          at: Fuzz.repository.appendingPathComponent("sessions/\(name)"),
          to: root.appendingPathComponent("sessions/\(name)"))
      }
      if shippedList {
        try Data((names.joined(separator: "\n") + "\n").utf8).write(
          to: root.appendingPathComponent("sessions/SHIPPED"))
      }
    }

    func folder(_ name: String) -> URL { sessions.appendingPathComponent(name) }

    func remove() { try? FileManager.default.removeItem(at: root) }

    /// Runs mnemo in the sandbox (its cwd, cache and sessions folder).
    func run(_ arguments: [String], timeout: Double = Fuzz.timeout) throws -> Outcome {
      try Fuzz.run(arguments, directory: root, timeout: timeout)
    }

    /// The session's manifest as JSON.
    func manifest(_ name: String) throws -> [String: Any] {
      let data = try Data(contentsOf: folder(name).appendingPathComponent("session.json"))
      return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func writeManifest(_ name: String, _ object: [String: Any]) throws {
      let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
      try data.write(to: folder(name).appendingPathComponent("session.json"))
    }

    /// Sets `path` (dot-separated keys) in the manifest of `name` to `value`.
    func setField(_ name: String, _ path: String, _ value: Any) throws {
      var object = try manifest(name)
      Fuzz.set(&object, path.split(separator: ".").map(String.init), value)
      try writeManifest(name, object)
    }

    /// The weights file the manifest of `name` names.
    func weightsURL(_ name: String) throws -> URL {
      folder(name).appendingPathComponent(try #require(try manifest(name)["weightsFile"] as? String))
    }
  }

  static func set(_ object: inout [String: Any], _ path: [String], _ value: Any) {
    guard let key = path.first else { return }
    if path.count == 1 {
      object[key] = value
    } else {
      var inner = object[key] as? [String: Any] ?? [:]
      set(&inner, Array(path.dropFirst()), value)
      object[key] = inner
    }
  }

  /// Runs the binary with `arguments` in `directory`; output goes to a file
  /// (a pipe that fills would stall the child), the child is killed after
  /// `timeout` seconds.
  static func run(_ arguments: [String], directory: URL, timeout: Double = Fuzz.timeout) throws -> Outcome {
    let result = try Command.mnemo(
      arguments,
      environment: [
        "MNEMO_CACHE": directory.appendingPathComponent("cache").path,
        "MNEMO_SESSIONS": directory.appendingPathComponent("sessions").path,
        "SWIFT_BACKTRACE": "enable=no", "HOME": directory.path,
      ], directory: directory, timeout: timeout, mergingErrors: true)
    tally(status: result.status, timedOut: result.timedOut, arguments: arguments)
    return Outcome(
      status: result.status, signalled: result.signalled, timedOut: result.timedOut,
      output: String(decoding: result.outputBytes.prefix(64 * 1024), as: UTF8.self),
      bytes: result.outputBytes.count, seconds: result.seconds)
  }

  /// The four MNIST IDX files of a synthetic data set (`count` training and
  /// test images of rows×columns pixels) in `directory`, gzipped by the
  /// system's `gzip` when `gzip` is set.
  static func writeMNIST(to directory: URL, count: Int, rows: Int = 28, columns: Int = 28, gzip: Bool = false) throws {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for name in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"] {
      let images = name.contains("images")
      var bytes: [UInt8] = [0, 0, 8, images ? 3 : 1]
      for d in images ? [count, rows, columns] : [count] { bytes += withUnsafeBytes(of: UInt32(d).bigEndian, Array.init) }
      bytes += (0..<(images ? count * rows * columns : count)).map { UInt8(images ? $0 % 251 : $0 % 10) }
      let url = directory.appendingPathComponent(name)
      try Data(bytes).write(to: url)
      if gzip {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-n", "-f", url.path]
        try process.run()
        process.waitUntilExit()
      }
    }
  }

  /// With `MNEMO_FUZZ_LOG=FILE`, one line per run (`status<TAB>command`),
  /// appended, for counting accepted, rejected and failed cases.
  static func tally(status: Int32, timedOut: Bool, arguments: [String]) {
    guard let path = ProcessInfo.processInfo.environment["MNEMO_FUZZ_LOG"], !path.isEmpty else { return }
    let line = "\(timedOut ? "timeout" : String(status))\t\(arguments.first ?? "")\n"
    let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
    guard descriptor >= 0 else { return }
    _ = line.withCString { write(descriptor, $0, strlen($0)) }
    close(descriptor)
  }

  /// Every file under `folder` with its size and a hash of its bytes (and
  /// the kind of non-regular entries), to compare before and after a run.
  static func fingerprint(_ folder: URL) -> [String: String] {
    var result: [String: String] = [:]
    guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { return result }
    while let relative = enumerator.nextObject() as? String {
      if relative.hasPrefix(".out-") { continue }
      let path = folder.appendingPathComponent(relative).path
      var status = stat()
      guard lstat(path, &status) == 0 else { continue }
      if status.st_mode & S_IFMT == S_IFREG {
        let data = FileManager.default.contents(atPath: path) ?? Data()
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        result[relative] = "\(data.count):\(String(hash, radix: 16))"
      } else {
        result[relative] = "mode \(status.st_mode & S_IFMT)"
      }
    }
    return result
  }

  /// Entries of `after` that differ from `before` (changed, added, removed).
  static func changes(_ before: [String: String], _ after: [String: String]) -> [String] {
    Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
  }

  /// Re-seals a weights file's CRC-32 after its bytes were changed, so the
  /// reader's own checks (not the checksum) must catch the damage.
  static func resealCRC(_ bytes: inout [UInt8]) {
    guard bytes.count >= 4 else { return }
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes[0..<(bytes.count - 4)] {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
    }
    crc ^= 0xFFFF_FFFF
    for i in 0..<4 { bytes[bytes.count - 4 + i] = UInt8((crc >> (8 * UInt32(i))) & 0xFF) }
  }

  /// The byte offsets of a weights file's fields: each tensor's rank, its
  /// dimensions and its values (the layout of `WeightsFile`).
  struct WeightsLayout {
    var tensorCountOffset = 12
    var dimensionOffsets: [Int] = []
    var valueOffsets: [Range<Int>] = []

    init(_ bytes: [UInt8]) {
      func u32(_ at: Int) -> Int {
        guard at + 4 <= bytes.count else { return 0 }
        return (0..<4).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) }
      }
      var offset = 16
      for _ in 0..<u32(12) {
        offset += 4 + u32(offset)
        let rank = u32(offset)
        offset += 4
        var count = 1
        for _ in 0..<rank {
          dimensionOffsets.append(offset)
          count *= (0..<8).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
          offset += 8
        }
        valueOffsets.append(offset..<(offset + 4 * count))
        offset += 4 * count
        if offset > bytes.count { break }
      }
    }
  }
}

/// SplitMix64: small, seedable, the same sequence on every platform.
struct FuzzRandom {
  var state: UInt64

  init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1 }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }

  mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

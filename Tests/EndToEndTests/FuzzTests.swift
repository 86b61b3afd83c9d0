import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Seeded mutations of every file format Mnemo reads, and of its command
/// lines, driven against the real binary. Every case checks: no crash
/// (status < 128, no signal), no hang (`Fuzz.timeout`), bounded output, a
/// message naming the damaged file when the input is rejected, and no change
/// to files the command must not write (read-only commands: none at all;
/// `train`: nothing outside its own session folder, and nothing at all when
/// it fails).
///
/// `Fuzz.totalCases` cases shared among the suites (300 by default, about a
/// minute; `MNEMO_FUZZ_CASES=10000` for a long run), seed `MNEMO_FUZZ_SEED`.
@Suite(
  .enabled(if: Fuzz.binary != nil, "MNEMO_BINARY is not set: run `make test`, or set it to a built mnemo"))
struct FuzzTests {
  /// Sessions of each architecture.
  static let architectures = ["quadratic", "quadratic-dnc", "lasso-lista"]

  /// The commands each mutated session is put through, cheapest settings.
  enum Command: CaseIterable {
    case show, race, watch, train

    func arguments(_ name: String) -> [String] {
      switch self {
      case .show: ["sessions", "show", name]
      case .race: ["race", "--session", name, "--steps", "3", "--instances", "2", "--quiet"]
      case .watch: ["watch", name, "--headless", "--duration", "0.5"]
      case .train: ["train", "--resume", "--session", name, "--iterations", "1", "--quiet"]
      }
    }

    var writesItsSession: Bool { self == .train }
  }

  /// Values that have broken readers before, for any field.
  static var hostileValues: [Any] { [
    "-5", "0", "-1", "1e12", "100000", "1000000000", "9223372036854775807", "nan", "inf", "-inf", "abc", "",
    "1e38", String(repeating: "9", count: 400), "../victim/weights-6333.bin", "/etc/passwd", "weights-1.bin",
    -5, 0, -1, 1e38, Int.max, Int.min, 1e300, NSNull(), [Any](), [String: Any](), true, "\u{0}", "lstm", "dnc",
    "lista",
  ] }

  /// Manifest fields worth aiming at (plus a random new one).
  static let manifestFields = [
    "weightsFile", "metaIteration", "name", "objective", "seed", "formatVersion", "theme", "created",
    "optimizer.architecture", "optimizer.hidden", "optimizer.layers", "optimizer.slots", "optimizer.word",
    "optimizer.reads", "optimizer.scale", "optimizer.preprocessing", "optimizer.momentum",
    "training.horizon", "training.unroll", "training.batch", "training.learning-rate", "training.clip-norm",
    "training.random-scaling", "training.pool", "training.validation",
    "tunedLearningRates.adam", "tunedLearningRates.sgd", "problem.name", "problem.options.n",
    "problem.options.m", "problem.configurationKey",
  ]

  /// One case: mutate `file` of a copied session with `mutate`, run a
  /// command, check the rules.
  static func check(
    index: Int, file: String, mutate: (Fuzz.Sandbox, String, inout FuzzRandom) throws -> String
  ) throws {
    var random = FuzzRandom(seed: Fuzz.seed &+ UInt64(index) &* 7919 &+ UInt64(file.utf8.count))
    let name = architectures[index % architectures.count]
    let command = Command.allCases[(index / architectures.count) % Command.allCases.count]
    let sandbox = try Fuzz.Sandbox(copying: [name, "quadratic-rate"])
    defer { sandbox.remove() }
    let description = try mutate(sandbox, name, &random)
    let label = "case \(index) [\(name) \(file): \(description)] \(command)"
    let before = Fuzz.fingerprint(sandbox.sessions)
    let outsideBefore = before.filter { !$0.key.hasPrefix(name + "/") && $0.key != name }
    let outcome = try sandbox.run(command.arguments(name))
    outcome.expectClean(label)
    let after = Fuzz.fingerprint(sandbox.sessions)
    if command.writesItsSession && outcome.status == 0 {
      let outsideAfter = after.filter { !$0.key.hasPrefix(name + "/") && $0.key != name }
      #expect(Fuzz.changes(outsideBefore, outsideAfter).isEmpty, "\(label) wrote outside its session")
    } else {
      #expect(
        Fuzz.changes(before, after).isEmpty,
        "\(label) changed \(Fuzz.changes(before, after)) (status \(outcome.status))\n\(outcome.output.prefix(1500))")
    }
    if outcome.status != 0 {
      #expect(
        outcome.output.contains(sandbox.folder(name).path) || outcome.output.contains(file)
          || outcome.output.contains("'\(name)'"),
        "\(label): the message does not name the file\n\(outcome.output.prefix(1500))")
    }
  }

  @Test(arguments: Fuzz.cases(0.25))
  func manifestMutations(index: Int) throws {
    try Self.check(index: index, file: "session.json") { sandbox, name, random in
      let url = sandbox.folder(name).appendingPathComponent("session.json")
      if random.below(4) == 0 {
        var bytes = [UInt8](try Data(contentsOf: url))
        let at = random.below(bytes.count)
        switch random.below(3) {
        case 0: bytes[at] ^= UInt8(1 << random.below(8))
        case 1: bytes.removeSubrange(at...)
        default: bytes.insert(contentsOf: [0xFF, 0xFE, 0x22, 0x7B], at: at)
        }
        try Data(bytes).write(to: url)
        return "bytes at \(at)"
      }
      let field = random.below(10) == 0 ? "extra\(random.below(100))" : random.pick(Self.manifestFields)
      let value = random.pick(Self.hostileValues)
      try sandbox.setField(name, field, value)
      return "\(field) = \(String(describing: value).prefix(40))"
    }
  }

  @Test(arguments: Fuzz.cases(0.2))
  func historyMutations(index: Int) throws {
    let file = index % 2 == 0 ? "training.csv" : "race.csv"
    try Self.check(index: index, file: file) { sandbox, name, random in
      let url = sandbox.folder(name).appendingPathComponent(file)
      switch random.below(8) {
      case 0:
        try FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        return "a directory"
      case 1:
        try FileManager.default.removeItem(at: url)
        guard mkfifo(url.path, 0o644) == 0 else { return "fifo failed" }
        return "a FIFO"
      case 2:
        try FileManager.default.removeItem(at: url)
        try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: "/dev/zero")
        return "a link to /dev/zero"
      case 3:
        var bytes = [UInt8](try Data(contentsOf: url))
        let at = random.below(max(1, bytes.count))
        if !bytes.isEmpty { bytes[at] = random.pick([0x00, 0xFF, 0x2C, 0x0A, 0x41]) }
        try Data(bytes).write(to: url)
        return "byte \(at)"
      default:
        var lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        guard lines.count > 1 else { return "too short" }
        let row = 1 + random.below(lines.count - 1)
        let column = random.below(lines[row].count)
        let value = random.pick(["nan", "inf", "-inf", "text", "1e400", "-5", "9223372036854775808", "", "1.5", "0x10"])
        lines[row][column] = value
        try Data(lines.map { $0.joined(separator: ",") }.joined(separator: "\n").utf8).write(to: url)
        return "line \(row + 1) column \(column) = \(value)"
      }
    }
  }

  @Test(arguments: Fuzz.cases(0.2))
  func weightsMutations(index: Int) throws {
    try Self.check(index: index, file: "weights") { sandbox, name, random in
      let url = try sandbox.weightsURL(name)
      var bytes = [UInt8](try Data(contentsOf: url))
      let layout = Fuzz.WeightsLayout(bytes)
      var what: String
      switch random.below(5) {
      case 0, 1:
        let at = random.pick(layout.dimensionOffsets.isEmpty ? [16] : layout.dimensionOffsets)
        let value: UInt64 = random.pick([1 << 32, UInt64(Int64.max) + 1, UInt64.max, 0, 1 << 40, 3, 1 << 62])
        for i in 0..<8 { bytes[at + i] = UInt8((value >> (8 * UInt64(i))) & 0xFF) }
        what = "dimension at \(at) = \(value)"
      case 2:
        let value: UInt32 = random.pick([0xFFFF_FFFF, 1 << 31, 0, 1000])
        let at = random.pick([8, 12])
        for i in 0..<4 { bytes[at + i] = UInt8((value >> (8 * UInt32(i))) & 0xFF) }
        what = "header word at \(at) = \(value)"
      case 3:
        let range = random.pick(layout.valueOffsets.filter { !$0.isEmpty })
        let pattern: UInt32 = random.pick([Float.nan.bitPattern, Float.infinity.bitPattern, Float(1e38).bitPattern])
        var at = range.lowerBound
        let all = random.below(2) == 0
        while at + 4 <= range.upperBound {
          for i in 0..<4 { bytes[at + i] = UInt8((pattern >> (8 * UInt32(i))) & 0xFF) }
          at += 4
          if !all { break }
        }
        what = "values \(all ? "all" : "first") = \(Float(bitPattern: pattern))"
      default:
        let at = random.below(min(bytes.count - 4, 400))
        bytes[at] ^= UInt8(1 << random.below(8))
        what = "byte \(at) flipped"
      }
      Fuzz.resealCRC(&bytes)
      try Data(bytes).write(to: url)
      return what + " (CRC resealed)"
    }
  }

  /// Command lines: an option from each command with a hostile value.
  @Test(arguments: Fuzz.cases(0.2))
  func commandLineMutations(index: Int) throws {
    var random = FuzzRandom(seed: Fuzz.seed &+ 104_729 &* UInt64(index))
    let sandbox = try Fuzz.Sandbox(copying: ["quadratic"])
    defer { sandbox.remove() }
    let values = [
      "-1", "0", "nan", "inf", "-inf", "1e12", "100000", "abc", "", "9223372036854775808", "-0", "1e-300",
      String(repeating: "x", count: 300), "../x", "/proc/nope",
    ]
    let commands: [([String], [String])] = [
      (["train", "--session", "new", "--iterations", "1", "--quiet"],
        ["--batch", "--hidden", "--layers", "--horizon", "--unroll", "--iterations", "--meta-learning-rate",
          "--random-scaling", "--memory-slots", "--validate-every", "--autosave-seconds", "--output-scale",
          "--session", "--objective", "--architecture"]),
      (["race", "--steps", "2", "--instances", "2", "--quiet", "--optimizers", "sgd@0.01"],
        ["--steps", "--instances", "--tolerance", "--tune-instances", "--option", "--optimizers", "--session",
          "--guard-tolerance", "--problem"]),
      (["dashboard", "--headless", "--demo", "--duration", "0.5"],
        ["--duration", "--steps", "--instances", "--theme", "--problem", "--glyphs", "--objective"]),
      (["watch", "quadratic", "--headless", "--duration", "0.5"], ["--duration", "--interval", "--theme", "--glyphs"]),
      (["sessions", "show", "quadratic"], ["--sessions"]),
    ]
    let (base, options) = random.pick(commands)
    let option = random.pick(options)
    var value = random.pick(values)
    if option == "--option" { value = random.pick(["n=", "m="]) + value }
    if option == "--optimizers" { value = "adam@" + value }
    var arguments = base
    if let at = arguments.firstIndex(of: option) {
      arguments[at + 1] = value
    } else {
      arguments += [option, value]
    }
    let label = "case \(index): mnemo \(arguments.joined(separator: " "))"
    let before = Fuzz.fingerprint(sandbox.sessions)
    // `--duration 100000` or `--iterations 100000` is a valid request for a
    // long run, not a hang: such a run only has to start cleanly.
    let asksForALongRun =
      ["--duration", "--iterations"].contains(option) && Double(value).map { $0.isFinite && $0 > 5 } == true
    let outcome = try sandbox.run(arguments, timeout: asksForALongRun ? 5 : Fuzz.timeout)
    if asksForALongRun && outcome.timedOut {
      #expect(outcome.bytes <= Fuzz.outputLimit, "\(label) printed \(outcome.bytes) bytes")
      return
    }
    outcome.expectClean(label)
    if outcome.status != 0 {
      #expect(!outcome.output.isEmpty, "\(label) failed silently")
      #expect(!outcome.output.contains("Missing value for"), "\(label): \(outcome.output.prefix(300))")
    }
    if base[0] != "train" {
      #expect(Fuzz.changes(before, Fuzz.fingerprint(sandbox.sessions)).isEmpty, "\(label) changed the sessions")
    }
  }

  /// Theme files: mutated copies of the shipped themes, loaded by `watch`.
  @Test(arguments: Fuzz.cases(0.1))
  func themeMutations(index: Int) throws {
    var random = FuzzRandom(seed: Fuzz.seed &+ 15_485_863 &* UInt64(index))
    let sandbox = try Fuzz.Sandbox(copying: ["quadratic"])
    defer { sandbox.remove() }
    let theme = random.pick(["default", "light", "mono", "colorblind"])
    var bytes = [UInt8](try Data(contentsOf: Fuzz.repository.appendingPathComponent("themes/\(theme).theme")))
    let at = random.below(bytes.count)
    switch random.below(5) {
    case 0: bytes.insert(contentsOf: [0xC3, 0x28, 0xFF], at: at)
    case 1: bytes.insert(contentsOf: Array("\nbackground = ".utf8) + [UInt8](repeating: 0x41, count: 100_000), at: at)
    case 2: bytes.removeSubrange(at...)
    case 3: bytes[at] ^= UInt8(1 << random.below(8))
    default: bytes.insert(contentsOf: Array("\n[[[ = = #GGGGGG\n".utf8), at: at)
    }
    let path = sandbox.root.appendingPathComponent("bad.theme")
    try Data(bytes).write(to: path)
    let before = Fuzz.fingerprint(sandbox.sessions)
    let outcome = try sandbox.run(["watch", "quadratic", "--headless", "--duration", "0.3", "--theme", path.path])
    outcome.expectClean("theme case \(index)")
    #expect(outcome.bytes <= 4096, "theme case \(index) printed \(outcome.bytes) bytes")
    if outcome.status != 0 { #expect(outcome.output.contains("bad.theme"), "\(outcome.output.prefix(500))") }
    #expect(Fuzz.changes(before, Fuzz.fingerprint(sandbox.sessions)).isEmpty)
  }

  /// IDX files: a small synthetic MNIST set (raw or gzipped), one file
  /// mutated, raced on `mnist-mlp`.
  @Test(arguments: Fuzz.cases(0.05))
  func idxMutations(index: Int) throws {
    var random = FuzzRandom(seed: Fuzz.seed &+ 32_452_843 &* UInt64(index))
    let sandbox = try Fuzz.Sandbox(copying: [])
    defer { sandbox.remove() }
    let directory = sandbox.root.appendingPathComponent("mnist")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let names = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
    let count = 64
    for name in names {
      let images = name.contains("images")
      var bytes: [UInt8] = [0, 0, 8, images ? 3 : 1]
      for d in images ? [count, 28, 28] : [count] { bytes += withUnsafeBytes(of: UInt32(d).bigEndian, Array.init) }
      bytes += (0..<(images ? count * 784 : count)).map { UInt8(images ? $0 % 251 : $0 % 10) }
      if name == names[random.below(4)] {
        let at = random.below(min(bytes.count, 64))
        switch random.below(4) {
        case 0: bytes[at] ^= UInt8(1 << random.below(8))
        case 1: bytes.removeSubrange((bytes.count / 2)...)
        case 2: bytes += [1, 2, 3]
        default: for i in 4..<8 { bytes[i] = 0xFF }
        }
      }
      try Data(bytes).write(to: directory.appendingPathComponent(name))
    }
    let outcome = try sandbox.run([
      "race", "--problem", "mnist-mlp", "--mnist", directory.path, "--steps", "2", "--instances", "1",
      "--optimizers", "sgd@0.1", "--quiet",
    ])
    outcome.expectClean("idx case \(index)")
    if outcome.status != 0 { #expect(outcome.output.contains("idx"), "\(outcome.output.prefix(500))") }
  }
}

import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What a finished child process left behind.
public struct CommandResult: Sendable {
  /// Its exit status (or the signal that ended it, as `Process` reports).
  public var status: Int32
  /// Whether a signal ended it (a crash, or the time limit's `SIGKILL`).
  public var signalled: Bool
  /// Whether it was killed for running past its time limit.
  public var timedOut: Bool
  /// The bytes it wrote to standard output (and standard error, when the
  /// two were merged).
  public var outputBytes: Data
  /// Everything it wrote to standard error (empty when merged).
  public var error: String
  /// Its wall-clock time, in seconds.
  public var seconds: Double

  /// Standard output as text.
  public var output: String { String(decoding: outputBytes, as: UTF8.self) }
}

/// Runs programs for the end-to-end tests: the release `mnemo`, `mpirun`,
/// `tmux`.
///
/// Output goes to files, not pipes: a child that fills one pipe while the
/// test reads the other deadlocks, and a daemon it starts (tmux's server)
/// would hold a pipe open forever. Standard input is the null device, so
/// nothing waits on the test's terminal.
public enum Command {
  /// The release binary `make test` builds (`MNEMO_BINARY`), or nil when
  /// the variable is unset (tests then show as skipped, saying why).
  public static let mnemoBinary: String? = {
    guard let path = ProcessInfo.processInfo.environment["MNEMO_BINARY"], !path.isEmpty else { return nil }
    return path
  }()

  /// The reason tests that need the binary give when it is absent.
  public static let mnemoBinaryMissing = "MNEMO_BINARY is not set: run `make test`, or set it to a built mnemo"

  /// The first executable called `name` on `PATH`, or nil.
  public static func which(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for folder in path.split(separator: ":") {
      let candidate = "\(folder)/\(name)"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }

  /// Runs `executable` with `arguments` and waits for it.
  ///
  /// - Parameters:
  ///   - environment: variables set on top of the test's own (a nil value
  ///     removes one).
  ///   - directory: its working folder (the test's own when nil).
  ///   - timeout: seconds after which it is killed (`SIGKILL`) and the
  ///     result says `timedOut`.
  ///   - mergingErrors: standard error goes to the same file as standard
  ///     output, interleaved as the child wrote them.
  public static func run(
    _ executable: String, _ arguments: [String], environment: [String: String?] = [:],
    directory: URL? = nil, timeout: TimeInterval = 600, mergingErrors: Bool = false
  ) throws -> CommandResult {
    let logs = try Scratch.directory("command")
    defer { Scratch.remove(logs) }
    let outputFile = logs.appendingPathComponent("stdout")
    let errorFile = logs.appendingPathComponent("stderr")
    for file in [outputFile, errorFile] where !FileManager.default.createFile(atPath: file.path, contents: nil) {
      throw CommandError(message: "cannot create \(file.path) for \(executable)'s output")
    }
    let output = try FileHandle(forWritingTo: outputFile)
    let error = try FileHandle(forWritingTo: errorFile)
    defer {
      try? output.close()
      try? error.close()
    }

    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var variables = ProcessInfo.processInfo.environment
    for (name, value) in environment { variables[name] = value }
    process.environment = variables
    if let directory { process.currentDirectoryURL = directory }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = output
    process.standardError = mergingErrors ? output : error
    let start = Date()
    try process.run()
    var timedOut = false
    while process.isRunning {
      if Date().timeIntervalSince(start) > timeout {
        timedOut = true
        kill(process.processIdentifier, SIGKILL)
        break
      }
      usleep(5_000)
    }
    process.waitUntilExit()
    return CommandResult(
      status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
      timedOut: timedOut, outputBytes: (try? Data(contentsOf: outputFile)) ?? Data(),
      error: String(decoding: (try? Data(contentsOf: errorFile)) ?? Data(), as: UTF8.self),
      seconds: Date().timeIntervalSince(start))
  }

  /// Runs the release `mnemo` (``mnemoBinary``); throws when it is unset.
  public static func mnemo(
    _ arguments: [String], environment: [String: String?] = [:], directory: URL? = nil,
    timeout: TimeInterval = 600, mergingErrors: Bool = false
  ) throws -> CommandResult {
    guard let binary = mnemoBinary else { throw CommandError(message: mnemoBinaryMissing) }
    return try run(
      binary, arguments, environment: environment, directory: directory, timeout: timeout,
      mergingErrors: mergingErrors)
  }
}

/// A test could not start a program.
public struct CommandError: Error, CustomStringConvertible {
  public var message: String
  public var description: String { message }
}

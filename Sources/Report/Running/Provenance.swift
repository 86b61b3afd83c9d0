import Foundation
import LinearAlgebra

/// Where and from what a report was made: the git commit, the date and the
/// machine, so its figures can be traced and reproduced.
public struct Provenance: Sendable, Equatable {
  /// `git rev-parse HEAD`, with " (+ local changes)" when tracked files
  /// differ from it; "unknown" outside a repository.
  public var commit: String
  /// ISO 8601, UTC.
  public var date: String
  /// CPU, cores, memory, OS, BLAS threads.
  public var machine: String

  public init(commit: String, date: String, machine: String) {
    self.commit = commit
    self.date = date
    self.machine = machine
  }

  /// The facts of this process, with git run in `directory`.
  public static func current(directory: URL, now: Date = Date()) -> Provenance {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    var commit = "unknown"
    if let head = git(["rev-parse", "HEAD"], in: directory), !head.isEmpty {
      commit = head
      if let status = git(["status", "--porcelain", "--untracked-files=no"], in: directory), !status.isEmpty {
        commit += " (+ local changes)"
      }
    }
    return Provenance(commit: commit, date: formatter.string(from: now), machine: machineDescription())
  }

  /// The output of a git command (trimmed), nil when git is missing or fails.
  static func git(_ arguments: [String], in directory: URL) -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git"] + arguments
    process.currentDirectoryURL = directory
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return nil }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  static func machineDescription() -> String {
    let info = ProcessInfo.processInfo
    var cpu = "unknown CPU"
    if let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
      let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
      let colon = line.firstIndex(of: ":")
    {
      cpu = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    let memory = String(format: "%.1f GiB", Double(info.physicalMemory) / 1_073_741_824)
    return "\(cpu), \(info.activeProcessorCount) cores, \(memory), \(info.operatingSystemVersionString), "
      + "OpenBLAS threads \(BLAS.threadCount)"
  }
}

import Foundation
import Testing

/// The executable switches OpenBLAS to the CPU's own kernels at start-up
/// when OpenBLAS fell back to generic ones; that is only acceptable if the
/// results do not change beyond rounding. This runs the real binary both
/// ways and compares a race's numbers.
@Suite struct BLASKernelEquivalenceTests {
  static func race(keepKernels: Bool) throws -> [Double]? {
    guard let binary = ProcessInfo.processInfo.environment["MNEMO_BINARY"] else { return nil }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    // mnist-free, BLAS-heavy enough: the MLP is not needed; the LSTM session
    // race exercises the LSTM's GEMMs and the quadratics' GEMVs.
    process.arguments = [
      "race", "--problem", "quadratic", "--optimizers", "adam@0.1,nag@0.01", "--session", "quadratic",
      "--steps", "30", "--instances", "5", "--format", "csv", "--quiet",
    ]
    var environment = ProcessInfo.processInfo.environment
    environment["MNEMO_CACHE"] = FileManager.default.temporaryDirectory.path + "/mnemo-kernel-test-cache"
    if keepKernels {
      environment["MNEMO_BLAS_KERNELS"] = "keep"
    } else {
      environment["MNEMO_BLAS_KERNELS"] = nil
    }
    process.environment = environment
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    process.currentDirectoryURL = root
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return [] }
    let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").dropFirst()
    return lines.compactMap { line in
      line.split(separator: ",", omittingEmptySubsequences: false).dropFirst(3).first.flatMap { Double($0) }
    }
  }

  @Test(
    .enabled(
      if: ProcessInfo.processInfo.environment["MNEMO_BINARY"] != nil,
      "MNEMO_BINARY is not set: run `make test`, or set it to a built mnemo"))
  func switchedKernelsGiveTheSameRace() throws {
    let kept = try #require(try Self.race(keepKernels: true))
    let switched = try #require(try Self.race(keepKernels: false))
    try #require(!kept.isEmpty && kept.count == switched.count)
    for (a, b) in zip(kept, switched) {
      #expect(abs(a - b) <= 1e-4 * max(1, abs(a)), "\(a) vs \(b)")
    }
  }
}

import Foundation
import TestSupport
import Testing

/// The executable switches OpenBLAS to the CPU's own kernels at start-up
/// when OpenBLAS fell back to generic ones; that is only acceptable if the
/// results do not change beyond rounding. This runs the real binary both
/// ways and compares a race's numbers.
@Suite struct BLASKernelEquivalenceTests {
  static func race(keepKernels: Bool, cache: URL) throws -> [Double] {
    // mnist-free, BLAS-heavy enough: the MLP is not needed; the LSTM session
    // race exercises the LSTM's GEMMs and the quadratics' GEMVs.
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let result = try Command.mnemo(
      [
        "race", "--problem", "quadratic", "--optimizers", "adam@0.1,nag@0.01", "--session", "quadratic",
        "--steps", "30", "--instances", "5", "--format", "csv", "--quiet",
      ], environment: ["MNEMO_CACHE": cache.path, "MNEMO_BLAS_KERNELS": keepKernels ? "keep" : nil],
      directory: root)
    guard result.status == 0 else { return [] }
    return result.output.split(separator: "\n").dropFirst().compactMap { line in
      line.split(separator: ",", omittingEmptySubsequences: false).dropFirst(3).first.flatMap { Double($0) }
    }
  }

  @Test(.enabled(if: Command.mnemoBinary != nil, Comment(rawValue: Command.mnemoBinaryMissing)))
  func switchedKernelsGiveTheSameRace() throws {
    let cache = try Scratch.directory("kernel-test-cache")
    defer { Scratch.remove(cache) }
    let kept = try Self.race(keepKernels: true, cache: cache)
    let switched = try Self.race(keepKernels: false, cache: cache)
    try #require(!kept.isEmpty && kept.count == switched.count)
    for (a, b) in zip(kept, switched) {
      #expect(abs(a - b) <= 1e-4 * max(1, abs(a)), "\(a) vs \(b)")
    }
  }
}

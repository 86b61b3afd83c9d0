import Dispatch
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How many threads the tape's large elementwise kernels may split their rows
/// over.
///
/// The LSTM cell's elementwise passes dominate a meta-iteration once the
/// matrix products run in BLAS; on a batch of thousands of coordinates they
/// split cleanly by rows. Kernels smaller than ``minimumWork`` elements stay
/// on the calling thread, where a dispatch would cost more than it saves.
/// Set the count to 1 when the caller already runs several tapes or
/// optimizers in parallel, as `BLAS.threadCount` is set to 1 in races.
public enum KernelThreads {
  private static let storage = Atomic<Int>(defaultCount)

  /// The number of online processors, at most 4.
  public static var defaultCount: Int {
    Swift.max(1, Swift.min(4, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
  }

  /// Threads per kernel (≥ 1). Safe to change from any thread.
  public static var count: Int {
    get { storage.load(ordering: .relaxed) }
    set { storage.store(Swift.max(1, newValue), ordering: .relaxed) }
  }

  /// Below this many elements a kernel runs on the calling thread.
  static let minimumWork = 16_384

  /// Calls `body` on disjoint row ranges covering 0..<rows, in parallel when
  /// `work` (elements touched) is large enough, and returns when all are done.
  static func forEachRange(rows: Int, work: Int, _ body: (Range<Int>) -> Void) {
    let chunks = Swift.min(count, rows, Swift.max(1, work / minimumWork))
    guard chunks > 1 else {
      body(0..<rows)
      return
    }
    withoutActuallyEscaping(body) { body in
      // Safe: every iteration works on its own rows, and `concurrentPerform`
      // returns only after all of them (so nothing outlives this call).
      nonisolated(unsafe) let body = body
      DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        body((rows * chunk / chunks)..<(rows * (chunk + 1) / chunks))
      }
    }
  }

  /// Calls `body` for every block index in 0..<count, on up to ``count``
  /// (the property) threads, and returns when all are done.
  static func forEachBlock(count blocks: Int, _ body: (Int) -> Void) {
    guard blocks > 1, count > 1 else {
      for b in 0..<blocks { body(b) }
      return
    }
    withoutActuallyEscaping(body) { body in
      // Safe: each iteration works on its own block, and `concurrentPerform`
      // returns only after all of them.
      nonisolated(unsafe) let body = body
      DispatchQueue.concurrentPerform(iterations: blocks) { body($0) }
    }
  }
}

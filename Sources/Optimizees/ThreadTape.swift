import Autodiff

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A reverse-mode ``Tape`` of `Float` owned by the calling thread, for the
/// optimizees whose loss is recorded on a tape (`dnc-copy`).
///
/// Why per thread and not per problem: problems are values copied into
/// every racer of every instance (hundreds in a race), while only as many
/// evaluations run at once as there are threads; and a tape is mutable
/// state that must stay on one thread. A thread's tape keeps its arena
/// between calls — ``Tape/reset()`` recycles it, so recording the same
/// graph again allocates no tensor storage — and is freed when the thread
/// exits. Distinct from any tape a caller records on (a meta-trainer's
/// unroll evaluates the optimizee inside its own graph), so the two never
/// share nodes.
enum ThreadTape {
  private static let key: pthread_key_t = {
    var key = pthread_key_t()
    let status = pthread_key_create(&key) { raw in
      guard let raw else { return }
      Unmanaged<AnyObject>.fromOpaque(raw).release()
    }
    precondition(status == 0, "ThreadTape: pthread_key_create failed (\(status))")
    return key
  }()

  /// Calls `body` with this thread's tape, reset (nothing recorded; the
  /// arena kept). `body` must not itself ask for the thread's tape, and
  /// variables it records are invalid once it returns.
  static func withTape<R>(_ body: (Tape<Float>) throws -> R) rethrows -> R {
    let tape: Tape<Float>
    if let raw = pthread_getspecific(key),
      let existing = Unmanaged<AnyObject>.fromOpaque(raw).takeUnretainedValue() as? Tape<Float>
    {
      tape = existing
    } else {
      tape = Tape<Float>()
      pthread_setspecific(key, Unmanaged.passRetained(tape as AnyObject).toOpaque())
    }
    tape.reset()
    return try body(tape)
  }
}

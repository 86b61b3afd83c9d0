#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A scratch buffer of `Float`s owned by the calling thread, for temporaries
/// that live within one call (the LSTM optimizer's gates during a step, an
/// MLP's minibatch and layer outputs during one evaluation).
///
/// Why: a race keeps one optimizer and one problem copy per instance and
/// racer, 700 of each in a 100-instance race of seven; a scratch buffer in
/// each (B×4H floats, 5 MB, for the LSTM on the MNIST MLP; 0.4 MB for the
/// MLP's minibatch) would cost gigabytes, while only as many steps run at
/// once as there are threads. The buffer grows to the largest request and is
/// freed when its thread exits.
public enum ThreadScratch {
  /// The thread's buffer and its capacity.
  private final class Buffer {
    var pointer: UnsafeMutablePointer<Float>
    var capacity: Int

    init(capacity: Int) {
      pointer = .allocate(capacity: capacity)
      self.capacity = capacity
    }

    deinit { pointer.deallocate() }
  }

  private static let key: pthread_key_t = {
    var key = pthread_key_t()
    let status = pthread_key_create(&key) { raw in
      guard let raw else { return }
      Unmanaged<AnyObject>.fromOpaque(raw).release()
    }
    precondition(status == 0, "ThreadScratch: pthread_key_create failed (\(status))")
    return key
  }()

  /// Calls `body` with at least `count` floats of this thread's scratch
  /// (contents unspecified). `body` must not itself ask for thread scratch.
  public static func withFloats<R>(count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
    let needed = Swift.max(1, count)
    let buffer: Buffer
    if let raw = pthread_getspecific(key),
      let existing = Unmanaged<AnyObject>.fromOpaque(raw).takeUnretainedValue() as? Buffer
    {
      buffer = existing
    } else {
      buffer = Buffer(capacity: needed)
      pthread_setspecific(key, Unmanaged.passRetained(buffer as AnyObject).toOpaque())
    }
    if buffer.capacity < needed {
      buffer.pointer.deallocate()
      buffer.pointer = .allocate(capacity: needed)
      buffer.capacity = needed
    }
    return try body(buffer.pointer)
  }
}

import Foundation

/// A value shared between threads behind a lock: the engine's published
/// snapshot and its command queue.
///
/// `@unchecked Sendable` because the lock, not the type system, makes it
/// safe: `value` is private and only touched inside `withLock`, and `Value`
/// itself is `Sendable`, so nothing reachable from it is shared unguarded.
/// (`Synchronization.Mutex` would say the same in the type system but needs
/// macOS 15, above the package's deployment target.)
final class Locked<Value: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var value: Value

  init(_ value: Value) {
    self.value = value
  }

  func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
    lock.lock()
    defer { lock.unlock() }
    return try body(&value)
  }

  /// A copy of the current value.
  func get() -> Value { withLock { $0 } }
}

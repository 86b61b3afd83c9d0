import Synchronization

/// A flag set once from any thread (a signal handler's queue) and read by
/// the work loop.
final class AtomicFlag: Sendable {
  private let storage = Atomic<Bool>(false)

  func set() { storage.store(true, ordering: .releasing) }
  var isSet: Bool { storage.load(ordering: .acquiring) }
}

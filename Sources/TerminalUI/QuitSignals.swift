import Dispatch
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Turns SIGINT (Ctrl-C), SIGTERM and SIGHUP into a flag the UI loop polls,
/// so that it can save the session and restore the terminal before it
/// exits, instead of dying inside a curses call.
///
/// The signals are set to "ignore" at the process level and observed with
/// `DispatchSource` signal sources (the SwiftTUI and btop pattern). Create
/// this *before* the terminal starts: ncurses installs its own SIGINT and
/// SIGTERM handlers only where the disposition is still the default.
public final class QuitSignals {
  /// The signals watched.
  public let signals: [Int32]
  private let flag = SignalFlag()
  private let sources: [any DispatchSourceSignal]

  public init(signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]) {
    self.signals = signals
    let flag = self.flag
    sources = signals.map { number in
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler { flag.record(number) }
      source.resume()
      return source
    }
  }

  /// The first signal received, or `nil` while none has arrived.
  public var received: Int32? { flag.value }

  /// Stops watching and gives the signals their default action back.
  public func cancel() {
    for source in sources { source.cancel() }
    for number in signals { signal(number, SIG_DFL) }
  }

  deinit { cancel() }
}

/// The first signal number recorded, behind a lock. `@unchecked Sendable`
/// because the lock, not the type system, guards `first`: it is written on
/// a Dispatch queue and read on the UI thread, always under `lock`.
private final class SignalFlag: @unchecked Sendable {
  private let lock = NSLock()
  private var first: Int32?

  func record(_ number: Int32) {
    lock.lock()
    defer { lock.unlock() }
    if first == nil { first = number }
  }

  var value: Int32? {
    lock.lock()
    defer { lock.unlock() }
    return first
  }
}

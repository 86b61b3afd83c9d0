import Dispatch
import Foundation

/// Set by SIGINT/SIGTERM so a long command can save and stop at a safe point.
final class InterruptFlag {
  private let sources: [any DispatchSourceSignal]
  private let flag = AtomicFlag()

  init() {
    var sources: [any DispatchSourceSignal] = []
    let flag = self.flag
    for signalNumber in [SIGINT, SIGTERM] {
      signal(signalNumber, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
      source.setEventHandler { flag.set() }
      source.resume()
      sources.append(source)
    }
    self.sources = sources
  }

  var isSet: Bool { flag.isSet }
}

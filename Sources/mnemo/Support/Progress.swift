import Foundation

/// Progress on standard error: a self-overwriting line with an ETA on a
/// terminal, occasional plain lines otherwise (logs, CI), nothing when quiet.
struct Progress {
  let label: String
  let quiet: Bool
  private let isTerminal = isatty(STDERR_FILENO) != 0
  private let start = Date()
  private var lastReport = Date.distantPast
  private var lastTenth = -1

  init(label: String, quiet: Bool = false) {
    self.label = label
    self.quiet = quiet
  }

  /// Reports `done` of `total` units.
  mutating func update(_ done: Int, of total: Int, detail: String = "") {
    guard !quiet, total > 0 else { return }
    let now = Date()
    let fraction = Double(done) / Double(total)
    if isTerminal {
      guard now.timeIntervalSince(lastReport) > 0.1 || done == total else { return }
      lastReport = now
      let elapsed = now.timeIntervalSince(start)
      let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
      let barWidth = 24
      let filled = Int(fraction * Double(barWidth))
      let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: barWidth - filled)
      let text = "\r\(label) \(bar) \(done)/\(total) \(detail) ETA \(Self.format(seconds: eta))\u{1B}[K"
      FileHandle.standardError.write(Data(text.utf8))
    } else {
      let tenth = Int(fraction * 10)
      guard tenth > lastTenth else { return }
      lastTenth = tenth
      let line = "\(label): \(done)/\(total) \(detail)\n"
      FileHandle.standardError.write(Data(line.utf8))
    }
  }

  /// Ends the line.
  func finish() {
    guard !quiet else { return }
    let elapsed = Date().timeIntervalSince(start)
    let text = isTerminal ? "\r\(label) done in \(Self.format(seconds: elapsed))\u{1B}[K\n" : "\(label): done in \(Self.format(seconds: elapsed))\n"
    FileHandle.standardError.write(Data(text.utf8))
  }

  static func format(seconds: Double) -> String {
    guard seconds.isFinite else { return "--" }
    if seconds < 60 { return String(format: "%.1fs", seconds) }
    let minutes = Int(seconds) / 60
    if minutes < 60 { return "\(minutes)m\(String(format: "%02d", Int(seconds) % 60))s" }
    return "\(minutes / 60)h\(String(format: "%02d", minutes % 60))m"
  }
}

/// Writes a message to standard error.
func printError(_ message: String) {
  FileHandle.standardError.write(Data((message + "\n").utf8))
}

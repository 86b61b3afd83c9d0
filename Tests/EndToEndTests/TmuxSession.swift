import Foundation
import TestSupport

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A private tmux server running one program in a detached window, driven
/// the way a user would: keys in, screen text out.
///
/// Each session has its own socket (`tmux -L mnemo-test-<uuid>`), so tests
/// never touch the user's tmux or each other, and ``kill()`` ends the
/// whole server.
struct TmuxSession {
  let socket = "mnemo-test-" + UUID().uuidString.lowercased()
  let target = "mnemo"

  /// Whether `tmux` can be run at all.
  static let isAvailable: Bool = (try? run(["-V"]).status) == 0

  /// Runs `tmux` with `arguments` and returns its exit status and output.
  ///
  /// The tmux server, forked by the first command, keeps every descriptor
  /// it inherits. Foundation's `Process` on Linux learns that a child has
  /// exited when a socket it hands to the child is closed, so a server
  /// holding that socket would make `waitUntilExit()` wait forever (seen:
  /// the client a zombie, the test hung). Hence tmux is started by `bash`
  /// after closing every descriptor above 2, and output goes to a
  /// temporary file rather than a pipe, for the same reason.
  @discardableResult
  static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let closeInheritedDescriptors =
      #"for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && exec {fd}>&-; done 2>/dev/null; "#
      + #"exec tmux "$@""#
    let result = try Command.run(
      "/bin/bash", ["-c", closeInheritedDescriptors, "bash"] + arguments, mergingErrors: true)
    return (result.status, result.output)
  }

  @discardableResult
  func tmux(_ arguments: [String]) throws -> (status: Int32, output: String) {
    try Self.run(["-L", socket] + arguments)
  }

  /// Starts `command` (a shell command line) in a `width × height` window,
  /// in `directory`. (Set the program's environment in the command: tmux
  /// gives panes its own `TERM` whatever `-e` says.)
  func start(_ command: String, width: Int, height: Int, directory: String) throws {
    var arguments = [
      "-u", "-f", "/dev/null", "new-session", "-d", "-s", target, "-x", "\(width)", "-y", "\(height)",
    ]
    arguments += ["-c", directory]
    arguments.append(command)
    let result = try tmux(arguments)
    guard result.status == 0 else { throw TmuxError(message: "tmux new-session failed: \(result.output)") }
  }

  /// The visible screen as text, one line per row (lines the terminal
  /// wrapped are joined, so long messages can be searched whole).
  func screen() throws -> String {
    try tmux(["capture-pane", "-p", "-J", "-t", target]).output
  }

  /// The screen with SGR escape sequences (colours, attributes).
  func screenWithEscapes() throws -> String {
    try tmux(["capture-pane", "-p", "-e", "-t", target]).output
  }

  /// Sends keys by tmux name (`q`, `Down`, `Enter`, `C-c`).
  func send(_ keys: String...) throws {
    try tmux(["send-keys", "-t", target] + keys)
  }

  func resize(width: Int, height: Int) throws {
    try tmux(["resize-window", "-t", target, "-x", "\(width)", "-y", "\(height)"])
  }

  /// A tmux format, e.g. `#{alternate_on} #{cursor_flag}`.
  func display(_ format: String) throws -> String {
    try tmux(["display-message", "-p", "-t", target, format]).output
      .trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Polls the screen until `condition` holds or `timeout` seconds pass;
  /// returns the last screen either way (the caller asserts on it, so a
  /// failure shows what was on screen).
  @discardableResult
  func waitForScreen(timeout: Double = 60, _ condition: (String) -> Bool) async throws -> String {
    let deadline = Date().addingTimeInterval(timeout)
    var last = ""
    while Date() < deadline {
      last = try screen()
      if condition(last) { return last }
      try await Task.sleep(for: .milliseconds(100))
    }
    return last
  }

  /// Ends the pane's processes and the server, and removes the socket.
  ///
  /// The pane's processes are killed by process group first: they inherit
  /// the test runner's signal mask, in which SIGHUP — what `kill-server`
  /// sends them — is blocked, so they (and the server waiting for them)
  /// would otherwise outlive the test.
  func kill() {
    let socketPath = try? display("#{socket_path}")
    defer {
      if let socketPath, !socketPath.isEmpty { try? FileManager.default.removeItem(atPath: socketPath) }
    }
    if let text = try? display("#{pane_pid}"), let pid = Int32(text), pid > 1 {
      #if canImport(Glibc)
        _ = Glibc.kill(-pid, SIGKILL)
      #else
        _ = Darwin.kill(-pid, SIGKILL)
      #endif
    }
    _ = try? tmux(["kill-server"])
  }
}

struct TmuxError: Error, CustomStringConvertible {
  var message: String
  var description: String { message }
}

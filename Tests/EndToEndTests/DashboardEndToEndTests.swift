import Foundation
import TestSupport
import Testing

/// The real `mnemo` binary in a real terminal (tmux): the demo dashboard
/// starts, answers keys, survives resizes and leaves the terminal as it
/// found it.
///
/// `make test` sets `MNEMO_BINARY` to the release build; without it these
/// tests are skipped (they need the binary, not the library).
@Suite(
  .serialized,
  .enabled(
    if: EndToEnd.binary != nil, "MNEMO_BINARY is not set: run `make test`, or set it to a built mnemo"),
  .enabled(if: TmuxSession.isAvailable, "tmux is not installed (Debian: apt install tmux)"))
struct DashboardEndToEndTests {
  /// Starts `mnemo dashboard --demo` (plus `arguments`) under `sh`, which
  /// reports the exit status and keeps the pane alive so the terminal's
  /// state can be read after mnemo has gone.
  static func start(
    _ session: TmuxSession, arguments: [String] = [], width: Int = 100, height: Int = 30,
    environment: [String: String] = [:]
  ) throws {
    let binary = try #require(EndToEnd.binary)
    let command = EndToEnd.command([binary, "dashboard", "--demo"] + arguments, environment: environment)
    try session.start(
      "\(command); echo \"mnemo exited with status $?\"; sleep 120", width: width, height: height,
      directory: EndToEnd.scratchDirectory)
  }

  static func lines(_ screen: String) -> [String] {
    screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  }

  @Test func panelsKeysResizeAndQuit() async throws {
    let session = TmuxSession()
    defer { session.kill() }
    try Self.start(session)

    // The panels, the demo label and a finished race.
    var screen = try await session.waitForScreen {
      $0.contains("race finished") && $0.contains("convergence") && $0.contains("adagrad")
    }
    #expect(screen.contains("demo: baselines only, no learned optimizer"))
    #expect(screen.contains("loss · mean loss f(θ_t)"))
    #expect(screen.contains("meta-training"))
    #expect(screen.contains("memory"))
    #expect(screen.contains("━ 1 sgd"))
    #expect(Self.lines(screen).first?.hasPrefix(" mnemo · quadratic") == true)
    #expect(screen.contains("? help"))

    // Switch problem through the picker: quadratic, rosenbrock, logistic, lasso.
    try session.send("c")
    screen = try await session.waitForScreen { $0.contains("problem class") && $0.contains("● quadratic") }
    #expect(screen.contains("● quadratic"))
    try session.send("Down", "Down", "Down", "Enter")
    screen = try await session.waitForScreen {
      $0.contains("mnemo · lasso · race finished") && $0.contains("8 fista") && $0.contains("7 ista")
        && $0.contains("1/L")
    }
    #expect(screen.contains("7 ista"))
    #expect(screen.contains("1/L"))

    // Hide racer 1: gone from the legend, marked in the table.
    try session.send("1")
    screen = try await session.waitForScreen {
      $0.contains("sgd (hidden)") && !$0.contains("━ 1 sgd") && $0.contains("━ 2 momentum")
    }
    #expect(!screen.contains("━ 1 sgd"))
    #expect(screen.contains("━ 2 momentum"))

    // The help overlay, generated from the key map, and closing it.
    try session.send("?")
    // Wait for the whole overlay, not its first row: a capture can land
    // while the terminal is still drawing it.
    screen = try await session.waitForScreen {
      $0.contains("─ keys ─") && $0.contains("pause / resume the engine") && $0.contains("pick the problem class")
    }
    #expect(screen.contains("pause / resume the engine"))
    #expect(screen.contains("pick the problem class"))
    try session.send("Escape")
    screen = try await session.waitForScreen { !$0.contains("─ keys ─") && $0.contains("convergence") }
    #expect(screen.contains("convergence"))

    // Save: the key is acknowledged, then the engine's answer replaces the
    // note (in the demo there is no learned optimizer, so nothing to save).
    try session.send("w")
    screen = try await session.waitForScreen {
      $0.contains("nothing to save") || $0.contains("saved session")
    }
    #expect(screen.contains("nothing to save") || screen.contains("saved session"))

    // Resize: 80×24 drops the side panels; below the minimum it says what
    // it needs; back to full size.
    try session.resize(width: 80, height: 24)
    screen = try await session.waitForScreen { !$0.contains("meta-training") && $0.contains("convergence") }
    let small = Self.lines(screen)
    #expect(small.count >= 24)
    #expect(small[23].hasPrefix(" ? help"))
    try session.resize(width: 30, height: 8)
    screen = try await session.waitForScreen { $0.contains("terminal too small") }
    #expect(screen.contains("have 30×8, need 40×10"))
    try session.resize(width: 100, height: 30)
    screen = try await session.waitForScreen { $0.contains("meta-training") && $0.contains("convergence") }
    #expect(screen.contains("mnemo · lasso"))

    // Quit: status 0, normal screen, cursor visible.
    try session.send("q")
    screen = try await session.waitForScreen { $0.contains("mnemo exited with status") }
    #expect(screen.contains("mnemo exited with status 0"))
    #expect(try session.display("#{alternate_on} #{cursor_flag}") == "0 1")
  }

  @Test func controlCQuitsCleanly() async throws {
    let session = TmuxSession()
    defer { session.kill() }
    try Self.start(session)
    try await session.waitForScreen { $0.contains("convergence") }
    try session.send("C-c")
    let screen = try await session.waitForScreen { $0.contains("mnemo exited with status") }
    #expect(screen.contains("mnemo exited with status 0"))
    #expect(try session.display("#{alternate_on} #{cursor_flag}") == "0 1")
  }

  @Test func sigtermQuitsCleanly() async throws {
    let session = TmuxSession()
    defer { session.kill() }
    let pidFile = EndToEnd.scratchDirectory + "/mnemo-\(session.socket).pid"
    let binary = try #require(EndToEnd.binary)
    // An inner shell records its pid and becomes mnemo, in the foreground.
    let inner =
      "echo $$ > \(EndToEnd.quoted(pidFile)); exec "
      + EndToEnd.command([binary, "dashboard", "--demo"], environment: [:])
    try session.start(
      "sh -c \(EndToEnd.quoted(inner)); echo \"mnemo exited with status $?\"; sleep 120", width: 100,
      height: 30,
      directory: EndToEnd.scratchDirectory)
    try await session.waitForScreen { $0.contains("convergence") }
    let pidText = try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(
      in: .whitespacesAndNewlines)
    let pid = try #require(Int32(pidText))
    #expect(kill(pid, SIGTERM) == 0)
    let screen = try await session.waitForScreen { $0.contains("mnemo exited with status") }
    #expect(screen.contains("mnemo exited with status 0"))
    #expect(try session.display("#{alternate_on} #{cursor_flag}") == "0 1")
    try? FileManager.default.removeItem(atPath: pidFile)
  }

  /// NO_COLOR: no colour escapes at all, but the bars still stand out in
  /// reverse video.
  @Test func noColorMeansNoColourEscapes() async throws {
    let session = TmuxSession()
    defer { session.kill() }
    try Self.start(session, environment: ["NO_COLOR": "1"])
    try await session.waitForScreen { $0.contains("convergence") && $0.contains("race finished") }
    let escaped = try session.screenWithEscapes()
    #expect(!escaped.contains("[38;5;") && !escaped.contains("[48;5;") && !escaped.contains("[38;2;"))
    #expect(escaped.contains("7m"))  // reverse video somewhere (the bars)
    try session.send("q")
    try await session.waitForScreen { $0.contains("mnemo exited with status") }
  }

  /// Ctrl-S (XOFF) does not freeze the dashboard: flow control is off, so
  /// the key reaches mnemo and the `q` after it quits (issue 18).
  @Test func ctrlSDoesNotFreezeTheDashboard() async throws {
    let session = TmuxSession()
    defer { session.kill() }
    try Self.start(session)
    try await session.waitForScreen { $0.contains("convergence") && $0.contains("race finished") }
    try session.send("C-s")
    try session.send("q")
    let screen = try await session.waitForScreen(timeout: 20) { $0.contains("mnemo exited with status") }
    #expect(screen.contains("mnemo exited with status 0"))
  }

  /// With a 256-colour terminal, colours are palette entries.
  @Test func colourTerminalGetsPaletteColours() async throws {
    let session = TmuxSession()
    defer { session.kill() }
    try Self.start(session, arguments: ["--theme", "default"])
    try await session.waitForScreen { $0.contains("convergence") && $0.contains("race finished") }
    let escaped = try session.screenWithEscapes()
    #expect(escaped.contains("[38;5;"))
    try session.send("q")
    try await session.waitForScreen { $0.contains("mnemo exited with status") }
  }

  /// COLORTERM=truecolor on a terminal whose terminfo has 256 colours:
  /// ncurses cannot address 24-bit colour there, so the palette is used.
  @Test func truecolorRequestWithoutDirectTerminfoUsesThePalette() async throws {
    let session = TmuxSession()
    defer { session.kill() }
    try Self.start(session, environment: ["COLORTERM": "truecolor", "TERM": "tmux-256color"])
    try await session.waitForScreen { $0.contains("convergence") && $0.contains("race finished") }
    let escaped = try session.screenWithEscapes()
    #expect(escaped.contains("[38;5;"))
    #expect(!escaped.contains("[38;2;"))
    try session.send("q")
    try await session.waitForScreen { $0.contains("mnemo exited with status") }
  }

  /// With a `*-direct` terminfo entry (Debian: ncurses-term) and
  /// COLORTERM=truecolor, the theme's exact colours reach the screen: the
  /// status bar is #1c1c1c on #87afd7.
  @Test(
    .enabled(
      if: EndToEnd.hasTerminfo("xterm-direct"),
      "no xterm-direct terminfo entry here (Debian: apt install ncurses-term)"))
  func truecolorWithDirectTerminfo() async throws {
    let session = TmuxSession()
    defer { session.kill() }
    try Self.start(session, environment: ["COLORTERM": "truecolor", "TERM": "xterm-direct"])
    try await session.waitForScreen { $0.contains("convergence") && $0.contains("race finished") }
    let escaped = try session.screenWithEscapes()
    #expect(escaped.contains("[38;2;28;28;28m"))
    #expect(escaped.contains("[48;2;135;175;215m"))
    try session.send("q")
    try await session.waitForScreen { $0.contains("mnemo exited with status") }
  }

  /// TERM=dumb has a terminfo entry but no cursor addressing: instead of a
  /// blank screen with a status line, the plain progress log, then the
  /// final table, and a clean exit.
  @Test func dumbTerminalGetsThePlainLog() async throws {
    let session = TmuxSession()
    defer { session.kill() }
    try Self.start(
      session, arguments: ["--duration", "6"], width: 200, height: 100, environment: ["TERM": "dumb"])
    let screen = try await session.waitForScreen(timeout: 60) { $0.contains("mnemo exited with status") }
    #expect(screen.contains("TERM=dumb cannot address the cursor: printing the plain progress log instead."))
    #expect(screen.contains("quadratic ·"))
    #expect(screen.contains("mnemo exited with status 0"))
    #expect(!screen.contains("? help"))
  }

  /// An unknown TERM is a clear message and a failure status, not a
  /// silent exit.
  @Test func unknownTerminalIsExplained() async throws {
    let session = TmuxSession()
    defer { session.kill() }
    try Self.start(session, environment: ["TERM": "mnemo-no-such-terminal"])
    let screen = try await session.waitForScreen { $0.contains("mnemo exited with status") }
    #expect(screen.contains("mnemo-no-such-terminal"))
    #expect(screen.contains("is not a terminal type this system knows"))
    #expect(!screen.contains("mnemo exited with status 0"))
  }

  @Test func unknownThemeIsExplained() async throws {
    let session = TmuxSession()
    defer { session.kill() }
    try Self.start(session, arguments: ["--theme", "no-such-theme"])
    let screen = try await session.waitForScreen { $0.contains("mnemo exited with status") }
    #expect(screen.contains("no theme named \"no-such-theme\""))
    #expect(!screen.contains("mnemo exited with status 0"))
  }
}

/// Settings shared by the end-to-end tests.
enum EndToEnd {
  /// The binary under test, from `MNEMO_BINARY`.
  static let binary: String? = Command.mnemoBinary

  /// Where the binary runs (so nothing lands in the source tree).
  static let scratchDirectory: String = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mnemo-e2e")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
  }()

  /// UTF-8 for braille, no interactive crash prompt, a private cache and
  /// sessions folder.
  static let environment: [String: String] = [
    "LANG": "C.UTF-8", "SWIFT_BACKTRACE": "interactive=no", "MNEMO_CACHE": scratchDirectory + "/cache",
    "MNEMO_SESSIONS": scratchDirectory + "/sessions",
  ]

  /// `arguments` as an `env` command line with ``environment`` plus
  /// `extra`, and without the colour settings of the test process (`swift
  /// test` sets `NO_COLOR=1`) unless `extra` sets them.
  static func command(_ arguments: [String], environment extra: [String: String]) -> String {
    var words = ["env", "-u", "NO_COLOR", "-u", "COLORTERM"]
    for (key, value) in self.environment.merging(extra, uniquingKeysWith: { $1 }).sorted(by: {
      $0.key < $1.key
    }) {
      words.append("\(key)=\(value)")
    }
    return (words + arguments).map(quoted).joined(separator: " ")
  }

  /// Whether ncurses has a terminfo entry for `name` in the usual places.
  static func hasTerminfo(_ name: String) -> Bool {
    guard let first = name.first else { return false }
    return ["/usr/share/terminfo", "/lib/terminfo", "/etc/terminfo"].contains {
      FileManager.default.fileExists(atPath: "\($0)/\(first)/\(name)")
    }
  }

  /// `text` in single quotes for `sh`.
  static func quoted(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}

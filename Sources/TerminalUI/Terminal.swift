import CNcursesw
import Foundation
import Rendering

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The full-screen terminal: the only object that calls ncurses.
///
/// Everything the dashboard shows is first drawn into a ``CellGrid``; this
/// adapter only copies a grid to the screen (``draw(_:)``) and reads keys
/// (``readKey(timeoutMilliseconds:)``). Curses is not thread-safe, so a
/// `Terminal` must be created, used and closed on one thread — it is
/// deliberately not `Sendable`.
///
/// **Start-up** (`newterm` rather than `initscr`, so an unknown `TERM` is an
/// error the caller can report instead of a process exit): locale from the
/// environment (falling back to `C.UTF-8` when it is not UTF-8, which
/// braille needs), `cbreak`, `noecho`, keypad on, cursor hidden, a 25 ms
/// escape delay, then colours.
///
/// **Colours**: the mode is ``Rendering/ColorMode/detect(term:terminalColors:colorTerm:noColor:)``
/// on the environment and the terminfo colour count, limited by what
/// ncurses can address: `COLORTERM=truecolor` only gives 24-bit colour with
/// a `*-direct` terminfo entry (≥ 2²⁴ colours), else the 256-colour cube is
/// used. `NO_COLOR` gives monochrome: no colour pairs at all. Colour pairs
/// are allocated on demand per (foreground, background) and recycled when
/// they run out.
///
/// **Frames**: ``draw(_:)`` does `werase`, writes each row as style runs,
/// then `wnoutrefresh` and one `doupdate`, so ncurses sends only the
/// difference and the screen never flickers.
public final class Terminal {
  /// How many colours are used.
  public let colorMode: ColorMode
  /// Whether the locale is UTF-8, so braille and box-drawing characters
  /// reach the screen; without it the caller should use ASCII glyphs.
  public let supportsUnicode: Bool
  /// `TERM` as ncurses saw it.
  public let termName: String

  private var screen: OpaquePointer?
  private var window: UnsafeMutablePointer<WINDOW>?
  private var pairs: [PairKey: Int32] = [:]
  private var pairLimit: Int32 = 0
  private var colorNumbers: [Color: Int32] = [:]

  private struct PairKey: Hashable {
    var foreground: Int32
    var background: Int32
  }

  /// Enters full-screen mode.
  ///
  /// - Parameter environment: read for `TERM`, `COLORTERM` and `NO_COLOR`
  ///   (the process environment by default).
  /// - Throws: ``TerminalError/notATerminal`` when standard input or output
  ///   is redirected; ``TerminalError/unknownTerminal(term:)`` when ncurses
  ///   has no description of `TERM`.
  public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws(TerminalError) {
    guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw .notATerminal }
    supportsUnicode = Self.selectUTF8Locale()
    let term = environment["TERM"]
    guard let term, !term.isEmpty else { throw .unknownTerminal(term: nil) }
    termName = term
    Self.acceptTerminalSignals()
    guard let screen = newterm(nil, cnc_stdout(), cnc_stdin()) else { throw .unknownTerminal(term: term) }
    self.screen = screen
    set_term(screen)
    window = cnc_stdscr()
    CrashGuard.cursesActive = true
    cbreak()
    noecho()
    nonl()
    Self.disableFlowControl()
    keypad(window, true)
    curs_set(0)
    set_escdelay(25)

    // COLORS is only set by start_color(), so ask terminfo for the count.
    let colors: Int? = has_colors() ? max(0, Int(cnc_terminfo_colors())) : 0
    var mode = ColorMode.detect(
      term: term, terminalColors: colors, colorTerm: environment["COLORTERM"],
      noColor: environment["NO_COLOR"])
    let available = colors ?? 0
    if mode == .truecolor && available < 1 << 24 {
      mode = available >= 256 ? .indexed256 : (available >= 8 ? .basic8 : .monochrome)
    }
    if mode != .monochrome {
      start_color()
      use_default_colors()
      pairLimit = max(0, cnc_color_pairs() - 1)
    }
    colorMode = mode
  }

  deinit { close() }

  /// Turns off XON/XOFF flow control on the terminal, so Ctrl-S reaches the
  /// dashboard as a key instead of freezing its output until Ctrl-Q (`q`
  /// would then seem ignored). `cbreak` leaves flow control on and `raw`
  /// would also turn Ctrl-C into a key, which the quit signals rely on; so
  /// only IXON/IXOFF are cleared, and `def_prog_mode` records the result as
  /// ncurses' program mode (`endwin` restores the shell's own settings).
  private static func disableFlowControl() {
    var settings = termios()
    guard tcgetattr(STDIN_FILENO, &settings) == 0 else { return }
    settings.c_iflag &= ~tcflag_t(IXON | IXOFF)
    _ = tcsetattr(STDIN_FILENO, TCSANOW, &settings)
    def_prog_mode()
  }

  /// Leaves full-screen mode and restores the terminal (idempotent).
  public func close() {
    guard let screen else { return }
    endwin()
    CrashGuard.cursesActive = false
    delscreen(screen)
    self.screen = nil
    window = nil
  }

  /// The screen size in cells (`0 × 0` after ``close()``).
  public var size: (width: Int, height: Int) {
    guard let window else { return (0, 0) }
    return (Int(cnc_cols(window)), Int(cnc_rows(window)))
  }

  /// Makes sure the signals a terminal program lives on reach this
  /// thread: a process started by another program can inherit them
  /// blocked (seen: everything but SIGKILL blocked under `swift test`,
  /// passed on through tmux), and ncurses installs its SIGWINCH handler
  /// only where the disposition is the default.
  private static func acceptTerminalSignals() {
    var signals = sigset_t()
    sigemptyset(&signals)
    for number in [SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGTSTP, SIGCONT] { sigaddset(&signals, number) }
    pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    // Nothing else in the process handles SIGWINCH, so an inherited
    // "ignore" is simply undone.
    signal(SIGWINCH, SIG_DFL)
  }

  /// Asks the kernel for the terminal's size and, if curses has a
  /// different one, resizes curses; returns whether it did. The UI loop
  /// calls this every frame as a fallback for when no SIGWINCH arrives
  /// (ncurses otherwise reports a resize as ``Key/resize``).
  @discardableResult
  public func updateSize() -> Bool {
    guard let window else { return false }
    var size = winsize()
    guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0, size.ws_col > 0 else {
      return false
    }
    guard Int32(size.ws_row) != cnc_rows(window) || Int32(size.ws_col) != cnc_cols(window) else {
      return false
    }
    resizeterm(Int32(size.ws_row), Int32(size.ws_col))
    return true
  }

  // MARK: Drawing

  /// Replaces the screen with `grid` (clipped to the screen) in one update.
  public func draw(_ grid: CellGrid) {
    guard let window else { return }
    if pairs.count >= Int(pairLimit) * 9 / 10 { pairs.removeAll(keepingCapacity: true) }
    werase(window)
    let (columns, rows) = (Int(cnc_cols(window)), Int(cnc_rows(window)))
    var text: [wchar_t] = []
    for y in 0..<min(rows, grid.height) {
      for run in grid.styleRuns(inRow: y) where run.x < columns {
        text.removeAll(keepingCapacity: true)
        for character in run.text.prefix(columns - run.x) {
          text.append(wchar_t(bitPattern: character.unicodeScalars.first?.value ?? 0x20))
        }
        cnc_set_attributes(window, attributes(run.style), pair(for: run.style))
        wmove(window, Int32(y), Int32(run.x))
        waddnwstr(window, text, Int32(text.count))
      }
    }
    cnc_set_attributes(window, cnc_a_normal(), 0)
    wnoutrefresh(window)
    doupdate()
  }

  /// Makes the next ``draw(_:)`` repaint every cell (Ctrl-L), for when
  /// something else wrote to the terminal.
  public func repaintEverything() {
    guard let window else { return }
    clearok(window, true)
  }

  private func attributes(_ style: Style) -> attr_t {
    var result = cnc_a_normal()
    if style.attributes.contains(.bold) { result |= cnc_a_bold() }
    if style.attributes.contains(.dim) { result |= cnc_a_dim() }
    if style.attributes.contains(.reverse) { result |= cnc_a_reverse() }
    if style.attributes.contains(.underline) { result |= cnc_a_underline() }
    return result
  }

  /// The colour pair for a style's colours, allocating one if needed;
  /// pair 0 (the terminal's colours) in monochrome or when pairs run out.
  private func pair(for style: Style) -> Int32 {
    guard colorMode != .monochrome else { return 0 }
    let key = PairKey(foreground: number(style.foreground), background: number(style.background))
    if key.foreground == -1 && key.background == -1 { return 0 }
    if let pair = pairs[key] { return pair }
    let next = Int32(pairs.count + 1)
    guard next <= pairLimit, init_extended_pair(next, key.foreground, key.background) == cnc_ok() else {
      return 0
    }
    pairs[key] = next
    return next
  }

  /// The ncurses colour number: −1 for the terminal's own, a palette index,
  /// or (direct colour) `0xRRGGBB`.
  private func number(_ color: Color) -> Int32 {
    if let known = colorNumbers[color] { return known }
    let result: Int32
    switch color.quantized(for: colorMode) {
    case .default: result = -1
    case .indexed(let index): result = Int32(index)
    case .rgb(let r, let g, let b): result = Int32(r) << 16 | Int32(g) << 8 | Int32(b)
    }
    colorNumbers[color] = result
    return result
  }

  // MARK: Input

  /// The next key, waiting at most `timeoutMilliseconds` (0: only what is
  /// already queued); `nil` when none came. A resize arrives as
  /// ``Key/resize``, after which ``size`` is the new size.
  public func readKey(timeoutMilliseconds: Int) -> Key? {
    guard let window else { return nil }
    wtimeout(window, Int32(max(0, timeoutMilliseconds)))
    var code: wint_t = 0
    let status = wget_wch(window, &code)
    if status == cnc_key_code_yes() { return Self.functionKey(Int32(code)) }
    guard status == cnc_ok() else { return nil }
    return Self.characterKey(UInt32(code))
  }

  static func functionKey(_ code: Int32) -> Key? {
    switch code {
    case cnc_key_resize(): .resize
    case cnc_key_up(): .up
    case cnc_key_down(): .down
    case cnc_key_left(): .left
    case cnc_key_right(): .right
    case cnc_key_enter(): .enter
    case cnc_key_backspace(): .backspace
    case cnc_key_delete(): .delete
    case cnc_key_home(): .home
    case cnc_key_end(): .end
    case cnc_key_page_up(): .pageUp
    case cnc_key_page_down(): .pageDown
    case cnc_key_back_tab(): .backTab
    case cnc_key_f(1)...cnc_key_f(12): .function(Int(code - cnc_key_f(0)))
    default: nil
    }
  }

  static func characterKey(_ value: UInt32) -> Key? {
    switch value {
    case 9: return .tab
    case 10, 13: return .enter
    case 27: return .escape
    case 8, 127: return .backspace
    case 1...26: return .control(Character(Unicode.Scalar(UInt8(96 + value))))
    default:
      guard let scalar = Unicode.Scalar(value), value >= 32 else { return nil }
      return .character(Character(scalar))
    }
  }

  // MARK: Locale

  /// Takes the locale from the environment and makes sure its character
  /// set is UTF-8 (ncursesw writes wide characters through it), trying
  /// `C.UTF-8` when it is not. Returns whether UTF-8 is in effect.
  private static func selectUTF8Locale() -> Bool {
    setlocale(LC_ALL, "")
    if isUTF8() { return true }
    for candidate in ["C.UTF-8", "C.utf8", "en_US.UTF-8"] where setlocale(LC_CTYPE, candidate) != nil {
      if isUTF8() { return true }
    }
    return false
  }

  private static func isUTF8() -> Bool {
    guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
    let name = String(cString: codeset).uppercased()
    return name == "UTF-8" || name == "UTF8"
  }
}

/// How many colours the terminal can show, decided once at start-up.
///
/// Ordered from least to most capable, so `mode >= .indexed256` reads
/// naturally.
public enum ColorMode: Int, Comparable, CaseIterable, Sendable {
  /// No colour at all: `NO_COLOR` is set, `TERM=dumb`, or terminfo reports
  /// no colours. Meaning is carried by glyphs and text attributes only.
  case monochrome
  /// The eight basic ANSI colours.
  case basic8
  /// The xterm 256-colour palette (cube plus grey ramp).
  case indexed256
  /// 24-bit colour.
  case truecolor

  public static func < (lhs: ColorMode, rhs: ColorMode) -> Bool { lhs.rawValue < rhs.rawValue }

  /// Decides the colour mode from the environment, given as plain values so
  /// that the decision is a pure, testable function.
  ///
  /// - Parameters:
  ///   - term: `TERM`, or `nil` when unset.
  ///   - terminalColors: the colour count terminfo reports for `TERM`
  ///     (ncurses `COLORS` / `tigetnum("colors")`), or `nil` when unknown.
  ///   - colorTerm: `COLORTERM`, or `nil` when unset.
  ///   - noColor: `NO_COLOR`, or `nil` when unset.
  ///
  /// The rules, first match wins:
  /// 1. `NO_COLOR` present and non-empty → ``monochrome`` (no-color.org:
  ///    an empty value does not count).
  /// 2. `TERM=dumb` → ``monochrome``.
  /// 3. `COLORTERM` containing `truecolor` or `24bit` (any case) →
  ///    ``truecolor``; terminals announce direct colour this way even when
  ///    their terminfo entry only lists 256 colours.
  /// 4. A known colour count: ≥ 2²⁴ → ``truecolor`` (the `*-direct`
  ///    entries), ≥ 256 → ``indexed256``, ≥ 8 → ``basic8``, fewer (including
  ///    terminfo's −1 for "no colours") → ``monochrome``.
  /// 5. Unknown count, guessed from the name: `*-direct` → ``truecolor``,
  ///    `*256color*` → ``indexed256``, unset or empty `TERM` →
  ///    ``monochrome``, anything else → ``basic8``.
  public static func detect(
    term: String?, terminalColors: Int?, colorTerm: String?, noColor: String?
  ) -> ColorMode {
    if let noColor, !noColor.isEmpty { return .monochrome }
    let term = term ?? ""
    if term == "dumb" { return .monochrome }
    if let colorTerm {
      let lowered = colorTerm.lowercased()
      if lowered.contains("truecolor") || lowered.contains("24bit") { return .truecolor }
    }
    if let colors = terminalColors {
      switch colors {
      case (1 << 24)...: return .truecolor
      case 256...: return .indexed256
      case 8...: return .basic8
      default: return .monochrome
      }
    }
    if term.isEmpty { return .monochrome }
    if term.contains("-direct") { return .truecolor }
    if term.contains("256color") { return .indexed256 }
    return .basic8
  }
}

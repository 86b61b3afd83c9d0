import Testing

@testable import Rendering

@Suite struct ColorModeTests {
  struct Environment: Sendable, CustomTestStringConvertible {
    var term: String?
    var colors: Int?
    var colorTerm: String?
    var noColor: String?
    var expected: ColorMode
    var testDescription: String {
      "TERM=\(term ?? "-") colors=\(colors.map(String.init) ?? "?") "
        + "COLORTERM=\(colorTerm ?? "-") NO_COLOR=\(noColor ?? "-") → \(expected)"
    }
  }

  @Test(arguments: [
    Environment(term: "xterm-256color", colors: 256, colorTerm: nil, noColor: nil, expected: .indexed256),
    Environment(term: "xterm", colors: 8, colorTerm: nil, noColor: nil, expected: .basic8),
    Environment(
      term: "xterm-256color", colors: 256, colorTerm: "truecolor", noColor: nil, expected: .truecolor),
    Environment(term: "xterm-256color", colors: 256, colorTerm: "24bit", noColor: nil, expected: .truecolor),
    Environment(term: "xterm", colors: 8, colorTerm: "TrueColor", noColor: nil, expected: .truecolor),
    Environment(term: "xterm-256color", colors: 256, colorTerm: "yes", noColor: nil, expected: .indexed256),
    // NO_COLOR wins over everything when non-empty …
    Environment(
      term: "xterm-256color", colors: 256, colorTerm: "truecolor", noColor: "1", expected: .monochrome),
    // … and an empty NO_COLOR does not count.
    Environment(term: "xterm-256color", colors: 256, colorTerm: nil, noColor: "", expected: .indexed256),
    Environment(term: "dumb", colors: nil, colorTerm: "truecolor", noColor: nil, expected: .monochrome),
    Environment(term: "xterm-direct", colors: 16_777_216, colorTerm: nil, noColor: nil, expected: .truecolor),
    Environment(term: "vt100", colors: -1, colorTerm: nil, noColor: nil, expected: .monochrome),
    Environment(term: "linux", colors: 8, colorTerm: nil, noColor: nil, expected: .basic8),
    Environment(term: "xterm-16color", colors: 16, colorTerm: nil, noColor: nil, expected: .basic8),
    // Count unknown: guess from the name.
    Environment(term: "tmux-256color", colors: nil, colorTerm: nil, noColor: nil, expected: .indexed256),
    Environment(term: "kitty-direct", colors: nil, colorTerm: nil, noColor: nil, expected: .truecolor),
    Environment(term: "screen", colors: nil, colorTerm: nil, noColor: nil, expected: .basic8),
    Environment(term: nil, colors: nil, colorTerm: nil, noColor: nil, expected: .monochrome),
    Environment(term: "", colors: nil, colorTerm: nil, noColor: nil, expected: .monochrome),
  ])
  func detect(_ env: Environment) {
    let mode = ColorMode.detect(
      term: env.term, terminalColors: env.colors, colorTerm: env.colorTerm, noColor: env.noColor)
    #expect(mode == env.expected)
  }

  @Test func ordered() {
    #expect(ColorMode.monochrome < .basic8)
    #expect(ColorMode.basic8 < .indexed256)
    #expect(ColorMode.indexed256 < .truecolor)
  }
}

import Rendering

/// The theme as the panels use it, adjusted for monochrome terminals.
///
/// With no colours, a style's foreground and background disappear, so the
/// roles that colour alone would mark get attributes instead: bars in
/// reverse video, the selected row reversed, warnings bold and underlined,
/// hidden racers dim.
struct Look: Sendable {
  var theme: Theme
  var glyphs: GlyphSet
  var monochrome: Bool

  init(state: DashboardState) {
    theme = state.theme
    glyphs = state.glyphs
    monochrome = state.monochrome
  }

  init(theme: Theme, glyphs: GlyphSet = .braille, monochrome: Bool = false) {
    self.theme = theme
    self.glyphs = glyphs
    self.monochrome = monochrome
  }

  var text: Style { theme.textStyle }
  var dim: Style { monochrome ? theme.dimStyle.adding(.dim) : theme.dimStyle }
  var title: Style { theme.titleStyle }
  var axis: Style { theme.axisStyle }
  var border: Style { theme.borderStyle }
  var good: Style { monochrome ? theme.goodStyle.adding(.bold) : theme.goodStyle }
  var bad: Style { monochrome ? theme.badStyle.adding([.bold, .underline]) : theme.badStyle }
  var bar: Style { monochrome ? theme.statusStyle.adding(.reverse) : theme.statusStyle }
  var barKey: Style { bar.adding(.bold) }
  var selected: Style { monochrome ? theme.highlightStyle.adding(.reverse) : theme.highlightStyle }

  /// A racer's name in its colour.
  func racer(_ index: Int) -> Style { theme.style(theme.racerColor(index)) }

  /// The horizontal rule character (ASCII when the glyphs are).
  var rule: Character { glyphs == .ascii ? "-" : "─" }
  var verticalRule: Character { glyphs == .ascii ? "|" : "│" }
  var divergedMark: Character { glyphs == .ascii ? "x" : "✗" }
}

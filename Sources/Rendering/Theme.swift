/// The dashboard's colours, by role.
///
/// A theme names what a colour is *for* (axis, title, the third racer, the
/// positive end of the memory heatmap), never where it is drawn, so widgets
/// stay theme-agnostic. Themes are read from btop-style files (see
/// ``parse(_:file:)`` and `themes/README.md`); ``default`` is built in so
/// the binary works with no files around, and equals `themes/default.theme`.
public struct Theme: Hashable, Sendable {
  /// Panel background; ``Color/default`` keeps the terminal's own
  /// (transparent) background.
  public var background: Color
  public var text: Color
  /// Secondary text: units, hints, diverged rows.
  public var dimText: Color
  /// Axis lines, tick marks and tick labels.
  public var axis: Color
  public var title: Color
  public var border: Color
  /// Background of the highlighted (selected) table row.
  public var highlight: Color
  public var statusForeground: Color
  public var statusBackground: Color
  /// One colour per racer (optimizer), in order; at least eight.
  public var racers: [Color]
  /// Diverging heatmap: negative end, zero, positive end.
  public var heatLow: Color
  public var heatMid: Color
  public var heatHigh: Color
  /// Sequential heatmap ramp, five evenly spaced stops from 0 to 1.
  public var ramp: [Color]
  /// Improving / converged.
  public var good: Color
  /// Diverged / worsening.
  public var bad: Color

  /// Fewest racer colours a theme provides; files may add more.
  public static let minimumRacerCount = 8
  /// Stops in ``ramp``.
  public static let rampStopCount = 5

  /// The colour of racer `index`, cycling when there are more racers than
  /// colours.
  public func racerColor(_ index: Int) -> Color {
    guard !racers.isEmpty else { return text }
    return racers[((index % racers.count) + racers.count) % racers.count]
  }

  /// The map for signed matrices (e.g. DNC memory M).
  public var divergingMap: ColorMap { .diverging(low: heatLow, mid: heatMid, high: heatHigh) }
  /// The map for weightings in [0, 1].
  public var sequentialMap: ColorMap { .sequential(ramp) }

  // MARK: Styles by role, all on the theme background

  public var textStyle: Style { Style(foreground: text, background: background) }
  public var dimStyle: Style { Style(foreground: dimText, background: background) }
  public var axisStyle: Style { Style(foreground: axis, background: background) }
  public var titleStyle: Style { Style(foreground: title, background: background, attributes: .bold) }
  public var borderStyle: Style { Style(foreground: border, background: background) }
  public var statusStyle: Style { Style(foreground: statusForeground, background: statusBackground) }
  /// A highlighted row: the row's own foregrounds on the highlight colour,
  /// bold so it survives monochrome terminals.
  public var highlightStyle: Style { Style(foreground: text, background: highlight, attributes: .bold) }
  public var goodStyle: Style { Style(foreground: good, background: background) }
  public var badStyle: Style { Style(foreground: bad, background: background) }

  /// A style in `color` on the theme background (racer names, swatches).
  public func style(_ color: Color) -> Style { Style(foreground: color, background: background) }
}

extension Theme {
  /// The built-in dark theme, identical to `themes/default.theme`.
  ///
  /// Racer colours are xterm-256 cube entries (#5fafff, #ff8700, …) so they
  /// look the same in truecolor and 256-colour terminals; the heatmaps use
  /// coolwarm ends and the five-stop viridis ramp.
  public static let `default` = Theme(
    background: .default,
    text: .rgb(0xD0, 0xD0, 0xD0),
    dimText: .rgb(0x80, 0x80, 0x80),
    axis: .rgb(0x6C, 0x6C, 0x6C),
    title: .rgb(0xFF, 0xFF, 0xFF),
    border: .rgb(0x5F, 0x87, 0xAF),
    highlight: .rgb(0x30, 0x3A, 0x4A),
    statusForeground: .rgb(0x1C, 0x1C, 0x1C),
    statusBackground: .rgb(0x87, 0xAF, 0xD7),
    racers: [
      .rgb(0x5F, 0xAF, 0xFF), .rgb(0xFF, 0x87, 0x00), .rgb(0x5F, 0xD7, 0x5F), .rgb(0xFF, 0x5F, 0x5F),
      .rgb(0xAF, 0x87, 0xFF), .rgb(0xFF, 0xD7, 0x5F), .rgb(0x5F, 0xD7, 0xD7), .rgb(0xFF, 0x87, 0xD7),
    ],
    heatLow: .rgb(0x3B, 0x4C, 0xC0),
    heatMid: .rgb(0xDD, 0xDD, 0xDD),
    heatHigh: .rgb(0xB4, 0x04, 0x26),
    ramp: [
      .rgb(0x44, 0x01, 0x54), .rgb(0x3B, 0x52, 0x8B), .rgb(0x21, 0x91, 0x8C),
      .rgb(0x5E, 0xC9, 0x62), .rgb(0xFD, 0xE7, 0x25),
    ],
    good: .rgb(0x00, 0xD7, 0x5F),
    bad: .rgb(0xFF, 0x00, 0x5F))
}

/// A colour in the form a terminal accepts it, after quantisation for a
/// ``ColorMode``. The ncurses adapter maps ``default`` to −1, ``indexed(_:)``
/// to a palette entry and ``rgb(_:_:_:)`` to a direct colour.
public enum TerminalColor: Hashable, Sendable {
  /// The terminal's own colour (ncurses −1, SGR 39/49).
  case `default`
  /// A palette entry: 0–7 basic, 8–15 bright, 16–231 the 6×6×6 cube,
  /// 232–255 the grey ramp.
  case indexed(UInt8)
  /// A 24-bit colour, for terminals with truecolor support.
  case rgb(UInt8, UInt8, UInt8)
}

extension Color {
  /// The colour a terminal in `mode` should be given.
  ///
  /// ``ColorMode/monochrome`` drops every colour, so widgets must never rely
  /// on colour alone: the mono theme and text attributes carry the meaning.
  public func quantized(for mode: ColorMode) -> TerminalColor {
    guard case .rgb(let r, let g, let b) = self else { return .default }
    switch mode {
    case .monochrome: return .default
    case .basic8: return .indexed(basicIndex(paletteSize: 8) ?? 7)
    case .indexed256: return .indexed(xterm256Index ?? 7)
    case .truecolor: return .rgb(r, g, b)
    }
  }

  /// The nearest xterm-256 palette index, by btop's `truecolor_to_256`.
  ///
  /// When the three channels agree after dividing by 11 and rounding, the
  /// colour is a grey and goes to the 24-step ramp, `232 + round(v / 11)`
  /// (so black is 232 and white 255). Otherwise each channel is quantised
  /// to six levels, `round(c / 51)`, and the index is
  /// `16 + 36·r + 6·g + b` in the colour cube. Pure red is 196; mid grey
  /// (128, 128, 128) is 244. `nil` for ``default``.
  public var xterm256Index: UInt8? {
    guard case .rgb(let r, let g, let b) = self else { return nil }
    func level(_ c: UInt8, _ divisor: Double) -> Int { Int((Double(c) / divisor).rounded()) }
    let grey = level(r, 11)
    if grey == level(g, 11) && grey == level(b, 11) {
      return UInt8(232 + grey)
    }
    return UInt8(16 + 36 * level(r, 51) + 6 * level(g, 51) + level(b, 51))
  }

  /// The nearest of the 8 basic or 16 ANSI colours (`paletteSize` 8 or 16),
  /// by squared sRGB distance to xterm's default palette values. `nil` for
  /// ``default`` or an unsupported palette size.
  ///
  /// Distances are measured to xterm's palette (`205,0,0` for red, `229,…`
  /// for white, …) because those are what most terminals show; a theme's
  /// dark grey thus becomes black and its light grey white.
  public func basicIndex(paletteSize: Int) -> UInt8? {
    guard case .rgb(let r, let g, let b) = self, paletteSize == 8 || paletteSize == 16 else {
      return nil
    }
    var best = 0
    var bestDistance = Int.max
    for (index, entry) in Self.xtermBasicPalette.prefix(paletteSize).enumerated() {
      let dr = Int(r) - entry.0
      let dg = Int(g) - entry.1
      let db = Int(b) - entry.2
      let distance = dr * dr + dg * dg + db * db
      if distance < bestDistance {
        best = index
        bestDistance = distance
      }
    }
    return UInt8(best)
  }

  /// xterm's default values for palette entries 0–15.
  private static let xtermBasicPalette: [(Int, Int, Int)] = [
    (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
    (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
    (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
    (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
  ]
}

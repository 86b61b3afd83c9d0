/// Which characters charts are drawn with — switchable because braille
/// renders badly in some fonts (btop's `graph_symbol`, bottom's
/// `dot_marker`).
///
/// | set       | dots per cell | glyphs                          |
/// |-----------|---------------|---------------------------------|
/// | `braille` | 2 × 4         | U+2800–28FF                     |
/// | `block`   | 2 × 2         | quadrants ▘▝▀▖▌▞▛▗▚▐▜▄▙▟█      |
/// | `ascii`   | 1 × 2         | `'` upper, `.` lower, `:` both  |
///
/// The set also picks the axis and legend characters (box drawing, or
/// `|`, `-`, `+` for `ascii`).
public enum GlyphSet: String, Hashable, Sendable, CaseIterable {
  case braille
  case block
  case ascii

  /// Dot columns per cell.
  public var dotsPerColumn: Int {
    switch self {
    case .braille, .block: 2
    case .ascii: 1
    }
  }

  /// Dot rows per cell.
  public var dotsPerRow: Int {
    switch self {
    case .braille: 4
    case .block, .ascii: 2
    }
  }

  /// The glyph for a cell whose dots are set in `mask`, where bit
  /// `row · dotsPerColumn + column` stands for the dot at (column, row) of
  /// the cell, rows counted from the top. `nil` when no dot is set.
  ///
  /// For braille the mask is re-ordered into Unicode's dot numbering:
  ///
  ///     dot 1 (0x01)  dot 4 (0x08)
  ///     dot 2 (0x02)  dot 5 (0x10)
  ///     dot 3 (0x04)  dot 6 (0x20)
  ///     dot 7 (0x40)  dot 8 (0x80)
  ///
  /// so the character is U+2800 + Σ bits (dots 7 and 8 came last to
  /// Unicode, hence the odd order of the bottom row).
  func glyph(mask: UInt8) -> Character? {
    guard mask != 0 else { return nil }
    switch self {
    case .braille:
      var bits: UInt32 = 0
      for row in 0..<4 {
        for column in 0..<2 where mask & (1 << (row * 2 + column)) != 0 {
          bits |= Self.brailleBit[row][column]
        }
      }
      return Character(Unicode.Scalar(0x2800 + bits) ?? " ")
    case .block:
      return Self.quadrants[Int(mask & 0x0F)]
    case .ascii:
      return [" ", "'", ".", ":"][Int(mask & 0x03)]
    }
  }

  /// Braille bit for (row, column).
  private static let brailleBit: [[UInt32]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]

  /// Quadrant glyphs indexed by mask bits: 1 upper-left, 2 upper-right,
  /// 4 lower-left, 8 lower-right.
  private static let quadrants: [Character] = [
    " ", "▘", "▝", "▀", "▖", "▌", "▞", "▛", "▗", "▚", "▐", "▜", "▄", "▙", "▟", "█",
  ]

  // MARK: Frame characters

  var verticalLine: Character { self == .ascii ? "|" : "│" }
  var horizontalLine: Character { self == .ascii ? "-" : "─" }
  var leftTick: Character { self == .ascii ? "+" : "┤" }
  var bottomTick: Character { self == .ascii ? "+" : "┬" }
  var corner: Character { self == .ascii ? "+" : "└" }
  var legendSwatch: Character { self == .ascii ? "-" : "━" }
  var divergenceMarker: Character { self == .ascii ? "x" : "×" }
}

/// Keeps the one-character-one-column invariant of ``CellGrid``.
///
/// A full `wcwidth` table is not needed: the renderer only writes its own
/// glyphs plus user text such as optimizer and theme names. Characters that
/// a terminal draws two columns wide (CJK, Hangul, full-width forms, emoji)
/// would shift the rest of the row, so they are replaced by `?`; control
/// characters (tab, newline, escape…) are replaced by a space so they can
/// never reach the terminal as commands.
enum CharacterWidth {
  static func displayable(_ c: Character) -> Character {
    guard let first = c.unicodeScalars.first else { return " " }
    let v = first.value
    if v < 0x20 || (0x7F...0x9F).contains(v) { return " " }
    if c.unicodeScalars.contains(where: { $0.value == 0xFE0F }) { return "?" }
    if isWide(v) { return "?" }
    return c
  }

  private static let wideRanges: [ClosedRange<UInt32>] = [
    0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
    0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
    0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x1FA70...0x1FAFF, 0x20000...0x3FFFD,
  ]

  private static func isWide(_ v: UInt32) -> Bool {
    v >= 0x1100 && wideRanges.contains { $0.contains(v) }
  }
}

/// One character cell of the off-screen grid.
///
/// The character must occupy exactly one terminal column: ASCII, braille
/// (U+2800–28FF), block elements (▀▄█▖…), box drawing (─│┤└) and the like.
/// ``CellGrid`` enforces this on input by replacing wide and control
/// characters (see ``CellGrid/put(text:at:style:maxWidth:)``).
public struct Cell: Hashable, Sendable {
  public var character: Character
  public var style: Style

  public init(_ character: Character, style: Style = .plain) {
    self.character = character
    self.style = style
  }

  /// A space in the terminal's own colours: what a new grid holds.
  public static let blank = Cell(" ")
}

extension String {
  /// The string cut to `width` columns, ending in `…` when cut (the
  /// dashboard's one truncation mark, as in `CellGrid.put(text:…maxWidth:)`).
  func truncated(to width: Int) -> String {
    guard width > 0 else { return "" }
    guard count > width else { return self }
    return String(prefix(width - 1)) + "…"
  }

  /// The string cut to `width` columns at a word boundary (a space), ending
  /// in `…`: a status note or title reads `…20 held-out instances,…` rather
  /// than `…se…`. A first word longer than `width` is cut as
  /// ``truncated(to:)`` does, since nothing better fits.
  func truncatedAtWord(to width: Int) -> String {
    guard width > 0 else { return "" }
    guard count > width else { return self }
    let head = prefix(width - 1)
    // Cut at the last space that keeps a word whole (the one after the
    // prefix counts: the prefix then ends exactly at a word's end).
    let boundary = dropFirst(width - 1).first == " " ? head.endIndex : head.lastIndex(of: " ")
    guard let boundary, boundary > head.startIndex else { return truncated(to: width) }
    var kept = String(head[..<boundary])
    // No dangling separator before the mark ("a ·…", "a,…" keeps its comma).
    while let last = kept.last, last == " " || last == "·" || last == "—" { kept.removeLast() }
    return kept.isEmpty ? truncated(to: width) : kept + "…"
  }

  /// Phrases joined with `separator` into lines of at most `width`
  /// columns, greedily, never splitting a phrase (one longer than `width`
  /// is cut with `…`): the size notice at 20×6 keeps `need 40×10` whole.
  static func wrapping(_ phrases: [String], separator: String = " ", width: Int) -> [String] {
    var lines: [String] = []
    var current = ""
    for phrase in phrases {
      let candidate = current.isEmpty ? phrase : current + separator + phrase
      if candidate.count <= width {
        current = candidate
      } else {
        if !current.isEmpty { lines.append(current) }
        current = phrase.truncated(to: width)
      }
    }
    if !current.isEmpty { lines.append(current) }
    return lines
  }

  /// The string padded with spaces (or cut) to exactly `width` columns.
  func padded(to width: Int) -> String {
    let cut = truncated(to: width)
    return cut + String(repeating: " ", count: max(0, width - cut.count))
  }
}

extension String {
  /// The string cut to `width` columns, ending in `…` when cut (the
  /// dashboard's one truncation mark, as in `CellGrid.put(text:…maxWidth:)`).
  func truncated(to width: Int) -> String {
    guard width > 0 else { return "" }
    guard count > width else { return self }
    return String(prefix(width - 1)) + "…"
  }

  /// The string padded with spaces (or cut) to exactly `width` columns.
  func padded(to width: Int) -> String {
    let cut = truncated(to: width)
    return cut + String(repeating: " ", count: max(0, width - cut.count))
  }
}

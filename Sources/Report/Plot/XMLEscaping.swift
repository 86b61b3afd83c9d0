/// Text made safe for SVG/XML character data and attribute values.
///
/// The five predefined entities cover everything XML reserves; control
/// characters other than tab, newline and carriage return are not allowed in
/// XML 1.0 at all, so they are dropped rather than escaped.
enum XMLEscaping {
  /// `text` with `& < > " '` replaced by entities and forbidden control
  /// characters removed.
  static func escape(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "'": result += "&apos;"
      case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
      default:
        if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
        result.unicodeScalars.append(scalar)
      }
    }
    return result
  }
}

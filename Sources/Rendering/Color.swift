/// A colour as the renderer thinks of it: either the terminal's own colour
/// or an exact 24-bit sRGB value.
///
/// Widgets always work in 24-bit colour; the terminal adapter quantises at
/// the very end with ``quantized(for:)`` (256-colour cube, 8 basic colours or
/// nothing), so a theme looks the same wherever the terminal can show it.
public enum Color: Hashable, Sendable {
  /// The terminal's own foreground or background (ncurses colour −1). An
  /// empty `""` value in a theme file means this.
  case `default`
  /// An sRGB colour, one byte per channel.
  case rgb(UInt8, UInt8, UInt8)

  /// Parses `#RRGGBB` (case-insensitive). Returns `nil` for anything else.
  public init?(hex: String) {
    let scalars = Array(hex.unicodeScalars)
    guard scalars.count == 7, scalars[0] == "#" else { return nil }
    var bytes: [UInt8] = []
    for i in stride(from: 1, to: 7, by: 2) {
      guard let high = Self.hexDigit(scalars[i]), let low = Self.hexDigit(scalars[i + 1]) else {
        return nil
      }
      bytes.append(high << 4 | low)
    }
    self = .rgb(bytes[0], bytes[1], bytes[2])
  }

  /// `#rrggbb` in lower case, or `nil` for ``default``.
  public var hex: String? {
    guard case .rgb(let r, let g, let b) = self else { return nil }
    return "#" + [r, g, b].map(Self.twoHexDigits).joined()
  }

  /// The straight line between two colours in sRGB, each channel rounded.
  ///
  /// Interpolating in (gamma-encoded) sRGB rather than in linear light is
  /// what matplotlib's `LinearSegmentedColormap` does, so a five-stop viridis
  /// built this way matches the published stops exactly at the stops.
  /// With ``default`` at either end there is nothing to blend, so the nearer
  /// endpoint is returned.
  public func interpolated(to other: Color, fraction t: Double) -> Color {
    guard case .rgb(let r0, let g0, let b0) = self, case .rgb(let r1, let g1, let b1) = other else {
      return t < 0.5 ? self : other
    }
    let t = min(1, max(0, t.isNaN ? 0 : t))
    func mix(_ a: UInt8, _ b: UInt8) -> UInt8 {
      UInt8((Double(a) + (Double(b) - Double(a)) * t).rounded())
    }
    return .rgb(mix(r0, r1), mix(g0, g1), mix(b0, b1))
  }

  private static func hexDigit(_ s: Unicode.Scalar) -> UInt8? {
    switch s {
    case "0"..."9": UInt8(s.value - 48)
    case "a"..."f": UInt8(s.value - 97 + 10)
    case "A"..."F": UInt8(s.value - 65 + 10)
    default: nil
    }
  }

  private static func twoHexDigits(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
  }
}

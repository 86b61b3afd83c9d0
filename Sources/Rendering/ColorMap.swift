/// A map from a position t ∈ [0, 1] to a colour, for heatmaps.
///
/// Both kinds interpolate piecewise-linearly in sRGB between evenly spaced
/// stops (``Color/interpolated(to:fraction:)``).
public enum ColorMap: Hashable, Sendable {
  /// Blue–grey–red style map for signed data: t = 0 is `low`, ½ is `mid`
  /// (zero), 1 is `high`. Paired with a symmetric range ±max|M| so that
  /// zero is always the neutral colour.
  case diverging(low: Color, mid: Color, high: Color)
  /// A ramp through evenly spaced stops (at least one), e.g. the five-stop
  /// viridis approximation, for data on a fixed range such as [0, 1].
  case sequential([Color])

  /// Moreland's coolwarm ends (#3b4cc0, #b40426) through light grey.
  public static let coolwarm = ColorMap.diverging(
    low: .rgb(0x3B, 0x4C, 0xC0), mid: .rgb(0xDD, 0xDD, 0xDD), high: .rgb(0xB4, 0x04, 0x26))

  /// Five stops of matplotlib's viridis (entries 0, 64, 128, 192, 255 of
  /// `_viridis_data`): #440154, #3b528b, #21918c, #5ec962, #fde725.
  public static let viridis = ColorMap.sequential([
    .rgb(0x44, 0x01, 0x54), .rgb(0x3B, 0x52, 0x8B), .rgb(0x21, 0x91, 0x8C),
    .rgb(0x5E, 0xC9, 0x62), .rgb(0xFD, 0xE7, 0x25),
  ])

  /// The colour at `t`, clamped to [0, 1]; NaN maps to t = 0.
  public func color(at t: Double) -> Color {
    let stops: [Color]
    switch self {
    case .diverging(let low, let mid, let high): stops = [low, mid, high]
    case .sequential(let ramp): stops = ramp
    }
    guard let first = stops.first else { return .default }
    guard stops.count > 1 else { return first }
    let t = t.isNaN ? 0 : min(1, max(0, t))
    let position = t * Double(stops.count - 1)
    let index = min(stops.count - 2, Int(position))
    return stops[index].interpolated(to: stops[index + 1], fraction: position - Double(index))
  }
}

import Foundation

/// A line chart with a logarithmic y axis and a linear x axis, written as a
/// standalone SVG document that a browser opens: loss curves of optimizers
/// over steps.
///
/// The output is a pure function of the chart (fixed palette, coordinates
/// printed with two decimals, no dates or random ids), so a report run twice
/// writes identical files. Missing points (NaN, ±∞) break a line into
/// pieces; values ≤ 0 are drawn on the axis floor and their series is marked
/// with an asterisk and a footnote, so a clamp is never mistaken for data.
public struct SVGLineChart: Sendable, Equatable {
  public var title: String
  public var xLabel: String
  public var yLabel: String
  public var series: [PlotSeries]
  /// The document's size in pixels.
  public var width: Double
  public var height: Double
  /// Series longer than this are decimated (evenly, keeping both ends).
  public var maximumPoints: Int

  public init(
    title: String, xLabel: String, yLabel: String, series: [PlotSeries], width: Double = 760,
    height: Double = 460, maximumPoints: Int = 1500
  ) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.series = series
    self.width = width
    self.height = height
    self.maximumPoints = maximumPoints
  }

  /// Line colours, in series order (then repeated with dashes).
  static let palette = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f",
    "#bcbd22",
  ]
  static let dashes = ["", "6 3", "2 2", "8 3 2 3"]

  /// The plot area's margins: left (tick labels), right (legend), top
  /// (title), bottom (x labels).
  private var margins: (left: Double, right: Double, top: Double, bottom: Double) {
    (72, 200, 40, 56)
  }

  /// The y axis the finite positive values need (1 … 10 when there are none).
  public var yAxis: LogAxis {
    let positive = series.flatMap(\.y).filter { $0.isFinite && $0 > 0 }
    guard let low = positive.min(), let high = positive.max() else { return LogAxis(lower: 0, upper: 1) }
    return LogAxis(minimum: low, maximum: high)
  }

  /// The x range of the finite x values ([0, 1] when there are none).
  public var xRange: (minimum: Double, maximum: Double) {
    let xs = series.flatMap(\.x).filter(\.isFinite)
    guard let low = xs.min(), let high = xs.max() else { return (0, 1) }
    return high > low ? (low, high) : (low, low + 1)
  }

  /// Whether a series has a finite value ≤ 0 (drawn clamped, flagged).
  public func isClamped(_ series: PlotSeries) -> Bool {
    series.y.contains { $0.isFinite && $0 <= 0 }
  }

  /// The SVG document.
  public func render() -> String {
    let m = margins
    let plotWidth = max(width - m.left - m.right, 10)
    let plotHeight = max(height - m.top - m.bottom, 10)
    let axis = yAxis
    let (xMin, xMax) = xRange
    func px(_ x: Double) -> Double { m.left + (x - xMin) / (xMax - xMin) * plotWidth }
    func py(_ y: Double) -> Double {
      let clamped = y > 0 ? y : pow(10, Double(axis.lower))
      return m.top + (1 - axis.fraction(of: clamped)) * plotHeight
    }
    var out: [String] = []
    out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
    out.append(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" "
        + "viewBox=\"0 0 \(f(width)) \(f(height))\" font-family=\"sans-serif\" font-size=\"12\">")
    out.append("<title>\(XMLEscaping.escape(title))</title>")
    out.append("<rect x=\"0\" y=\"0\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"#ffffff\"/>")
    out.append(
      "<text class=\"title\" x=\"\(f(m.left + plotWidth / 2))\" y=\"24\" text-anchor=\"middle\" "
        + "font-size=\"15\" font-weight=\"bold\">\(XMLEscaping.escape(title))</text>")

    // The y axis: a grid line and a 10^k label on each tick decade.
    out.append("<g class=\"y-axis\">")
    for exponent in axis.tickExponents() {
      let y = py(pow(10, Double(exponent)))
      out.append(
        "<line class=\"y-tick\" data-exponent=\"\(exponent)\" x1=\"\(f(m.left))\" y1=\"\(f(y))\" "
          + "x2=\"\(f(m.left + plotWidth))\" y2=\"\(f(y))\" stroke=\"#dddddd\"/>")
      let power = exponent < 0 ? "\u{2212}\(-exponent)" : String(exponent)
      out.append(
        "<text class=\"y-label\" x=\"\(f(m.left - 8))\" y=\"\(f(y + 4))\" text-anchor=\"end\">"
          + "10<tspan dy=\"-6\" font-size=\"9\">\(power)</tspan></text>")
    }
    // Minor ticks at 2…9 × 10^k on the axis line when the decades are few
    // enough for them to be told apart.
    if axis.decades <= 6 {
      for exponent in axis.lower..<axis.upper {
        for multiple in 2...9 {
          let y = py(Double(multiple) * pow(10, Double(exponent)))
          out.append(
            "<line class=\"y-minor\" x1=\"\(f(m.left - 4))\" y1=\"\(f(y))\" x2=\"\(f(m.left))\" y2=\"\(f(y))\" "
              + "stroke=\"#333333\"/>")
        }
      }
    }
    out.append("</g>")

    // The x axis: nice linear ticks.
    out.append("<g class=\"x-axis\">")
    for tick in LinearTicks.ticks(minimum: xMin, maximum: xMax) {
      let x = px(tick)
      out.append(
        "<line class=\"x-tick\" x1=\"\(f(x))\" y1=\"\(f(m.top))\" x2=\"\(f(x))\" "
          + "y2=\"\(f(m.top + plotHeight))\" stroke=\"#eeeeee\"/>")
      out.append(
        "<text class=\"x-label\" x=\"\(f(x))\" y=\"\(f(m.top + plotHeight + 18))\" text-anchor=\"middle\">"
          + "\(XMLEscaping.escape(LinearTicks.label(tick)))</text>")
    }
    out.append("</g>")
    out.append(
      "<rect x=\"\(f(m.left))\" y=\"\(f(m.top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\" "
        + "fill=\"none\" stroke=\"#333333\"/>")
    out.append(
      "<text class=\"axis-title\" x=\"\(f(m.left + plotWidth / 2))\" y=\"\(f(height - 14))\" "
        + "text-anchor=\"middle\">\(XMLEscaping.escape(xLabel))</text>")
    let yMid = m.top + plotHeight / 2
    out.append(
      "<text class=\"axis-title\" x=\"16\" y=\"\(f(yMid))\" text-anchor=\"middle\" "
        + "transform=\"rotate(-90 16 \(f(yMid)))\">\(XMLEscaping.escape(yLabel)) (log scale)</text>")

    // The curves, clipped to the plot area.
    out.append(
      "<clipPath id=\"plot-area\"><rect x=\"\(f(m.left))\" y=\"\(f(m.top))\" width=\"\(f(plotWidth))\" "
        + "height=\"\(f(plotHeight))\"/></clipPath>")
    var anyClamped = false
    for (index, original) in series.enumerated() {
      let curve = original.decimated(to: maximumPoints)
      let colour = Self.palette[index % Self.palette.count]
      let dash = Self.dashes[(index / Self.palette.count) % Self.dashes.count]
      let dashAttribute = dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\""
      let clamped = isClamped(original)
      anyClamped = anyClamped || clamped
      // Runs of consecutive drawable points; a NaN/∞ ends a run.
      var runs: [[(Double, Double)]] = []
      var current: [(Double, Double)] = []
      for (x, y) in zip(curve.x, curve.y) {
        if x.isFinite, y.isFinite {
          current.append((px(x), py(y)))
        } else if !current.isEmpty {
          runs.append(current)
          current = []
        }
      }
      if !current.isEmpty { runs.append(current) }
      out.append(
        "<g class=\"series\" data-name=\"\(XMLEscaping.escape(original.name))\" clip-path=\"url(#plot-area)\">")
      for run in runs {
        if run.count == 1 {
          out.append("<circle cx=\"\(f(run[0].0))\" cy=\"\(f(run[0].1))\" r=\"2\" fill=\"\(colour)\"/>")
        } else {
          let d = run.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(f($0.element.0)) \(f($0.element.1))" }
            .joined(separator: " ")
          out.append(
            "<path d=\"\(d)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.6\"\(dashAttribute)/>")
        }
      }
      out.append("</g>")
    }

    // The legend, right of the plot.
    out.append("<g class=\"legend\">")
    for (index, curve) in series.enumerated() {
      let colour = Self.palette[index % Self.palette.count]
      let dash = Self.dashes[(index / Self.palette.count) % Self.dashes.count]
      let dashAttribute = dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\""
      let y = m.top + 10 + Double(index) * 18
      let x = m.left + plotWidth + 14
      out.append(
        "<line x1=\"\(f(x))\" y1=\"\(f(y))\" x2=\"\(f(x + 22))\" y2=\"\(f(y))\" stroke=\"\(colour)\" "
          + "stroke-width=\"2\"\(dashAttribute)/>")
      let flag = isClamped(curve) ? " *" : ""
      out.append(
        "<text class=\"legend-label\" x=\"\(f(x + 28))\" y=\"\(f(y + 4))\">"
          + "\(XMLEscaping.escape(curve.name + flag))</text>")
    }
    out.append("</g>")
    if anyClamped {
      out.append(
        "<text class=\"clamp-note\" x=\"\(f(m.left + plotWidth + 14))\" y=\"\(f(m.top + plotHeight))\" "
          + "font-size=\"10\">* values ≤ 0 drawn at the axis floor</text>")
    }
    out.append("</svg>")
    return out.joined(separator: "\n") + "\n"
  }

  /// A coordinate with two decimals (deterministic, locale-free).
  private func f(_ value: Double) -> String {
    let rounded = (value * 100).rounded() / 100
    if rounded == rounded.rounded() { return String(Int64(rounded)) }
    return String(format: "%.2f", rounded)
  }
}

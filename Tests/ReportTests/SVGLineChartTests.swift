import Foundation
import Testing

@testable import Report

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// The SVG writer: well-formed XML, decade ticks where they belong, escaped
/// names, gaps for missing points, flagged clamps, identical output twice.
@Suite struct SVGLineChartTests {
  static func chart(_ series: [PlotSeries], title: String = "loss") -> SVGLineChart {
    SVGLineChart(title: title, xLabel: "step", yLabel: "loss", series: series)
  }

  /// The SVG parsed as XML (Foundation's XMLDocument, available on Linux
  /// through FoundationXML).
  static func parse(_ svg: String) throws -> XMLDocument {
    try XMLDocument(data: Data(svg.utf8), options: [])
  }

  /// An attribute's value by name (FoundationXML's `attribute(forName:)`
  /// misses attributes of elements in the SVG namespace, so match names).
  static func attribute(_ element: XMLElement?, _ name: String) -> String? {
    element?.attributes?.first { $0.name == name || $0.localName == name }?.stringValue
  }

  /// Elements of `document` whose attribute `class` is `name`.
  static func elements(_ document: XMLDocument, class name: String) throws -> [XMLElement] {
    try document.nodes(forXPath: "//*[@class='\(name)']").compactMap { $0 as? XMLElement }
  }

  @Test func rendersWellFormedSVGWithOneGroupPerSeries() throws {
    let svg = Self.chart([
      PlotSeries(name: "adam", values: [10, 3, 1, 0.3, 0.1]),
      PlotSeries(name: "lstm", values: [10, 1, 0.1, 0.01, 0.001]),
    ]).render()
    let document = try Self.parse(svg)
    let root = try #require(document.rootElement())
    #expect(root.name == "svg")
    #expect(svg.contains("xmlns=\"http://www.w3.org/2000/svg\""))
    let groups = try Self.elements(document, class: "series")
    #expect(groups.map { Self.attribute($0, "data-name") } == ["adam", "lstm"])
    #expect(try Self.elements(document, class: "legend-label").map(\.stringValue) == ["adam", "lstm"])
  }

  struct AxisCase: Sendable, CustomStringConvertible {
    var minimum: Double
    var maximum: Double
    var lower: Int
    var upper: Int
    var description: String { "[\(minimum), \(maximum)]" }
  }

  @Test(arguments: [
    AxisCase(minimum: 0.003, maximum: 20, lower: -3, upper: 2),
    AxisCase(minimum: 0.01, maximum: 100, lower: -2, upper: 2),
    AxisCase(minimum: 2, maximum: 3, lower: 0, upper: 1),
    AxisCase(minimum: 1, maximum: 1, lower: 0, upper: 1),
    AxisCase(minimum: 1e-30, maximum: 1e5, lower: -30, upper: 5),
  ])
  func decadeRangeCoversTheValues(_ c: AxisCase) {
    let axis = LogAxis(minimum: c.minimum, maximum: c.maximum)
    #expect(axis.lower == c.lower && axis.upper == c.upper)
    #expect(axis.fraction(of: c.minimum) >= -1e-12 && axis.fraction(of: c.maximum) <= 1 + 1e-12)
  }

  @Test func manyDecadesAreLabelledWithAStride() {
    let axis = LogAxis(lower: -30, upper: 5)
    let ticks = axis.tickExponents(maximumTicks: 9)
    #expect(ticks.count <= 9 && ticks.first == -30)
    #expect(Set(zip(ticks, ticks.dropFirst()).map { $1 - $0 }).count == 1)
    #expect(LogAxis(lower: -2, upper: 2).tickExponents() == [-2, -1, 0, 1, 2])
  }

  /// Decade grid lines are evenly spaced on the page, 10^k above 10^(k−1),
  /// and a point of value 10^k sits on the line of 10^k.
  @Test func decadeTicksAreEvenlySpacedAndPointsSitOnThem() throws {
    let svg = Self.chart([PlotSeries(name: "s", x: [0, 10], y: [100, 0.01])]).render()
    let document = try Self.parse(svg)
    let ticks = try Self.elements(document, class: "y-tick")
    let exponents = ticks.compactMap { Self.attribute($0, "data-exponent").flatMap { Int($0) } }
    #expect(exponents == [-2, -1, 0, 1, 2])
    let ys = ticks.compactMap { Self.attribute($0, "y1").flatMap(Double.init) }
    let gaps = zip(ys, ys.dropFirst()).map { $0 - $1 }
    #expect(gaps.allSatisfy { abs($0 - gaps[0]) < 0.02 && $0 > 0 })
    // Minor ticks: 2…9 × 10^k in each of the four decades, 2·10^k a
    // fraction log10 2 of the way up its decade.
    let minor = try Self.elements(document, class: "y-minor").compactMap { Self.attribute($0, "y1").flatMap(Double.init) }
    #expect(minor.count == 4 * 8)
    #expect(abs((ys[0] - minor[0]) / gaps[0] - log10(2)) < 1e-3)
    let path = try #require(try document.nodes(forXPath: "//*[@class='series']/*[local-name()='path']").first as? XMLElement)
    let d = try #require(Self.attribute(path, "d"))
    let numbers = d.split(whereSeparator: { $0 == " " || $0 == "M" || $0 == "L" }).compactMap { Double($0) }
    #expect(abs(numbers[1] - ys.last!) < 0.02, "100 sits on the 10² line")
    #expect(abs(numbers[3] - ys.first!) < 0.02, "0.01 sits on the 10⁻² line")
  }

  @Test func namesAndTitlesAreEscaped() throws {
    let name = "a<b & \"c\" 'd'>"
    let svg = Self.chart([PlotSeries(name: name, values: [1, 2])], title: "R&D <test>").render()
    #expect(!svg.contains("a<b"))
    #expect(svg.contains("a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;"))
    let document = try Self.parse(svg)
    #expect(try Self.elements(document, class: "legend-label").first?.stringValue == name)
    #expect(try Self.elements(document, class: "title").first?.stringValue == "R&D <test>")
    #expect(XMLEscaping.escape("bell\u{7}") == "bell")
  }

  @Test func missingPointsLeaveGapsAndLonePointsAreDots() throws {
    let values: [Double] = [8, 4, .nan, 2, 1, .infinity, 0.5, .nan, .nan]
    let svg = Self.chart([PlotSeries(name: "gappy", values: values)]).render()
    let document = try Self.parse(svg)
    let paths = try document.nodes(forXPath: "//*[@class='series']/*[local-name()='path']")
    let dots = try document.nodes(forXPath: "//*[@class='series']/*[local-name()='circle']")
    #expect(paths.count == 2, "8→4 and 2→1 are lines")
    #expect(dots.count == 1, "0.5 alone between gaps is a dot")
    for path in paths {
      let d = Self.attribute(path as? XMLElement, "d") ?? ""
      #expect(d.filter { $0 == "M" }.count == 1 && !d.contains("nan"))
    }
  }

  @Test func nonPositiveValuesAreClampedAndFlagged() throws {
    let chart = Self.chart([
      PlotSeries(name: "error", values: [1, 0.1, 0, 0]),
      PlotSeries(name: "fine", values: [1, 0.5, 0.2, 0.1]),
    ])
    #expect(chart.isClamped(chart.series[0]) && !chart.isClamped(chart.series[1]))
    let svg = chart.render()
    let document = try Self.parse(svg)
    #expect(try Self.elements(document, class: "legend-label").map(\.stringValue) == ["error *", "fine"])
    #expect(try Self.elements(document, class: "clamp-note").count == 1)
    // The axis comes from positive values only: 0.1 … 1.
    #expect(chart.yAxis == LogAxis(lower: -1, upper: 0))
    #expect(!svg.contains("nan") && !svg.contains("inf"))
  }

  @Test func outputIsDeterministicAndLongSeriesAreDecimated() {
    let long = (0...10_000).map { 1 / Double($0 + 1) }
    let chart = Self.chart([PlotSeries(name: "long", values: long)])
    #expect(chart.render() == chart.render())
    let decimated = PlotSeries(name: "long", values: long).decimated(to: 1500)
    #expect(decimated.x.count == 1500 && decimated.x.first == 0 && decimated.x.last == 10_000)
    #expect(zip(decimated.x, decimated.x.dropFirst()).allSatisfy { $0 < $1 })
  }

  @Test func emptyChartIsStillAValidDocument() throws {
    let document = try Self.parse(Self.chart([]).render())
    #expect(document.rootElement()?.name == "svg")
  }
}

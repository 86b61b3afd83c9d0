import Testing

@testable import Rendering

@Suite struct ColorTests {
  struct Xterm256Case: Sendable, CustomTestStringConvertible {
    var color: Color
    var index: UInt8
    var testDescription: String { "\(color.hex ?? "default") → \(index)" }
  }

  @Test(arguments: [
    Xterm256Case(color: .rgb(255, 0, 0), index: 196),
    Xterm256Case(color: .rgb(0, 255, 0), index: 46),
    Xterm256Case(color: .rgb(0, 0, 255), index: 21),
    Xterm256Case(color: .rgb(128, 128, 128), index: 244),
    Xterm256Case(color: .rgb(0, 0, 0), index: 232),
    Xterm256Case(color: .rgb(255, 255, 255), index: 255),
    // Not quite grey (channels differ after /11): goes to the cube.
    Xterm256Case(color: .rgb(128, 128, 160), index: 16 + 36 * 3 + 6 * 3 + 3),
    // coolwarm's blue end #3b4cc0: round(59/51)=1, round(76/51)=1, round(192/51)=4.
    Xterm256Case(color: .rgb(0x3B, 0x4C, 0xC0), index: 16 + 36 + 6 + 4),
  ])
  func xterm256(_ c: Xterm256Case) {
    #expect(c.color.xterm256Index == c.index)
  }

  @Test func defaultHasNoIndex() {
    #expect(Color.default.xterm256Index == nil)
    #expect(Color.default.basicIndex(paletteSize: 8) == nil)
    #expect(Color.default.quantized(for: .indexed256) == .default)
  }

  @Test(arguments: [
    (Color.rgb(255, 0, 0), 8, UInt8(1)),
    (Color.rgb(255, 0, 0), 16, UInt8(9)),
    (Color.rgb(0x3B, 0x4C, 0xC0), 8, UInt8(4)),
    (Color.rgb(20, 20, 20), 8, UInt8(0)),
    (Color.rgb(240, 240, 240), 8, UInt8(7)),
    (Color.rgb(250, 250, 250), 16, UInt8(15)),
    (Color.rgb(0, 200, 200), 8, UInt8(6)),
  ])
  func basicPalette(color: Color, size: Int, index: UInt8) {
    #expect(color.basicIndex(paletteSize: size) == index)
  }

  @Test func quantizationPerMode() {
    let red = Color.rgb(255, 0, 0)
    #expect(red.quantized(for: .monochrome) == .default)
    #expect(red.quantized(for: .basic8) == .indexed(1))
    #expect(red.quantized(for: .indexed256) == .indexed(196))
    #expect(red.quantized(for: .truecolor) == .rgb(255, 0, 0))
  }

  @Test(arguments: ["#3b4cc0", "#FDE725", "#000000", "#ffffff"])
  func hexRoundTrip(_ text: String) throws {
    let color = try #require(Color(hex: text))
    #expect(color.hex == text.lowercased())
  }

  @Test(arguments: ["3b4cc0", "#3b4cc", "#3b4cc0a", "#3g4cc0", "", "#", "# 3b4cc"])
  func hexRejects(_ text: String) {
    #expect(Color(hex: text) == nil)
  }

  @Test func interpolationEndpointsAndMidpoint() {
    let a = Color.rgb(0, 100, 200)
    let b = Color.rgb(100, 200, 0)
    #expect(a.interpolated(to: b, fraction: 0) == a)
    #expect(a.interpolated(to: b, fraction: 1) == b)
    #expect(a.interpolated(to: b, fraction: 0.5) == .rgb(50, 150, 100))
    #expect(a.interpolated(to: b, fraction: 7) == b)
    #expect(Color.default.interpolated(to: b, fraction: 0.2) == .default)
    #expect(Color.default.interpolated(to: b, fraction: 0.8) == b)
  }
}

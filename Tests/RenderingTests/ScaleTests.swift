import Testing

@testable import Rendering

@Suite struct ScaleTests {
  struct TickCase: Sendable, CustomTestStringConvertible {
    var domain: ClosedRange<Double>
    var maxCount: Int
    var labels: [String]
    var testDescription: String { "\(domain) ≤\(maxCount) → \(labels)" }
  }

  @Test(arguments: [
    TickCase(domain: 0...1, maxCount: 6, labels: ["0", "0.2", "0.4", "0.6", "0.8", "1"]),
    TickCase(domain: 0...10, maxCount: 3, labels: ["0", "5", "10"]),
    TickCase(domain: -1...1, maxCount: 5, labels: ["-1", "-0.5", "0", "0.5", "1"]),
    TickCase(domain: 1000...3000, maxCount: 5, labels: ["1k", "1.5k", "2k", "2.5k", "3k"]),
    TickCase(domain: 0...0.003, maxCount: 4, labels: ["0", "1e-3", "2e-3", "3e-3"]),
    TickCase(domain: 0.13...0.97, maxCount: 5, labels: ["0.5"]),
    TickCase(domain: 1...2, maxCount: 3, labels: ["1", "1.5", "2"]),
    TickCase(domain: 0...1000, maxCount: 5, labels: ["0", "500", "1k"]),
    TickCase(domain: 0...1000, maxCount: 6, labels: ["0", "200", "400", "600", "800", "1k"]),
  ])
  func linearTicks(_ c: TickCase) {
    let ticks = LinearScale(domain: c.domain).ticks(maxCount: c.maxCount)
    #expect(ticks.map(\.label) == c.labels)
    #expect(ticks.count <= c.maxCount)
    #expect(ticks.allSatisfy { c.domain.contains($0.value) })
  }

  @Test(arguments: [
    TickCase(
      domain: 1...1000, maxCount: 10,
      labels: ["1", "2", "5", "10", "20", "50", "100", "200", "500", "1k"]),
    TickCase(domain: 1...1000, maxCount: 5, labels: ["1", "10", "100", "1k"]),
    TickCase(domain: 1e-8...1e4, maxCount: 5, labels: ["1e-6", "1e-3", "1", "1k"]),
    TickCase(domain: 0.01...1, maxCount: 6, labels: ["0.01", "0.1", "1"]),
    TickCase(domain: 0.01...1, maxCount: 7, labels: ["0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1"]),
    TickCase(domain: 1e-3...1, maxCount: 2, labels: ["0.01", "1"]),
    TickCase(domain: 2...8, maxCount: 4, labels: ["2", "5"]),
    TickCase(domain: 2...4, maxCount: 4, labels: ["2", "3", "4"]),
  ])
  func logTicks(_ c: TickCase) throws {
    let scale = try #require(LogScale(domain: c.domain))
    let ticks = scale.ticks(maxCount: c.maxCount)
    #expect(ticks.map(\.label) == c.labels)
    #expect(ticks.count <= max(2, c.maxCount))
  }

  @Test func decadeTicksAreExactPowersOfTen() throws {
    let ticks = try #require(LogScale(domain: 1e-6...1)).ticks(maxCount: 7)
    #expect(ticks.map(\.value) == [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1])
  }

  @Test(arguments: [
    (0.13...0.97, 5, 0.0...1.0),
    (3.0...97.0, 6, 0.0...100.0),
    (-0.3...0.2, 6, -0.3...0.2),
    (2.0...2.0, 5, 2.0...2.0),
  ])
  func linearNiced(domain: ClosedRange<Double>, maxTicks: Int, expected: ClosedRange<Double>) {
    #expect(LinearScale(domain: domain).niced(maxTicks: maxTicks).domain == expected)
  }

  @Test func linearProjection() {
    let scale = LinearScale(domain: -2...2)
    #expect(scale.project(0) == .inside(0.5))
    #expect(scale.project(4) == .inside(1.5))
    #expect(scale.project(.nan) == .nonFinite)
    #expect(scale.project(-.infinity) == .nonFinite)
    #expect(scale.value(atFraction: 0.25) == -1)
    #expect(LinearScale(domain: 3...3).project(3) == .inside(0.5))
  }

  @Test func linearFittingIgnoresNonFinite() {
    #expect(LinearScale.fitting([3, .nan, -1, .infinity])?.domain == -1...3)
    #expect(LinearScale.fitting([5, 5])?.domain == 4...6)
    #expect(LinearScale.fitting([.nan]) == nil)
  }

  @Test func logProjectionClampsAndReports() throws {
    let scale = try #require(LogScale(domain: 1e-2...1e2))
    #expect(scale.project(1) == .inside(0.5))
    #expect(scale.project(1e2) == .inside(1))
    #expect(scale.project(0) == .clampedToFloor)
    #expect(scale.project(-3) == .clampedToFloor)
    #expect(scale.project(0).fraction == 0)
    #expect(scale.project(.nan) == .nonFinite)
    #expect(scale.project(.infinity) == .nonFinite)
    #expect(scale.project(.nan).fraction == nil)
    #expect(abs(scale.value(atFraction: 0.75) - 10) < 1e-12)
    #expect(scale.floor == 1e-2)
  }

  @Test func logDomainMustBePositive() {
    #expect(LogScale(domain: 0...1) == nil)
    #expect(LogScale(domain: -1...1) == nil)
    #expect(LogScale(domain: 1...Double.infinity) == nil)
    #expect(LogScale(domain: 1e-300...1) != nil)
  }

  @Test func logFittingUsesPositiveValuesAndNicesToDecades() throws {
    let values: [Double] = [0, -1, 0.5, 20, .nan, .infinity]
    let fitted = try #require(LogScale.fitting(values))
    #expect(fitted.domain == 0.5...20)
    #expect(fitted.niced().domain == 0.1...100)
    #expect(LogScale.clampedCount(in: values) == 2)
    #expect(LogScale.fitting([0, -2]) == nil)
    #expect(LogScale.fitting([1e-3])?.niced().domain == 1e-4...1e-2)
    #expect(try #require(LogScale(domain: 10...10)).niced().domain == 10...100)
  }
}

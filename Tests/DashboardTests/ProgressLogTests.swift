import Engine
import Testing

@testable import Dashboard

/// The plain log the executable prints when there is no terminal.
@Suite struct ProgressLogTests {
  @Test func finishedRaceWithTraining() {
    let lines = ProgressLog.lines(for: Fixtures.snapshot())
    #expect(
      lines == [
        "quadratic · training · meta-iteration 1,234 (2.50 it/s)",
        "  1 exact   loss 0         μ 0.699  q 1.35  α 0.79  →tol 10    →best 10    t/step 1.50ms  (step learned)",
        "  2 fast    loss 9.54e-6   μ 0.500  q 1.00  α 1.09  →tol 7     →best 20    t/step 2.00µs  (step 0.01)",
        "  3 steady  loss 0.476     μ 0.937  q 0.94  α 1.14  →tol —     →best —     t/step 2.00µs  (step 0.1)",
        "  4 slow    loss 1.22      μ 0.900  q 1.00  α 0.86  →tol —     →best —     t/step 2.00µs  (step 0.01)",
        "  5 flat    loss 5         μ 1.000  q —     α 1.00  →tol —     →best —     t/step 2.00µs  (step 1e-4)",
        "  6 wild    diverged at t=6  (step 1)",
        "  note: race 3 finished",
      ])
  }

  @Test func racersAreCappedAndPhasesShown() {
    let lines = ProgressLog.lines(for: Fixtures.snapshot(phase: .failed("out of memory")), maxRacers: 2)
    #expect(lines.count == 4)
    #expect(lines[0].hasPrefix("quadratic · failed"))
    #expect(lines[0].hasSuffix("error: out of memory"))
  }

  @Test func beforeAnyRace() {
    let snapshot = Snapshot(sequence: 1, problemName: "", phase: .starting)
    #expect(ProgressLog.lines(for: snapshot) == ["mnemo · starting"])
  }

  @Test(arguments: [
    (0.0, "0"), (1.0, "1"), (0.0342, "0.0342"), (12.345, "12.3"), (4560, "4560"), (9999.4, "9999"),
    (12_345, "1.23e4"), (1.2e-5, "1.2e-5"), (-0.5, "-0.5"), (0.00999, "9.99e-3"), (Double.nan, "nan"),
    (Double.infinity, "inf"), (-Double.infinity, "-inf"),
  ])
  func numbers(value: Double, text: String) {
    #expect(NumberFormat.value(value) == text)
  }

  @Test func otherFormats() {
    #expect(NumberFormat.step(rate: 0.01, label: "0.01") == "0.01")
    #expect(NumberFormat.step(rate: 3.16e-3, label: "0.00316") == "3.16e-3")
    #expect(NumberFormat.step(rate: nil, label: "1/L") == "1/L")
    #expect(NumberFormat.step(rate: nil, label: "learned") == "learned")
    #expect(NumberFormat.duration(65) == "1:05")
    #expect(NumberFormat.duration(3725) == "1:02:05")
    #expect(NumberFormat.count(1_234_567) == "1,234,567")
    #expect(NumberFormat.count(-12) == "-12")
    #expect(NumberFormat.fixed(nil, decimals: 2) == "—")
    #expect(NumberFormat.fixed(0.98765, decimals: 3) == "0.988")
  }
}

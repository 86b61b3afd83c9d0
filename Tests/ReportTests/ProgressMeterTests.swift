import Foundation
import Testing

@testable import Report

@Suite struct ProgressMeterTests {
  /// Collects the meter's output.
  final class Lines {
    var text = ""
  }

  @Test func etaIsElapsedTimesRemainingOverDoneInWorkUnits() {
    let start = Date(timeIntervalSince1970: 1_000)
    let lines = Lines()
    let meter = ProgressMeter(write: { lines.text += $0 }, isTerminal: false, now: start)
    meter.plan(totalWork: 100, tasks: 2)
    meter.begin("first", work: 20)
    meter.end()
    meter.begin("second", work: 80)
    meter.update(fraction: 0.25)
    // 20 + 0.25·80 = 40 of 100 done in 10 s: 15 s left.
    #expect(abs(meter.fractionDone - 0.4) < 1e-12)
    let left = meter.estimatedSecondsLeft(now: start.addingTimeInterval(10))
    #expect(left.map { abs($0 - 15) < 1e-9 } == true)
    #expect(lines.text.contains("[1/2] first") && lines.text.contains("[2/2] second"))
  }

  @Test func noEstimateBeforeAnyWork() {
    let start = Date(timeIntervalSince1970: 0)
    let meter = ProgressMeter(write: nil, now: start)
    meter.plan(totalWork: 10, tasks: 1)
    #expect(meter.estimatedSecondsLeft(now: start.addingTimeInterval(100)) == nil)
    #expect(ProgressMeter.format(seconds: 125) == "2m05s" && ProgressMeter.format(seconds: 7260) == "2h01m")
  }
}

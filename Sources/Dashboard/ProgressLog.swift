import Engine
import Evaluation

/// The plain progress log for when there is no terminal to draw on (output
/// piped to a file, CI, `--headless`): a snapshot as a few lines of text.
///
/// The executable prints these lines whenever the snapshot changes enough
/// to matter; the format is stable enough to grep:
///
///     quadratic · racing 45/100 · meta-iteration 1,234 (3.21 it/s)
///       1 adam       loss 1.23e-3   μ 0.934  q 1.00  α 1.01  →tol 37    →best 40    t/step 3.10µs  (step 0.01)
///       2 sgd        diverged at t=12                                   (step 1)
///       note: tuned 6 baselines on quadratic
public enum ProgressLog {
  /// The header line, one line per racer (best rank first, at most
  /// `maxRacers`), and the engine's last message.
  public static func lines(for snapshot: Snapshot, maxRacers: Int = 9) -> [String] {
    var header = [snapshot.problemName.isEmpty ? "mnemo" : snapshot.problemName, snapshot.activity]
    let t = snapshot.training
    if t.iteration > 0 || !t.metaLosses.isEmpty {
      let speed = NumberFormat.fixed(t.iterationsPerSecond, decimals: 2)
      header.append("meta-iteration \(NumberFormat.count(t.iteration)) (\(speed) it/s)")
    }
    if case .failed(let message) = snapshot.phase { header.append("error: " + message) }
    var lines = [header.joined(separator: " · ")]
    let nameWidth = snapshot.summaries.map(\.name.count).max() ?? 0
    // Unranked racers (no finite loss yet) last, marked — rather than 0.
    let ranked = snapshot.summaries.sorted { ($0.rank == 0 ? Int.max : $0.rank, $0.name) < ($1.rank == 0 ? Int.max : $1.rank, $1.name) }
    for summary in ranked.prefix(maxRacers) {
      let rank = summary.rank > 0 ? "\(summary.rank)" : "—"
      lines.append("  \(rank) \(summary.name.padded(to: nameWidth))  " + racerText(summary))
    }
    if let message = snapshot.messages.last { lines.append("  note: " + message) }
    return lines
  }

  private static func racerText(_ summary: RacerSummary) -> String {
    let rate = "(step \(NumberFormat.step(rate: summary.learningRate, label: summary.stepLabel)))"
    if let step = summary.divergedAt { return "diverged at t=\(step)  " + rate }
    let e = summary.estimates
    return [
      "loss " + NumberFormat.value(summary.finalMeanLoss).padded(to: 9),
      "μ " + NumberFormat.fixed(e.linearRate, decimals: 3).padded(to: 6),
      "q " + NumberFormat.fixed(e.order, decimals: 2).padded(to: 5),
      "α " + NumberFormat.fixed(e.proposalOrder, decimals: 2).padded(to: 5),
      "→tol " + (e.stepsToTolerance.map(String.init) ?? "—").padded(to: 5),
      "→best " + (summary.stepsToBestBaseline.map(String.init) ?? "—").padded(to: 5),
      "t/step " + NumberFormat.seconds(summary.secondsPerStep).padded(to: 7),
      rate,
    ].joined(separator: " ")
  }
}

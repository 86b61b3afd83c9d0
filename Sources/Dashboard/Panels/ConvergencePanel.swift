import Engine
import MetaLearning
import Rendering

/// The convergence table: one row per racer with its step size (learning
/// rate, `1/L` or `learned`), final loss, the linear rate μ, the order q,
/// the proposal's α, steps to tolerance and rank (see
/// `docs/convergence.md`).
///
/// Diverged racers say so in the loss column (`✗ t=37`, in the `bad`
/// colour) and rank last; hidden racers are dimmed, not removed, so the
/// table stays the full record of the race. The rank-1 racer's rank is in
/// the `good` colour.
struct ConvergencePanel {
  var snapshot: Snapshot
  var state: DashboardState
  var look: Look

  static let columns: [Table.Column] = [
    Table.Column("#", alignment: .right, minWidth: 1),
    Table.Column("racer", minWidth: 4),
    Table.Column("step", alignment: .right, minWidth: 4),
    Table.Column("final loss", alignment: .right, minWidth: 6),
    Table.Column("μ", alignment: .right, minWidth: 5),
    Table.Column("q", alignment: .right, minWidth: 4),
    Table.Column("α", alignment: .right, minWidth: 4),
    Table.Column("→tol", alignment: .right, minWidth: 4),
    Table.Column("rank", alignment: .right, minWidth: 4),
  ]

  /// The table's rows (also what the tests read).
  func rows() -> [[Table.Entry]] {
    snapshot.summaries.enumerated().map { index, summary in
      let hidden = state.hiddenRacers.contains(summary.name)
      let base = hidden ? look.dim : look.text
      let e = summary.estimates
      let loss: Table.Entry =
        if let t = summary.divergedAt {
          Table.Entry("\(look.divergedMark) t=\(t)", style: look.bad)
        } else {
          Table.Entry(NumberFormat.value(summary.finalMeanLoss), style: base)
        }
      let rankStyle = summary.rank == 1 && summary.divergedAt == nil && !hidden ? look.good : base
      return [
        Table.Entry(index < 9 ? "\(index + 1)" : "", style: look.dim),
        Table.Entry(summary.name + (hidden ? " (hidden)" : ""), style: hidden ? look.dim : look.racer(index)),
        Table.Entry(NumberFormat.step(rate: summary.learningRate, label: summary.stepLabel), style: base),
        loss,
        Table.Entry(NumberFormat.fixed(e.linearRate, decimals: 3), style: base),
        Table.Entry(NumberFormat.fixed(e.order, decimals: 2), style: base),
        Table.Entry(NumberFormat.fixed(e.proposalOrder, decimals: 2), style: base),
        Table.Entry(e.stepsToTolerance.map(String.init) ?? "—", style: base),
        Table.Entry(summary.rank > 0 ? "\(summary.rank)" : "—", style: rankStyle),
      ]
    }
  }

  func draw(into grid: inout CellGrid) {
    grid.fill(grid.bounds, style: look.text)
    var info: [Segment] = []
    if let tolerance = snapshot.summaries.first?.estimates.tolerance {
      info.append(Segment("tol " + Self.toleranceText(tolerance), look.dim))
    }
    let diverged = snapshot.summaries.filter { $0.divergedAt != nil }.count
    if diverged > 0 {
      info.append(Segment("\(diverged) diverged", look.bad))
    }
    grid.drawTitleBar("convergence", info: info, look: look)
    let body = Rect(x: 0, y: 1, width: grid.width, height: grid.height - 1)
    guard !snapshot.summaries.isEmpty else {
      let text = snapshot.race == nil ? "no race yet" : "estimates after the first steps…"
      grid.putCentered(text, in: body, style: look.dim)
      return
    }
    let table = Table(columns: Self.columns, rows: rows(), theme: look.theme)
    table.draw(into: &grid, in: body)
  }

  /// `e ≤ 1e-3·e₀` or `e ≤ 1e-6`.
  static func toleranceText(_ tolerance: ConvergenceTolerance) -> String {
    switch tolerance {
    case .absolute(let value): "e ≤ " + NumberFormat.value(value)
    case .relative(let factor): "e ≤ " + NumberFormat.value(factor) + "·e₀"
    }
  }
}

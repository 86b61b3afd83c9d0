import Engine
import Evaluation
import Rendering
import Sessions

/// The convergence table: one row per racer with its step size (learning
/// rate, `1/L` or `learned`), final loss with its 95 % interval, ranks by
/// mean and by geometric mean, steps to reach the best baseline's final
/// loss, the measured time per update, the linear rate μ and the order q
/// (see `docs/convergence.md`). The proposal's α and steps to tolerance are
/// shown only when they tell racers apart (α spread over 0.05, some racer
/// reaching the tolerance): at the defaults they read 1.01 and `—` for every
/// racer, and the room goes to columns that differ. Columns are in order of
/// importance, since a narrow panel drops the last ones.
///
/// Diverged racers say so in the loss column (`✗ t=37`, in the `bad`
/// colour) and rank last; hidden racers are dimmed, not removed, so the
/// table stays the full record of the race. The rank-1 racer's rank is in
/// the `good` colour.
struct ConvergencePanel {
  var snapshot: Snapshot
  var state: DashboardState
  var look: Look

  /// A column and how to fill it from a summary.
  struct ColumnSpec {
    var column: Table.Column
    var cell: (RacerSummary) -> String
  }

  /// The columns shown for these summaries (see the type's note on α, →tol).
  static func columnSpecs(for summaries: [RacerSummary]) -> [ColumnSpec] {
    var specs: [ColumnSpec] = [
      ColumnSpec(column: Table.Column("final loss", alignment: .right, minWidth: 6)) { _ in "" },
      ColumnSpec(column: Table.Column("±95%", alignment: .right, minWidth: 4)) {
        $0.divergedAt == nil && $0.finalLossHalfWidth.isFinite ? NumberFormat.value($0.finalLossHalfWidth) : "—"
      },
      ColumnSpec(column: Table.Column("rank", alignment: .right, minWidth: 4)) { _ in "" },
      ColumnSpec(column: Table.Column("geo", alignment: .right, minWidth: 3)) {
        $0.geometricRank > 0 ? "\($0.geometricRank)" : "—"
      },
      ColumnSpec(column: Table.Column("→best", alignment: .right, minWidth: 5)) {
        $0.stepsToBestBaseline.map(String.init) ?? "—"
      },
      ColumnSpec(column: Table.Column("t/step", alignment: .right, minWidth: 6)) { NumberFormat.seconds($0.secondsPerStep) },
      ColumnSpec(column: Table.Column("μ", alignment: .right, minWidth: 5)) {
        NumberFormat.fixed($0.estimates.linearRate, decimals: 3)
      },
      ColumnSpec(column: Table.Column("q", alignment: .right, minWidth: 4)) {
        NumberFormat.fixed($0.estimates.order, decimals: 2)
      },
    ]
    let alphas = summaries.compactMap(\.estimates.proposalOrder).filter(\.isFinite)
    if let low = alphas.min(), let high = alphas.max(), high - low > 0.05 {
      specs.append(
        ColumnSpec(column: Table.Column("α", alignment: .right, minWidth: 4)) {
          NumberFormat.fixed($0.estimates.proposalOrder, decimals: 2)
        })
    }
    if summaries.contains(where: { $0.estimates.stepsToTolerance != nil }) {
      specs.append(
        ColumnSpec(column: Table.Column("→tol", alignment: .right, minWidth: 4)) {
          $0.estimates.stepsToTolerance.map(String.init) ?? "—"
        })
    }
    return specs
  }

  /// The table's columns for the current summaries.
  var columns: [Table.Column] {
    [
      Table.Column("#", alignment: .right, minWidth: 1),
      Table.Column("racer", minWidth: 4),
      Table.Column("step", alignment: .right, minWidth: 4),
    ] + Self.columnSpecs(for: snapshot.summaries).map(\.column)
  }

  /// The table's rows (also what the tests read).
  func rows() -> [[Table.Entry]] {
    let specs = Self.columnSpecs(for: snapshot.summaries)
    return snapshot.summaries.enumerated().map { index, summary in
      let hidden = state.hiddenRacers.contains(summary.name)
      let base = hidden ? look.dim : look.text
      let loss: Table.Entry =
        if let t = summary.divergedAt {
          Table.Entry("\(look.divergedMark) t=\(t)", style: look.bad)
        } else {
          Table.Entry(NumberFormat.value(summary.finalMeanLoss), style: base)
        }
      let rankStyle = summary.rank == 1 && summary.divergedAt == nil && !hidden ? look.good : base
      var row = [
        Table.Entry(index < 9 ? "\(index + 1)" : "", style: look.dim),
        Table.Entry(summary.name + (hidden ? " (hidden)" : ""), style: hidden ? look.dim : look.racer(index)),
        Table.Entry(NumberFormat.step(rate: summary.learningRate, label: summary.stepLabel), style: base),
      ]
      for spec in specs {
        switch spec.column.header {
        case "final loss": row.append(loss)
        case "rank": row.append(Table.Entry(summary.rank > 0 ? "\(summary.rank)" : "—", style: rankStyle))
        default: row.append(Table.Entry(spec.cell(summary), style: base))
        }
      }
      return row
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
    let table = Self.fitting(Table(columns: columns, rows: rows(), theme: look.theme), width: body.width)
    table.draw(into: &grid, in: body)
  }

  /// `table` with its least important columns (the last) left out until
  /// the rest fit at their natural widths: a narrow panel shows fewer whole
  /// columns rather than every column cut to `1.87e…`. The first five (#,
  /// racer, step, final loss, interval) always stay; below that the table's
  /// own shrinking applies.
  static func fitting(_ table: Table, width: Int) -> Table {
    var table = table
    func natural() -> Int {
      let widths = table.columnWidths(available: Int.max / 2)
      return widths.reduce(0, +) + table.columnSpacing * max(0, widths.count - 1)
    }
    while table.columns.count > 5, natural() > width {
      table.columns.removeLast()
      table.rows = table.rows.map { Array($0.prefix(table.columns.count)) }
    }
    return table
  }

  /// `e ≤ 1e-3·e₀` or `e ≤ 1e-6`.
  static func toleranceText(_ tolerance: ConvergenceTolerance) -> String {
    switch tolerance {
    case .absolute(let value): "e ≤ " + NumberFormat.value(value)
    case .relative(let factor): "e ≤ " + NumberFormat.value(factor) + "·e₀"
    }
  }
}

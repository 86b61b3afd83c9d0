/// How a line is stroked: solid, or alternating runs of drawn and skipped
/// dots, as plotting tools draw monochrome figures (matplotlib's `--`, `:`,
/// `-.`), so curves stay apart without colour (`NO_COLOR`, mono terminals).
public struct DashPattern: Hashable, Sendable {
  /// Run lengths in dots, alternately drawn and skipped; empty is solid.
  public var runs: [Int]
  /// The legend's sample of the stroke.
  public var swatch: Character

  public init(runs: [Int], swatch: Character) {
    precondition(runs.allSatisfy { $0 >= 1 } && runs.count % 2 == 0, "runs alternate on and off, each ≥ 1")
    self.runs = runs
    self.swatch = swatch
  }

  public static let solid = DashPattern(runs: [], swatch: "━")

  /// Seven strokes told apart at a glance, most distinct first: solid,
  /// long dashes, short dashes, dots, dash-dot, sparse dots, long-short.
  public static let distinct: [DashPattern] = [
    .solid,
    DashPattern(runs: [6, 3], swatch: "╍"),
    DashPattern(runs: [3, 3], swatch: "┅"),
    DashPattern(runs: [1, 2], swatch: "┉"),
    DashPattern(runs: [6, 2, 1, 2], swatch: "╌"),
    DashPattern(runs: [1, 5], swatch: "┈"),
    DashPattern(runs: [9, 2, 3, 2], swatch: "┄"),
  ]

  /// The pattern for series `index` (cycling through ``distinct``).
  public static func distinct(_ index: Int) -> DashPattern { distinct[index % distinct.count] }

  /// Whether the dot at `phase` (dots since the line began) is drawn.
  public func draws(at phase: Int) -> Bool {
    guard !runs.isEmpty else { return true }
    let period = runs.reduce(0, +)
    var position = phase % period
    for (i, run) in runs.enumerated() {
      if position < run { return i % 2 == 0 }
      position -= run
    }
    return true
  }
}

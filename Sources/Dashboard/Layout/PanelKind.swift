/// The dashboard's panels.
public enum PanelKind: String, Sendable, CaseIterable, Comparable {
  /// Loss curves of every racer (or the side-by-side / compare view).
  case loss
  /// The convergence table.
  case table
  /// Meta-training progress.
  case training
  /// The learned optimizer's memory or hidden state.
  case memory

  /// The order in which panels give way when the terminal is small: the
  /// memory view first (it needs the most room to be legible), then the
  /// meta-training panel, then the table. The loss chart always stays.
  public static let dropOrder: [PanelKind] = [.memory, .training, .table]

  /// Importance: the loss chart first.
  var priority: Int {
    switch self {
    case .loss: 0
    case .table: 1
    case .training: 2
    case .memory: 3
    }
  }

  public static func < (a: PanelKind, b: PanelKind) -> Bool { a.priority < b.priority }
}

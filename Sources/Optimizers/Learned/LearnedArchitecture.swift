/// The kinds of learned optimizer Mnemo trains and races.
///
/// The raw value is the name the command line (`--architecture`) and the
/// session files (`optimizer.architecture`) use; everywhere else the type
/// is used, so adding an architecture is a new case here and the switches
/// the compiler then points at.
public enum LearnedArchitecture: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
  /// The coordinatewise LSTM of Andrychowicz et al. 2016.
  case lstm
  /// The coordinatewise controller with a memory shared across coordinates
  /// (a Differentiable Neural Computer, docs/dnc.md).
  case dnc
  /// Learned ISTA/FISTA for the sparse classes (Gregor & LeCun 2010): one
  /// step size, threshold and momentum per unrolled layer.
  case lista

  /// One line for help text.
  public var summary: String {
    switch self {
    case .lstm: "coordinatewise LSTM"
    case .dnc: "shared-memory DNC"
    case .lista: "sparse classes"
    }
  }

  public var description: String { rawValue }

  /// Whether the architecture is a recurrent network over the gradient's
  /// coordinates, meta-trained by truncated BPTT (`MetaTrainer`); LISTA has
  /// its own trainer.
  public var isRecurrent: Bool { self != .lista }

  /// Whether it has an external memory the dashboard's memory panel shows.
  public var hasMemory: Bool { self == .dnc }

  /// Rough floating-point operations per coordinate of one step (for ETAs
  /// only): a 2×20 LSTM is some 2·10⁴, the DNC about three times that, a
  /// LISTA layer a few thousand.
  public var stepFlopsPerCoordinate: Double {
    switch self {
    case .lstm: 2e4
    case .dnc: 6e4
    case .lista: 2e3
    }
  }

  /// The architecture a session's optimizer record names; sessions from
  /// before the DNC record none and are LSTMs. Nil for an unknown name.
  public init?(record: [String: String]) {
    guard let name = record["architecture"] else {
      self = .lstm
      return
    }
    self.init(rawValue: name)
  }

  /// "lstm, dnc or lista", for messages.
  public static var choices: String {
    let names = allCases.map(\.rawValue)
    return names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
  }
}

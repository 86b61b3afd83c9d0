import Optimizees

/// A problem class as the study names it: a catalog name, its options, and
/// the label tables show (`hidden=40` for a generalisation variant).
public struct ProblemSpec: Sendable, Hashable {
  /// The catalog name (`quadratic`, `lasso`, `mnist-mlp`, …).
  public var name: String
  /// `key=value` options, as `--option` takes them.
  public var options: [String: String]
  /// How tables and plots name it.
  public var label: String

  public init(_ name: String, options: [String: String] = [:], label: String? = nil) {
    self.name = name
    self.options = options
    self.label =
      label
      ?? (options.isEmpty ? name : name + " " + options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        .joined(separator: " "))
  }

  /// Whether building the class needs the MNIST files.
  public var needsMNIST: Bool { profile?.needsMNIST ?? false }

  /// The catalog's profile of the class (nil for a name not in it, which
  /// building the class reports).
  public var profile: ProblemProfile? { try? ProblemCatalog.profile(named: name) }
}

/// Every problem class by name: what `mnemo problems` lists, what
/// `--problem NAME --option key=value …` builds, and where class-level facts
/// (``ProblemProfile``) are looked up.
public enum ProblemCatalog {
  /// The profiles in display order. Adding a class: its file declares a
  /// `profile`, and it gets one line here.
  public static let profiles: [ProblemProfile] = [
    QuadraticClass.profile,
    RosenbrockClass.profile,
    LogisticRegressionClass.profile,
    SparseCodingClass.Penalty.l1.profile,
    SparseCodingClass.Penalty.l0.profile,
    SparseCodingClass.Penalty.group.profile,
    MNISTMLPClass.profile,
    MNISTCNNClass.profile,
    LSTMCopyClass.profile,
    DNCCopyClass.profile,
  ]

  /// Names in display order.
  public static var names: [String] { profiles.map(\.name) }

  /// (name, one-line summary) for `mnemo problems`, with default options;
  /// nothing is loaded (MNIST included).
  public static var summaries: [(name: String, summary: String)] { profiles.map { ($0.name, $0.summary) } }

  /// The profile of the class `name`, or an error listing the valid names.
  public static func profile(named name: String) throws(ProblemError) -> ProblemProfile {
    guard let profile = profiles.first(where: { $0.name == name }) else {
      throw .unknownProblem(name: name, valid: names)
    }
    return profile
  }

  /// The options each class accepts, sorted (for help text and errors).
  public static func options(of name: String) throws(ProblemError) -> [String] {
    try profile(named: name).optionNames
  }

  /// Builds a class from its name and `key=value` options.
  ///
  /// Unknown names and options and out-of-range values throw, listing what
  /// is valid. `mnistDirectory` (the CLI's `--mnist DIR`) is used by the
  /// MNIST classes (`mnist-mlp`, `mnist-cnn`) only, which load the data set
  /// here — once per class.
  public static func make(
    _ name: String, options: [String: String] = [:], mnistDirectory: String? = nil
  ) throws(ProblemError) -> any ProblemClass {
    try profile(named: name).make(options: options, mnistDirectory: mnistDirectory)
  }
}

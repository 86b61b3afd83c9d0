/// Every problem class by name: what `mnemo problems` lists and what
/// `--problem NAME key=value …` builds.
public enum ProblemCatalog {
  /// Names in display order.
  public static var names: [String] { summaries.map(\.name) }

  /// (name, one-line summary) for `mnemo problems`, with default options;
  /// nothing is loaded (MNIST included).
  public static var summaries: [(name: String, summary: String)] {
    [
      ("quadratic", "‖Wθ − y‖², W 10×10 and y Gaussian (the L2L paper; uniform: DeepMind's code)"),
      ("rosenbrock", "(1 − x)² + 100(y − x²)², the 2-D banana valley from a jittered (−1.5, 2)"),
      ("logistic", "ridge-regularised logistic regression, 20 features, 100 noisy separable points"),
      ("lasso", "½‖y − DΓ‖² + λ‖Γ‖₁, sparse coding with D 25×50, λ = 0.005 (prox: soft thresholding)"),
      ("sparse-l0", "½‖y − DΓ‖² + λ‖Γ‖₀, D 25×50, λ = 0.005 (prox: hard thresholding, non-convex)"),
      ("group-lasso", "½‖y − DΓ‖² + λ Σ_g ‖Γ_g‖₂, groups of 5, λ = 0.01 (prox: block soft thresholding)"),
      ("mnist-mlp", "MLP 784→20→10 sigmoid on MNIST, softmax cross-entropy, minibatch 128 (needs the data)"),
    ]
  }

  /// The options each class accepts, sorted (for help text and errors).
  public static func options(of name: String) throws(ProblemError) -> [String] {
    switch name {
    case "quadratic": QuadraticClass.optionNames
    case "rosenbrock": RosenbrockClass.optionNames
    case "logistic": LogisticRegressionClass.optionNames
    case "lasso": SparseCodingClass.optionNames(.l1)
    case "sparse-l0": SparseCodingClass.optionNames(.l0)
    case "group-lasso": SparseCodingClass.optionNames(.group)
    case "mnist-mlp": MNISTMLPClass.optionNames
    default: throw .unknownProblem(name: name, valid: names)
    }
  }

  /// Builds a class from its name and `key=value` options.
  ///
  /// Unknown names and options and out-of-range values throw, listing what
  /// is valid. `mnistDirectory` (the CLI's `--mnist DIR`) is used by
  /// `mnist-mlp` only, which loads the data set here — once per class.
  public static func make(
    _ name: String, options: [String: String] = [:], mnistDirectory: String? = nil
  ) throws(ProblemError) -> any ProblemClass {
    switch name {
    case "quadratic": return try QuadraticClass(options: options)
    case "rosenbrock": return try RosenbrockClass(options: options)
    case "logistic": return try LogisticRegressionClass(options: options)
    case "lasso": return try SparseCodingClass(penalty: .l1, options: options)
    case "sparse-l0": return try SparseCodingClass(penalty: .l0, options: options)
    case "group-lasso": return try SparseCodingClass(penalty: .group, options: options)
    case "mnist-mlp": return try MNISTMLPClass(options: options, mnistDirectory: mnistDirectory)
    default: throw .unknownProblem(name: name, valid: names)
    }
  }
}

/// A quantity a study table reports for each contender (docs/report.md
/// defines each).
public enum Metric: String, Sendable, Hashable, CaseIterable {
  /// mean_i f_i(θ_T) over the held-out instances.
  case meanLoss
  /// exp(mean_i log f_i(θ_T)).
  case geometricMeanLoss
  /// μ and q on the mean error curve's last half.
  case convergence
  /// mean_i (f_i(θ_T) − r_i)/r_i (composite problems with a reference r).
  case relativeError
  /// Precision, recall and F1 of supp(θ_T) against the true code's support.
  case support
  /// mean_i 10·log10(‖θ_T − Γ*‖²/‖Γ*‖²) against the true code Γ*.
  case nmse
  /// Mean loss and accuracy of θ_T on the MNIST test split.
  case testLoss

  /// Whether the metric needs every instance's final iterate.
  var needsFinalParameters: Bool {
    switch self {
    case .meanLoss, .geometricMeanLoss, .convergence: false
    case .relativeError, .support, .nmse, .testLoss: true
    }
  }

  /// The table columns the metric fills.
  var columns: [String] {
    switch self {
    case .meanLoss: ["mean final loss"]
    case .geometricMeanLoss: ["geo-mean final loss"]
    case .convergence: ["μ", "q"]
    case .relativeError: ["rel. error (f−r)/r"]
    case .support: ["support precision", "support recall", "support F1"]
    case .nmse: ["NMSE (dB)"]
    case .testLoss: ["test loss", "test accuracy"]
    }
  }
}

/// The hand-designed optimizers, by the names the command line and saved
/// sessions use.
public enum OptimizerKind: String, CaseIterable, Sendable, Codable {
  /// ``SGD``.
  case sgd
  /// Heavy-ball ``Momentum``.
  case momentum
  /// Nesterov's accelerated gradient, ``NAG``.
  case nag
  /// ``RMSprop``.
  case rmsprop
  /// ``Adam``.
  case adam
  /// ``AdaGrad``.
  case adagrad
  /// ``ISTA``, proximal gradient descent.
  case ista
  /// ``FISTA``, accelerated proximal gradient descent.
  case fista
  /// ``BarzilaiBorwein``, the gradient method with a secant step size (not
  /// in the standard roster: race it by name, `--optimizers bb`).
  case bb

  /// Every valid name, comma-separated, for help texts and error messages.
  public static var validNames: String {
    allCases.map(\.rawValue).joined(separator: ", ")
  }
}

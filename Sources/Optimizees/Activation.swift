import Libm
/// The hidden-layer nonlinearity of an MLP optimizee. L2L trains on sigmoid
/// and tests generalisation to ReLU (where the released optimizer fails);
/// RNNprop adds tanh.
public enum Activation: String, CaseIterable, Sendable {
  case sigmoid, relu, tanh

  /// a ← φ(a) in place, for `count` values.
  func apply(_ values: UnsafeMutablePointer<Float>, count: Int) {
    switch self {
    case .sigmoid:
      for i in 0..<count { values[i] = 1 / (1 + Libm.exp(-values[i])) }
    case .relu:
      for i in 0..<count { values[i] = max(values[i], 0) }
    case .tanh:
      for i in 0..<count { values[i] = Libm.tanh(values[i]) }
    }
  }

  /// δ ← δ ⊙ φ′, with φ′ written in terms of the layer's output a = φ(z)
  /// (σ′ = a(1 − a), tanh′ = 1 − a², ReLU′ = [a > 0]), so that the
  /// pre-activations need not be kept.
  func multiplyDerivative(
    _ delta: UnsafeMutablePointer<Float>, output: UnsafePointer<Float>, count: Int
  ) {
    switch self {
    case .sigmoid:
      for i in 0..<count { delta[i] *= output[i] * (1 - output[i]) }
    case .relu:
      for i in 0..<count where output[i] <= 0 { delta[i] = 0 }
    case .tanh:
      for i in 0..<count { delta[i] *= 1 - output[i] * output[i] }
    }
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How a coordinate's gradient is turned into the learned optimizer's input
/// features.
///
/// Gradients span many orders of magnitude across problems and over an
/// optimisation run, while an LSTM's gates saturate beyond a few units; the
/// preprocessing decides what scale the network sees.
/// - ``none``: the raw gradient, one feature (DeepMind's quadratic setting).
/// - ``logAndSign(k:)``: two features, `max(log(|g| + ε)/k, −1)` (magnitude
///   on a log scale) and `clamp(g·eᵏ, −1, 1)` (sign, and value when tiny) —
///   Andrychowicz et al. (2016), appendix A, with DeepMind's k = 5 (the
///   paper's prose says p = 10).
/// - ``rnnprop(beta1:beta2:)``: two features, `g/√v̂` and `m̂/√v̂` with
///   Adam-like bias-corrected running moments m, v (Lv et al. 2017): the
///   input is scale-free, so one optimizer transfers across problem scales.
public enum GradientPreprocessing: Sendable, Hashable, Codable, CustomStringConvertible {
  case none
  case logAndSign(k: Float)
  case rnnprop(beta1: Float, beta2: Float)

  /// The ε inside logs and square roots (Float32's machine epsilon, as
  /// DeepMind's code uses).
  public static let epsilon: Float = 1.1920929e-07

  /// Features per coordinate.
  public var featureCount: Int {
    switch self {
    case .none: 1
    case .logAndSign, .rnnprop: 2
    }
  }

  /// The `key=value` text stored in sessions (`none`, `log-sign:5`,
  /// `rnnprop:0.95:0.95`).
  public var description: String {
    switch self {
    case .none: "none"
    case .logAndSign(let k): "log-sign:\(k)"
    case .rnnprop(let beta1, let beta2): "rnnprop:\(beta1):\(beta2)"
    }
  }

  /// Parses ``description``'s form; nil when malformed.
  public init?(parsing text: String) {
    let parts = text.split(separator: ":").map(String.init)
    switch parts.first {
    case "none" where parts.count == 1:
      self = .none
    case "log-sign":
      guard parts.count <= 2, let k = parts.count == 2 ? Float(parts[1]) : 5, k > 0 else { return nil }
      self = .logAndSign(k: k)
    case "rnnprop":
      guard parts.count == 1 || parts.count == 3 else { return nil }
      let beta1 = parts.count == 3 ? Float(parts[1]) : 0.95
      let beta2 = parts.count == 3 ? Float(parts[2]) : 0.95
      guard let beta1, let beta2, (0..<1).contains(beta1), (0..<1).contains(beta2) else { return nil }
      self = .rnnprop(beta1: beta1, beta2: beta2)
    default:
      return nil
    }
  }
}

/// The running state of a preprocessing (moments for RNNprop) over a batch
/// of coordinates, and the feature computation itself. Shared by the race's
/// forward-only optimizer and the meta-trainer's unroll, so both see the
/// same inputs.
public struct PreprocessingState: Sendable {
  public let preprocessing: GradientPreprocessing
  /// Coordinates.
  public let count: Int
  private var firstMoment: [Float]
  private var secondMoment: [Float]
  private var steps: Int = 0

  public init(_ preprocessing: GradientPreprocessing, count: Int) {
    self.preprocessing = preprocessing
    self.count = count
    let momentCount: Int
    if case .rnnprop = preprocessing { momentCount = count } else { momentCount = 0 }
    firstMoment = [Float](repeating: 0, count: momentCount)
    secondMoment = firstMoment
  }

  /// Writes the features of `gradient` (count values) into `features`
  /// (count × featureCount, row-major), advancing any running moments.
  public mutating func features(
    of gradient: UnsafeBufferPointer<Float>, into features: UnsafeMutableBufferPointer<Float>
  ) {
    precondition(gradient.count == count && features.count == count * preprocessing.featureCount)
    switch preprocessing {
    case .none:
      for i in 0..<count { features[i] = gradient[i] }
    case .logAndSign(let k):
      let scale = expf(k)
      let inverseK = 1 / k
      for i in 0..<count {
        let g = gradient[i]
        features[2 * i] = max(logf(abs(g) + GradientPreprocessing.epsilon) * inverseK, -1)
        features[2 * i + 1] = min(max(g * scale, -1), 1)
      }
    case .rnnprop(let beta1, let beta2):
      steps += 1
      let correction1 = 1 / (1 - powf(beta1, Float(steps)))
      let correction2 = 1 / (1 - powf(beta2, Float(steps)))
      firstMoment.withUnsafeMutableBufferPointer { m in
        secondMoment.withUnsafeMutableBufferPointer { v in
          for i in 0..<count {
            let g = gradient[i]
            m[i] = beta1 * m[i] + (1 - beta1) * g
            v[i] = beta2 * v[i] + (1 - beta2) * g * g
            let inverseRoot = 1 / (sqrtf(v[i] * correction2) + GradientPreprocessing.epsilon)
            features[2 * i] = g * inverseRoot
            features[2 * i + 1] = m[i] * correction1 * inverseRoot
          }
        }
      }
    }
  }
}

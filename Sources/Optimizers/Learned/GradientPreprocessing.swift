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
/// - ``momenta(time:)``: the MLPLOpt-style features of Metz et al. (2022):
///   `g/√v̂` and `m̂_β/√v̂` for momenta at four time scales
///   β ∈ {0.5, 0.9, 0.99, 0.999}, all normalised by one second moment
///   (β₂ = 0.999, bias-corrected) and clipped to ±``featureClip``; with
///   `time`, three more features tanh(t/τ), τ ∈ {10, 100, 1000}, so the
///   network can schedule its steps. Adam's own direction is one of the
///   features (β = 0.9), so imitating Adam is in reach from the start;
///   the long momenta let it keep a direction for hundreds of steps.
public enum GradientPreprocessing: Sendable, Hashable, Codable, CustomStringConvertible {
  case none
  case logAndSign(k: Float)
  case rnnprop(beta1: Float, beta2: Float)
  case momenta(time: Bool)

  /// The momenta's β of ``momenta(time:)``, shortest first.
  public static let momentumBetas: [Float] = [0.5, 0.9, 0.99, 0.999]
  /// The second moment's β of ``momenta(time:)``.
  public static let momentaSecondBeta: Float = 0.999
  /// The time scales τ of ``momenta(time:)``'s tanh(t/τ) features.
  public static let timeScales: [Float] = [10, 100, 1000]
  /// ``momenta(time:)``'s features are clipped to ±this: a coordinate whose
  /// gradient jumps after a long quiet stretch would otherwise feed the
  /// LSTM values of order 1/√(1−β₂) ≈ 32, far outside what training showed it.
  public static let featureClip: Float = 8

  /// The ε inside logs and square roots (Float32's machine epsilon, as
  /// DeepMind's code uses).
  public static let epsilon: Float = 1.1920929e-07

  /// Features per coordinate.
  public var featureCount: Int {
    switch self {
    case .none: 1
    case .logAndSign, .rnnprop: 2
    case .momenta(let time): 1 + Self.momentumBetas.count + (time ? Self.timeScales.count : 0)
    }
  }

  /// The `key=value` text stored in sessions (`none`, `log-sign:5`,
  /// `rnnprop:0.95:0.95`, `momenta`, `momenta:time`).
  public var description: String {
    switch self {
    case .none: "none"
    case .logAndSign(let k): "log-sign:\(k)"
    case .rnnprop(let beta1, let beta2): "rnnprop:\(beta1):\(beta2)"
    case .momenta(let time): time ? "momenta:time" : "momenta"
    }
  }

  /// Parses ``description``'s form; nil when malformed.
  public init?(parsing text: String) {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
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
    case "momenta" where parts.count == 1:
      self = .momenta(time: false)
    case "momenta" where parts.count == 2 && parts[1] == "time":
      self = .momenta(time: true)
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
    let (firstCount, secondCount): (Int, Int)
    switch preprocessing {
    case .none, .logAndSign: (firstCount, secondCount) = (0, 0)
    case .rnnprop: (firstCount, secondCount) = (count, count)
    case .momenta: (firstCount, secondCount) = (count * GradientPreprocessing.momentumBetas.count, count)
    }
    firstMoment = [Float](repeating: 0, count: firstCount)
    secondMoment = [Float](repeating: 0, count: secondCount)
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
    case .momenta(let time):
      steps += 1
      momentaFeatures(of: gradient, into: features, time: time)
    }
  }

  /// ``GradientPreprocessing/momenta(time:)``: the moments advanced, then
  /// per coordinate `[g, m̂_0.5, m̂_0.9, m̂_0.99, m̂_0.999]/(√v̂ + ε)` clipped,
  /// then the time features (the same for every coordinate).
  private mutating func momentaFeatures(
    of gradient: UnsafeBufferPointer<Float>, into features: UnsafeMutableBufferPointer<Float>, time: Bool
  ) {
    let betas = GradientPreprocessing.momentumBetas
    let momenta = betas.count
    let width = preprocessing.featureCount
    let beta2 = GradientPreprocessing.momentaSecondBeta
    let correction2 = 1 / (1 - powf(beta2, Float(steps)))
    let clip = GradientPreprocessing.featureClip
    // Fixed-size tuples keep the per-coordinate loop free of allocation.
    let b = (betas[0], betas[1], betas[2], betas[3])
    let c = (
      1 / (1 - powf(b.0, Float(steps))), 1 / (1 - powf(b.1, Float(steps))),
      1 / (1 - powf(b.2, Float(steps))), 1 / (1 - powf(b.3, Float(steps)))
    )
    let scales = GradientPreprocessing.timeScales
    let t = Float(steps)
    let timeFeatures = (tanhf(t / scales[0]), tanhf(t / scales[1]), tanhf(t / scales[2]))
    firstMoment.withUnsafeMutableBufferPointer { m in
      secondMoment.withUnsafeMutableBufferPointer { v in
        for i in 0..<count {
          let g = gradient[i]
          v[i] = beta2 * v[i] + (1 - beta2) * g * g
          let inverseRoot = 1 / (sqrtf(v[i] * correction2) + GradientPreprocessing.epsilon)
          let base = i * momenta
          m[base] = b.0 * m[base] + (1 - b.0) * g
          m[base + 1] = b.1 * m[base + 1] + (1 - b.1) * g
          m[base + 2] = b.2 * m[base + 2] + (1 - b.2) * g
          m[base + 3] = b.3 * m[base + 3] + (1 - b.3) * g
          let out = i * width
          features[out] = min(max(g * inverseRoot, -clip), clip)
          features[out + 1] = min(max(m[base] * c.0 * inverseRoot, -clip), clip)
          features[out + 2] = min(max(m[base + 1] * c.1 * inverseRoot, -clip), clip)
          features[out + 3] = min(max(m[base + 2] * c.2 * inverseRoot, -clip), clip)
          features[out + 4] = min(max(m[base + 3] * c.3 * inverseRoot, -clip), clip)
          if time {
            features[out + 1 + momenta] = timeFeatures.0
            features[out + 2 + momenta] = timeFeatures.1
            features[out + 3 + momenta] = timeFeatures.2
          }
        }
      }
    }
  }
}

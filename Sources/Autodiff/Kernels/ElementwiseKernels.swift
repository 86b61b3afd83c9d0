/// The elementwise functions y = f(x) a tape can record, with their
/// parameters.
enum UnaryOperation<S: TensorScalar> {
  /// y = α·x.
  case scale(S)
  /// y = 1 / (1 + e⁻ˣ); y′ = y(1 − y).
  case sigmoid
  /// y = tanh x; y′ = 1 − y².
  case tanh
  /// y = log(1 + eˣ), computed as max(x, 0) + log1p(e^−|x|); y′ = σ(x).
  case softplus
  /// y = eˣ; y′ = y.
  case exp
  /// y = log(max(x, floor)); y′ = 1/x above the floor, 0 below it.
  case log(floor: S)
  /// y = x²; y′ = 2x.
  case square
  /// y = √max(x, floor); y′ = 1/(2y) above the floor, 0 below it.
  case squareRoot(floor: S)
  /// y = |x|; y′ = sign x (0 at 0).
  case absolute
  /// y = min(max(x, lower), upper); y′ = 1 on [lower, upper], 0 outside.
  case clamp(lower: S, upper: S)
}

/// Loops for ``UnaryOperation``.
enum ElementwiseKernels {
  static func forward<S: TensorScalar>(
    _ op: UnaryOperation<S>, x: UnsafePointer<S>, y: UnsafeMutablePointer<S>, count: Int
  ) {
    switch op {
    case .scale(let alpha):
      for i in 0..<count { y[i] = alpha * x[i] }
    case .sigmoid:
      for i in 0..<count { y[i] = S._sigmoid(x[i]) }
    case .tanh:
      for i in 0..<count { y[i] = S._tanh(x[i]) }
    case .softplus:
      for i in 0..<count {
        let v = x[i]
        y[i] = Swift.max(v, 0) + S._log1p(S._exp(-Swift.abs(v)))
      }
    case .exp:
      for i in 0..<count { y[i] = S._exp(x[i]) }
    case .log(let floor):
      for i in 0..<count { y[i] = S._log(Swift.max(x[i], floor)) }
    case .square:
      for i in 0..<count { y[i] = x[i] * x[i] }
    case .squareRoot(let floor):
      for i in 0..<count { y[i] = Swift.max(x[i], floor).squareRoot() }
    case .absolute:
      for i in 0..<count { y[i] = Swift.abs(x[i]) }
    case .clamp(let lower, let upper):
      for i in 0..<count { y[i] = Swift.min(Swift.max(x[i], lower), upper) }
    }
  }

  static func backward<S: TensorScalar>(
    _ op: UnaryOperation<S>, x: UnsafePointer<S>, y: UnsafePointer<S>, dy: UnsafePointer<S>,
    dx: UnsafeMutablePointer<S>, count: Int
  ) {
    switch op {
    case .scale(let alpha):
      for i in 0..<count { dx[i] += alpha * dy[i] }
    case .sigmoid:
      for i in 0..<count { dx[i] += dy[i] * y[i] * (1 - y[i]) }
    case .tanh:
      for i in 0..<count { dx[i] += dy[i] * (1 - y[i] * y[i]) }
    case .softplus:
      for i in 0..<count { dx[i] += dy[i] * S._sigmoid(x[i]) }
    case .exp:
      for i in 0..<count { dx[i] += dy[i] * y[i] }
    case .log(let floor):
      for i in 0..<count { dx[i] += x[i] > floor ? dy[i] / x[i] : 0 }
    case .square:
      for i in 0..<count { dx[i] += 2 * x[i] * dy[i] }
    case .squareRoot(let floor):
      for i in 0..<count { dx[i] += x[i] > floor ? dy[i] / (2 * y[i]) : 0 }
    case .absolute:
      for i in 0..<count {
        let v = x[i]
        dx[i] += v > 0 ? dy[i] : (v < 0 ? -dy[i] : 0)
      }
    case .clamp(let lower, let upper):
      for i in 0..<count { dx[i] += x[i] >= lower && x[i] <= upper ? dy[i] : 0 }
    }
  }
}

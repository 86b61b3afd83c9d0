/// Elementwise functions of one tensor. Each returns a tensor of the input's
/// shape; the derivative used by the backward pass is given with each.
extension Tape {
  /// α·x.
  public func scale(_ x: Variable<Scalar>, by alpha: Scalar) -> Variable<Scalar> {
    unary(.scale(alpha), x)
  }

  /// −x.
  public func negate(_ x: Variable<Scalar>) -> Variable<Scalar> { unary(.scale(-1), x) }

  /// The logistic sigmoid σ(x) = 1/(1 + e⁻ˣ); σ′ = σ(1 − σ). Saturates to 0
  /// and 1 for large |x| without overflow.
  public func sigmoid(_ x: Variable<Scalar>) -> Variable<Scalar> { unary(.sigmoid, x) }

  /// tanh x; tanh′ = 1 − tanh².
  public func tanh(_ x: Variable<Scalar>) -> Variable<Scalar> { unary(.tanh, x) }

  /// softplus x = log(1 + eˣ), evaluated as max(x, 0) + log1p(e^−|x|) so that
  /// it neither overflows for large x nor loses digits for very negative x;
  /// softplus′ = σ(x).
  public func softplus(_ x: Variable<Scalar>) -> Variable<Scalar> { unary(.softplus, x) }

  /// eˣ; +∞ when it overflows, as in the C library (in `Float` results below
  /// 2.4·10⁻³⁸ are flushed to 0).
  public func exp(_ x: Variable<Scalar>) -> Variable<Scalar> { unary(.exp, x) }

  /// log max(x, floor): finite for x ≤ 0. The derivative 1/x flows only where
  /// x > floor (the floor is a constant there).
  public func log(_ x: Variable<Scalar>, floor: Scalar = .leastNormalMagnitude) -> Variable<Scalar> {
    precondition(floor > 0, "Tape.log: the floor must be positive, not \(floor)")
    return unary(.log(floor: floor), x)
  }

  /// x²; derivative 2x.
  public func square(_ x: Variable<Scalar>) -> Variable<Scalar> { unary(.square, x) }

  /// √max(x, floor); derivative 1/(2√x) where x > floor, 0 below (a floor
  /// above 0 keeps the derivative finite).
  public func squareRoot(_ x: Variable<Scalar>, floor: Scalar = 0) -> Variable<Scalar> {
    unary(.squareRoot(floor: floor), x)
  }

  /// |x|, with the subgradient sign x (0 at 0).
  public func abs(_ x: Variable<Scalar>) -> Variable<Scalar> { unary(.absolute, x) }

  /// min(max(x, lower), upper). The gradient passes where
  /// lower ≤ x ≤ upper (boundaries included, as in PyTorch and TensorFlow)
  /// and is zero outside.
  @_specialize(where Scalar == Float)
  public func clamp(_ x: Variable<Scalar>, lower: Scalar, upper: Scalar) -> Variable<Scalar> {
    precondition(lower <= upper, "Tape.clamp: lower bound \(lower) exceeds upper bound \(upper)")
    return unary(.clamp(lower: lower, upper: upper), x)
  }

  /// The value of `x` as a constant: the result equals `x`, but no gradient
  /// flows back through it.
  @_specialize(where Scalar == Float)
  public func stopGradient(_ x: Variable<Scalar>) -> Variable<Scalar> {
    check(x)
    let y = appendNode(shape: x.shape, operation: .leaf, requiresGradient: false)
    Scalar.run(.copy(x: value(x.index), y: value(y.index), count: x.shape.count))
    return y
  }

  /// The same elements under another shape with the same number of elements.
  ///
  /// A view, not a copy: the result shares `x`'s storage (row-major order
  /// is unchanged by a reshape), and its gradient lands directly in `x`'s
  /// adjoint. Reshaping costs no memory traffic, which matters on the large
  /// per-step tensors of an unrolled optimizer.
  @_specialize(where Scalar == Float)
  public func reshape(_ x: Variable<Scalar>, to shape: Shape) -> Variable<Scalar> {
    check(x)
    precondition(
      shape.count == x.shape.count,
      "Tape.reshape: cannot reshape \(x.shape) (\(x.shape.count) elements) to \(shape)")
    return appendView(of: x, shape: shape)
  }

  @_specialize(where Scalar == Float)
  func unary(
    _ op: UnaryOperation<Scalar>, _ x: Variable<Scalar>, shape: Shape? = nil
  ) -> Variable<Scalar> {
    check(x)
    let y = appendNode(
      shape: shape ?? x.shape, operation: .unary(op, input: x.index),
      requiresGradient: requiresGradient(x))
    Scalar.run(.unaryForward(op, x: value(x.index), y: value(y.index), count: x.shape.count))
    return y
  }
}

/// Sums and means, over all elements or along one axis.
extension Tape {
  /// Σ x over all elements, a scalar (rank 0).
  public func sum(_ x: Variable<Scalar>) -> Variable<Scalar> { total(x, scale: 1) }

  /// The mean of all elements, a scalar (rank 0).
  public func mean(_ x: Variable<Scalar>) -> Variable<Scalar> {
    total(x, scale: 1 / Scalar(Swift.max(1, x.shape.count)))
  }

  /// Σ x along `axis`, which is removed from the shape (a 128×10 tensor
  /// summed along axis 1 gives 128 elements).
  public func sum(_ x: Variable<Scalar>, axis: Int) -> Variable<Scalar> {
    reduce(x, axis: axis, mean: false)
  }

  /// The mean along `axis`, which is removed from the shape.
  public func mean(_ x: Variable<Scalar>, axis: Int) -> Variable<Scalar> {
    reduce(x, axis: axis, mean: true)
  }

  @_specialize(where Scalar == Float)
  private func total(_ x: Variable<Scalar>, scale: Scalar) -> Variable<Scalar> {
    check(x)
    let y = appendNode(
      shape: .scalar, operation: .sum(input: x.index, scale: scale),
      requiresGradient: requiresGradient(x))
    Scalar.run(.sum(x: value(x.index), count: x.shape.count, scale: scale, result: value(y.index)))
    return y
  }

  @_specialize(where Scalar == Float)
  private func reduce(_ x: Variable<Scalar>, axis: Int, mean: Bool) -> Variable<Scalar> {
    check(x)
    precondition(
      axis >= 0 && axis < x.shape.rank, "Tape.sum/mean: axis \(axis) out of range for shape \(x.shape)")
    var outer = 1
    var inner = 1
    for k in 0..<axis { outer *= x.shape[k] }
    for k in (axis + 1)..<x.shape.rank { inner *= x.shape[k] }
    let length = x.shape[axis]
    let scale: Scalar = mean ? 1 / Scalar(Swift.max(1, length)) : 1
    let y = appendNode(
      shape: x.shape.removing(axis: axis),
      operation: .sumAxis(input: x.index, outer: outer, length: length, inner: inner, scale: scale),
      requiresGradient: requiresGradient(x))
    Scalar.run(
      .sumAxis(
        x: value(x.index), y: value(y.index), outer: outer, length: length, inner: inner, scale: scale))
    return y
  }
}

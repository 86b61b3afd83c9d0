/// Binary elementwise arithmetic with NumPy-style broadcasting: shapes are
/// aligned on the right and a dimension of size 1 (or a missing one)
/// stretches to the other operand's size. A scalar combines with anything, a
/// row vector of n with every row of an m×n matrix, an m×1 column with every
/// column. The adjoint of a stretched operand is summed over the stretched
/// dimensions.
extension Tape {
  /// a + b.
  public func add(_ a: Variable<Scalar>, _ b: Variable<Scalar>) -> Variable<Scalar> {
    binary(.add, a, b)
  }

  /// a − b.
  public func subtract(_ a: Variable<Scalar>, _ b: Variable<Scalar>) -> Variable<Scalar> {
    binary(.subtract, a, b)
  }

  /// a ⊙ b (elementwise product).
  public func multiply(_ a: Variable<Scalar>, _ b: Variable<Scalar>) -> Variable<Scalar> {
    binary(.multiply, a, b)
  }

  /// a ⊘ b (elementwise quotient); ∂/∂b = −a/b².
  public func divide(_ a: Variable<Scalar>, _ b: Variable<Scalar>) -> Variable<Scalar> {
    binary(.divide, a, b)
  }

  @_specialize(where Scalar == Float)
  private func binary(
    _ op: BinaryOperation, _ a: Variable<Scalar>, _ b: Variable<Scalar>
  ) -> Variable<Scalar> {
    check(a)
    check(b)
    guard let shape = BroadcastPlan.outputShape(a.shape, b.shape) else {
      preconditionFailure("Tape.\(op): shapes \(a.shape) and \(b.shape) do not broadcast")
    }
    let plan = BroadcastPlan(a.shape, b.shape, output: shape)
    let y = appendNode(
      shape: shape, operation: .binary(op, plan, left: a.index, right: b.index),
      requiresGradient: requiresGradient(a) || requiresGradient(b))
    Scalar.run(.binaryForward(op, plan, a: value(a.index), b: value(b.index), y: value(y.index)))
    return y
  }
}

extension Tape {
  /// The softmax along the last axis: yⱼ = e^(xⱼ − m)/Σₖ e^(xₖ − m) with m
  /// the row maximum, so that large inputs cannot overflow.
  ///
  /// Backward: x̄ = y ⊙ (ȳ − ⟨ȳ, y⟩) row by row.
  @_specialize(where Scalar == Float)
  public func softmax(_ x: Variable<Scalar>) -> Variable<Scalar> {
    check(x)
    let y = appendNode(
      shape: x.shape, operation: .softmax(input: x.index), requiresGradient: requiresGradient(x))
    Scalar.run(
      .softmaxForward(
        x: value(x.index), y: value(y.index), rows: x.shape.leadingCount,
        columns: x.shape.lastDimension))
    return y
  }
}

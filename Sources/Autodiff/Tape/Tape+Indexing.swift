/// Concatenation and slicing along the last axis, and gathers and scatters by
/// constant index arrays.
extension Tape {
  /// The inputs side by side along the last axis. All must have the same
  /// rank and the same leading dimensions (B×2 and B×20 give B×22).
  @_specialize(where Scalar == Float)
  public func concatenate(_ inputs: [Variable<Scalar>]) -> Variable<Scalar> {
    precondition(!inputs.isEmpty, "Tape.concatenate: nothing to concatenate")
    let first = inputs[0].shape
    var columns = 0
    var differentiable = false
    for x in inputs {
      check(x)
      precondition(
        x.shape.rank == first.rank && x.shape.leadingCount == first.leadingCount
          && x.shape.replacingLast(with: 0) == first.replacingLast(with: 0),
        "Tape.concatenate: \(x.shape) does not match \(first) except in the last axis")
      columns += x.shape.lastDimension
      differentiable = differentiable || requiresGradient(x)
    }
    let rows = first.leadingCount
    let y = appendNode(
      shape: first.replacingLast(with: columns), operation: .concatenate(inputs: inputs.map(\.index)),
      requiresGradient: differentiable)
    var offset = 0
    for x in inputs {
      let width = x.shape.lastDimension
      Scalar.run(
        .copyBlock(
          source: value(x.index), sourceStride: width, destination: value(y.index) + offset,
          destinationStride: columns, rows: rows, columns: width, accumulate: false))
      offset += width
    }
    return y
  }

  /// The columns `range` of the last axis.
  @_specialize(where Scalar == Float)
  public func slice(_ x: Variable<Scalar>, columns range: Range<Int>) -> Variable<Scalar> {
    check(x)
    let width = x.shape.lastDimension
    precondition(
      range.lowerBound >= 0 && range.upperBound <= width,
      "Tape.slice: columns \(range) out of range for shape \(x.shape)")
    let y = appendNode(
      shape: x.shape.replacingLast(with: range.count),
      operation: .slice(input: x.index, start: range.lowerBound), requiresGradient: requiresGradient(x))
    Scalar.run(
      .copyBlock(
        source: value(x.index) + range.lowerBound, sourceStride: width, destination: value(y.index),
        destinationStride: range.count, rows: x.shape.leadingCount, columns: range.count,
        accumulate: false))
    return y
  }

  /// yₖ = x[indices[k]] on the flattened (row-major) elements, shaped
  /// `shape` (whose element count must equal `indices.count`). Indices may
  /// repeat; the adjoint scatters back with addition. Element (i, j) of an
  /// m×n x has flat index i·n + j.
  @_specialize(where Scalar == Float)
  public func gather(_ x: Variable<Scalar>, indices: [Int], shape: Shape) -> Variable<Scalar> {
    check(x)
    precondition(
      indices.count == shape.count,
      "Tape.gather: \(indices.count) indices for shape \(shape) (\(shape.count) elements)")
    validate(indices, bound: x.shape.count, operation: "gather")
    let y = appendNode(
      shape: shape, operation: .gather(input: x.index, indices: indices),
      requiresGradient: requiresGradient(x))
    indices.withUnsafeBufferPointer { index in
      guard let base = index.baseAddress else { return }
      Scalar.run(
        .gather(x: value(x.index), indices: base, y: value(y.index), count: index.count, accumulate: false))
    }
    return y
  }

  /// A tensor of `shape`, zero except y[indices[k]] += xₖ on the flattened
  /// elements (the adjoint of ``gather(_:indices:shape:)``); `indices.count`
  /// must equal the element count of x.
  @_specialize(where Scalar == Float)
  public func scatter(_ x: Variable<Scalar>, indices: [Int], shape: Shape) -> Variable<Scalar> {
    check(x)
    precondition(
      indices.count == x.shape.count,
      "Tape.scatter: \(indices.count) indices for \(x.shape.count) elements of \(x.shape)")
    validate(indices, bound: shape.count, operation: "scatter")
    let y = appendNode(
      shape: shape, operation: .scatter(input: x.index, indices: indices),
      requiresGradient: requiresGradient(x))
    Scalar.run(.fill(y: value(y.index), count: shape.count, value: 0))
    indices.withUnsafeBufferPointer { index in
      guard let base = index.baseAddress else { return }
      Scalar.run(.scatterAdd(x: value(x.index), indices: base, y: value(y.index), count: index.count))
    }
    return y
  }

  private func validate(_ indices: [Int], bound: Int, operation: String) {
    for index in indices where index < 0 || index >= bound {
      preconditionFailure("Tape.\(operation): index \(index) out of range 0..<\(bound)")
    }
  }
}

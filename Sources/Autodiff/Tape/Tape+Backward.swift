extension Tape {
  /// Adds node `i`'s contribution to the adjoints of its inputs (its own
  /// adjoint is complete: every consumer was recorded after it).
  func propagate(_ i: Int) {
    guard let dy = nodes[i].adjoint else { return }
    let shape = nodes[i].shape
    switch nodes[i].operation {
    case .leaf:
      break

    case .unary(let op, let input):
      guard let dx = accumulationTarget(input) else { return }
      Scalar.run(
        .unaryBackward(op, x: value(input), y: value(i), dy: dy, dx: dx, count: shape.count))

    case .binary(let op, let plan, let left, let right):
      if let da = accumulationTarget(left) {
        Scalar.run(
          .binaryBackward(op, plan, side: .left, a: value(left), b: value(right), dy: dy, target: da))
      }
      if let db = accumulationTarget(right) {
        Scalar.run(
          .binaryBackward(op, plan, side: .right, a: value(left), b: value(right), dy: dy, target: db))
      }

    case .matmul(let left, let right, let transposeLeft, let transposeRight, let bias):
      matmulBackward(
        i, left: left, right: right, transposeLeft: transposeLeft, transposeRight: transposeRight)
      if let bias, let db = accumulationTarget(bias) {
        Scalar.run(.addColumnSums(x: dy, rows: shape[0], columns: shape[1], y: db))
      }

    case .softmax(let input):
      guard let dx = accumulationTarget(input) else { return }
      Scalar.run(
        .softmaxBackward(
          y: value(i), dy: dy, dx: dx, rows: shape.leadingCount, columns: shape.lastDimension))

    case .sum(let input, let scale):
      guard let dx = accumulationTarget(input) else { return }
      Scalar.run(
        .broadcastAxis(
          dy: dy, dx: dx, outer: 1, length: nodes[input].shape.count, inner: 1, scale: scale))

    case .sumAxis(let input, let outer, let length, let inner, let scale):
      guard let dx = accumulationTarget(input) else { return }
      Scalar.run(
        .broadcastAxis(dy: dy, dx: dx, outer: outer, length: length, inner: inner, scale: scale))

    case .concatenate(let inputs):
      let rows = shape.leadingCount
      let columns = shape.lastDimension
      var offset = 0
      for input in inputs {
        let width = nodes[input].shape.lastDimension
        if let dx = accumulationTarget(input) {
          Scalar.run(
            .copyBlock(
              source: dy + offset, sourceStride: columns, destination: dx, destinationStride: width,
              rows: rows, columns: width, accumulate: true))
        }
        offset += width
      }

    case .slice(let input, let start):
      guard let dx = accumulationTarget(input) else { return }
      let width = shape.lastDimension
      Scalar.run(
        .copyBlock(
          source: dy, sourceStride: width, destination: dx + start,
          destinationStride: nodes[input].shape.lastDimension, rows: shape.leadingCount,
          columns: width, accumulate: true))

    case .gather(let input, let indices):
      guard let dx = accumulationTarget(input) else { return }
      indices.withUnsafeBufferPointer { index in
        guard let base = index.baseAddress else { return }
        Scalar.run(.scatterAdd(x: dy, indices: base, y: dx, count: index.count))
      }

    case .scatter(let input, let indices):
      guard let dx = accumulationTarget(input) else { return }
      indices.withUnsafeBufferPointer { index in
        guard let base = index.baseAddress else { return }
        Scalar.run(.gather(x: dy, indices: base, y: dx, count: index.count, accumulate: true))
      }

    case .lstmCell(let record):
      lstmCellBackward(i, record)

    case .lstmHidden(let cell):
      // Make sure the cell node runs its backward pass, which reads this
      // node's adjoint directly.
      _ = accumulationTarget(cell)

    case .view:
      // Never reached: a view's adjoint is its base's (see accumulationTarget).
      break

    case .custom(let record):
      var anyInput = false
      for input in record.inputs where nodes[input].requiresGradient { anyInput = true }
      if anyInput { record.backward(CustomBackwardContext(tape: self, node: i, record: record)) }
    }
  }
}

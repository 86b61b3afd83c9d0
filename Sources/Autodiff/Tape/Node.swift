/// One recorded tensor: its value, its adjoint and how it was computed.
struct Node<S: TensorScalar> {
  var shape: Shape
  var value: UnsafeMutablePointer<S>
  /// ∂loss/∂value, present when the node depends on a differentiable leaf.
  var adjoint: UnsafeMutablePointer<S>?
  /// Whether `adjoint` holds this backward pass's values (it is zeroed on the
  /// first contribution, so untouched nodes cost nothing).
  var adjointLive = false
  var operation: Operation<S>

  var requiresGradient: Bool { adjoint != nil }
}

/// How a node's value was computed from earlier nodes (their indices).
enum Operation<S: TensorScalar> {
  /// A differentiable leaf (has an adjoint) or a constant (has none).
  case leaf
  case unary(UnaryOperation<S>, input: Int)
  case binary(BinaryOperation, BroadcastPlan, left: Int, right: Int)
  /// op(left)·op(right), plus `bias` added to every row when present.
  case matmul(left: Int, right: Int, transposeLeft: Bool, transposeRight: Bool, bias: Int?)
  case softmax(input: Int)
  /// The scaled sum of all elements.
  case sum(input: Int, scale: S)
  /// The scaled sum along one axis, the input viewed as outer × length × inner.
  case sumAxis(input: Int, outer: Int, length: Int, inner: Int, scale: S)
  /// Concatenation along the last axis.
  case concatenate(inputs: [Int])
  /// Columns `start ..< start + output columns` of the last axis.
  case slice(input: Int, start: Int)
  /// y[k] = x[indices[k]].
  case gather(input: Int, indices: [Int])
  /// y[indices[k]] += x[k] into zeros.
  case scatter(input: Int, indices: [Int])
  /// The cell state c′ of a fused LSTM cell; carries the whole cell's backward.
  case lstmCell(LSTMCellRecord<S>)
  /// The hidden state h′ of the LSTM cell whose c′ node is `cell`.
  case lstmHidden(cell: Int)
  case custom(CustomRecord<S>)
  /// The elements of node `base` under another shape: value and adjoint
  /// are `base`'s own storage, so a view copies nothing and adds nothing to
  /// the backward pass (its consumers accumulate straight into `base`'s
  /// adjoint). `base` is never itself a view.
  case view(base: Int)
}

/// What the LSTM cell's backward pass needs from its forward pass.
struct LSTMCellRecord<S: TensorScalar> {
  var input: Int
  var hidden: Int
  var cell: Int
  var inputWeights: Int
  var hiddenWeights: Int
  var bias: Int
  var batch: Int
  var inputSize: Int
  var hiddenSize: Int
  /// Activated gates, B×4H.
  var gates: UnsafeMutablePointer<S>
  /// tanh c′, B×H.
  var cellTanh: UnsafeMutablePointer<S>
}

/// A caller-defined operation (see ``Tape/custom(inputs:shape:savedCount:forward:backward:)``).
struct CustomRecord<S: TensorScalar> {
  var inputs: [Int]
  var saved: UnsafeMutablePointer<S>
  var savedCount: Int
  var backward: (CustomBackwardContext<S>) -> Void
}

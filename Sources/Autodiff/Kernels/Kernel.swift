/// One kernel invocation: which loop to run and on which buffers.
///
/// An implementation detail of ``TensorScalar``: the generic tape builds a
/// `_Kernel` and hands it to `Scalar._execute`, whose `Float` and `Double`
/// implementations run it with the scalar type known at compile time, so every
/// element loop is specialised (and vectorised) instead of going through
/// generic witnesses once per element.
public struct _Kernel<Scalar: TensorScalar> {
  let call: KernelCall<Scalar>

  init(_ call: KernelCall<Scalar>) { self.call = call }
}

/// The kernels, with their operands. Pointers are valid for the duration of
/// the call only.
enum KernelCall<S: TensorScalar> {
  /// y = f(x), elementwise.
  case unaryForward(UnaryOperation<S>, x: UnsafePointer<S>, y: UnsafeMutablePointer<S>, count: Int)
  /// dx += f′(x)·dy, elementwise (using the saved output y where cheaper).
  case unaryBackward(
    UnaryOperation<S>, x: UnsafePointer<S>, y: UnsafePointer<S>, dy: UnsafePointer<S>,
    dx: UnsafeMutablePointer<S>, count: Int)
  /// y = a ∘ b with broadcasting.
  case binaryForward(
    BinaryOperation, BroadcastPlan, a: UnsafePointer<S>, b: UnsafePointer<S>,
    y: UnsafeMutablePointer<S>)
  /// d(side) += ∂(a ∘ b)/∂(side) · dy, summed over broadcast dimensions.
  case binaryBackward(
    BinaryOperation, BroadcastPlan, side: BroadcastPlan.Side, a: UnsafePointer<S>,
    b: UnsafePointer<S>, dy: UnsafePointer<S>, target: UnsafeMutablePointer<S>)
  /// Row-wise softmax over the last axis.
  case softmaxForward(x: UnsafePointer<S>, y: UnsafeMutablePointer<S>, rows: Int, columns: Int)
  /// dx += y ⊙ (dy − ⟨dy, y⟩) row by row.
  case softmaxBackward(
    y: UnsafePointer<S>, dy: UnsafePointer<S>, dx: UnsafeMutablePointer<S>, rows: Int, columns: Int)
  /// result[0] = scale · Σ x (accumulated in Double).
  case sum(x: UnsafePointer<S>, count: Int, scale: S, result: UnsafeMutablePointer<S>)
  /// y[o, i] = scale · Σₐ x[o, a, i] for x viewed as outer × length × inner.
  case sumAxis(
    x: UnsafePointer<S>, y: UnsafeMutablePointer<S>, outer: Int, length: Int, inner: Int, scale: S)
  /// dx[o, a, i] += scale · dy[o, i]: the adjoint of `sumAxis`.
  case broadcastAxis(
    dy: UnsafePointer<S>, dx: UnsafeMutablePointer<S>, outer: Int, length: Int, inner: Int, scale: S)
  /// dst[r, j] = (or +=) src[r, j] for `rows` rows of `columns` elements with
  /// the given row strides.
  case copyBlock(
    source: UnsafePointer<S>, sourceStride: Int, destination: UnsafeMutablePointer<S>,
    destinationStride: Int, rows: Int, columns: Int, accumulate: Bool)
  /// y[k] = (or +=) x[indices[k]].
  case gather(
    x: UnsafePointer<S>, indices: UnsafePointer<Int>, y: UnsafeMutablePointer<S>, count: Int,
    accumulate: Bool)
  /// y[indices[k]] += x[k].
  case scatterAdd(
    x: UnsafePointer<S>, indices: UnsafePointer<Int>, y: UnsafeMutablePointer<S>, count: Int)
  /// y[k] = value.
  case fill(y: UnsafeMutablePointer<S>, count: Int, value: S)
  /// y[k] = x[k] (buffers may overlap).
  case copy(x: UnsafePointer<S>, y: UnsafeMutablePointer<S>, count: Int)
  /// y += α·x.
  case axpy(y: UnsafeMutablePointer<S>, x: UnsafePointer<S>, count: Int, alpha: S)
  /// y[r·stride] = value for r < rows.
  case fillColumn(UnsafeMutablePointer<S>, stride: Int, rows: Int, value: S)
  /// y[r·stride + j] *= factor for r < rows, j < columns.
  case scaleBlock(UnsafeMutablePointer<S>, stride: Int, rows: Int, columns: Int, factor: S)
  /// y[j] += Σᵣ x[r, j].
  case addColumnSums(x: UnsafePointer<S>, rows: Int, columns: Int, y: UnsafeMutablePointer<S>)
  /// The LSTM gate pre-activations z = b + x·W_x + h·W_h.
  case lstmPreactivations(LSTMPreactivationOperands<S>)
  /// The fused LSTM cell, elementwise part of the forward pass.
  case lstmForward(LSTMForwardOperands<S>)
  /// The fused LSTM cell, elementwise part of the backward pass.
  case lstmBackward(LSTMBackwardOperands<S>)

  func run() {
    switch self {
    case .unaryForward(let op, let x, let y, let count):
      ElementwiseKernels.forward(op, x: x, y: y, count: count)
    case .unaryBackward(let op, let x, let y, let dy, let dx, let count):
      ElementwiseKernels.backward(op, x: x, y: y, dy: dy, dx: dx, count: count)
    case .binaryForward(let op, let plan, let a, let b, let y):
      BroadcastKernels.forward(op, plan, a: a, b: b, y: y)
    case .binaryBackward(let op, let plan, let side, let a, let b, let dy, let target):
      BroadcastKernels.backward(op, plan, side: side, a: a, b: b, dy: dy, target: target)
    case .softmaxForward(let x, let y, let rows, let columns):
      SoftmaxKernels.forward(x: x, y: y, rows: rows, columns: columns)
    case .softmaxBackward(let y, let dy, let dx, let rows, let columns):
      SoftmaxKernels.backward(y: y, dy: dy, dx: dx, rows: rows, columns: columns)
    case .sum(let x, let count, let scale, let result):
      ReductionKernels.sum(x: x, count: count, scale: scale, result: result)
    case .sumAxis(let x, let y, let outer, let length, let inner, let scale):
      ReductionKernels.sumAxis(x: x, y: y, outer: outer, length: length, inner: inner, scale: scale)
    case .broadcastAxis(let dy, let dx, let outer, let length, let inner, let scale):
      ReductionKernels.broadcastAxis(
        dy: dy, dx: dx, outer: outer, length: length, inner: inner, scale: scale)
    case .copyBlock(let source, let sourceStride, let destination, let destinationStride,
      let rows, let columns, let accumulate):
      LayoutKernels.copyBlock(
        source: source, sourceStride: sourceStride, destination: destination,
        destinationStride: destinationStride, rows: rows, columns: columns, accumulate: accumulate)
    case .gather(let x, let indices, let y, let count, let accumulate):
      LayoutKernels.gather(x: x, indices: indices, y: y, count: count, accumulate: accumulate)
    case .scatterAdd(let x, let indices, let y, let count):
      LayoutKernels.scatterAdd(x: x, indices: indices, y: y, count: count)
    case .fill(let y, let count, let value):
      y.update(repeating: value, count: count)
    case .copy(let x, let y, let count):
      y.update(from: x, count: count)
    case .axpy(let y, let x, let count, let alpha):
      LayoutKernels.axpy(y: y, x: x, count: count, alpha: alpha)
    case .fillColumn(let y, let stride, let rows, let value):
      for r in 0..<rows { y[r * stride] = value }
    case .scaleBlock(let y, let stride, let rows, let columns, let factor):
      for r in 0..<rows {
        let row = y + r * stride
        for j in 0..<columns { row[j] *= factor }
      }
    case .addColumnSums(let x, let rows, let columns, let y):
      LayoutKernels.addColumnSums(x: x, rows: rows, columns: columns, y: y)
    case .lstmPreactivations(let operands):
      LSTMCell.preactivationsWithGEMM(operands)
    case .lstmForward(let operands):
      LSTMKernels.forward(operands)
    case .lstmBackward(let operands):
      LSTMKernels.backward(operands)
    }
  }
}

extension TensorScalar {
  /// Runs a kernel specialised for `Self`.
  @inline(__always)
  static func run(_ call: KernelCall<Self>) { _execute(_Kernel(call)) }
}

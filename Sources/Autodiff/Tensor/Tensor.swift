/// A dense, row-major array of scalars with a shape: the values that enter
/// and leave a ``Tape``.
///
/// `Tensor` is a plain value (copy-on-write through its `[Scalar]`); it is
/// what parameters, inputs and results are stored as outside the tape. On
/// the tape, operations work on ``Variable`` handles whose storage lives in
/// the tape's arena.
public struct Tensor<Scalar: TensorScalar>: Equatable, Sendable, CustomStringConvertible {
  /// The dimensions.
  public let shape: Shape
  /// The elements in row-major order; `scalars.count == shape.count`.
  public var scalars: [Scalar]

  /// A tensor from its elements in row-major order.
  public init(shape: Shape, scalars: [Scalar]) {
    precondition(
      scalars.count == shape.count,
      "Tensor: \(scalars.count) scalars do not fill shape \(shape) (\(shape.count) elements)")
    self.shape = shape
    self.scalars = scalars
  }

  /// A tensor with every element equal to `value`.
  public init(shape: Shape, repeating value: Scalar) {
    self.init(shape: shape, scalars: [Scalar](repeating: value, count: shape.count))
  }

  /// A scalar tensor (rank 0).
  public init(_ value: Scalar) {
    self.init(shape: .scalar, scalars: [value])
  }

  /// A tensor converted element by element from another precision.
  public init<Other: TensorScalar>(_ other: Tensor<Other>) {
    self.init(shape: other.shape, scalars: other.scalars.map { Scalar($0) })
  }

  /// The only element of a one-element tensor.
  public var scalar: Scalar {
    precondition(scalars.count == 1, "Tensor.scalar: tensor of shape \(shape) is not a scalar")
    return scalars[0]
  }

  public var description: String { "Tensor\(shape)\(scalars)" }
}

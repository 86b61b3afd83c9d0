/// A handle to a tensor recorded on a ``Tape``: the result of an operation or
/// a leaf.
///
/// A variable is only an index and a shape; its storage belongs to the tape
/// and lives until the tape's next ``Tape/reset()``. Using a variable after
/// that reset, or on another tape, is a programming error and stops the
/// program with a message.
public struct Variable<Scalar: TensorScalar>: Hashable, Sendable {
  /// The dimensions of the value.
  public let shape: Shape
  let index: Int
  let tape: ObjectIdentifier
  let epoch: Int

  init(shape: Shape, index: Int, tape: ObjectIdentifier, epoch: Int) {
    self.shape = shape
    self.index = index
    self.tape = tape
    self.epoch = epoch
  }
}

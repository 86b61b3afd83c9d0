/// An ordered set of named Float tensors: the weights of a learned optimizer
/// (and its meta-optimizer's moments) as a session stores them.
public struct NamedTensors: Sendable, Equatable {
  /// One tensor: a name, a shape and row-major values.
  public struct Entry: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public var values: [Float]

    public init(name: String, shape: [Int], values: [Float]) {
      precondition(shape.reduce(1, *) == values.count, "NamedTensors: shape does not match values")
      self.name = name
      self.shape = shape
      self.values = values
    }
  }

  /// The tensors in order.
  public var entries: [Entry]

  public init(_ entries: [Entry] = []) {
    self.entries = entries
  }

  /// The tensor called `name`, if present.
  public subscript(name: String) -> Entry? {
    entries.first { $0.name == name }
  }
}

/// The dimensions of a row-major tensor, rank 0 to 4, stored inline.
///
/// A shape is a small value with no heap storage, so recording an operation
/// on the tape allocates nothing. Rank 0 is a scalar (one element). The last
/// dimension varies fastest: element (i, j) of an m×n matrix is at i·n + j.
public struct Shape: Hashable, Sendable, CustomStringConvertible, ExpressibleByArrayLiteral {
  /// The largest rank a shape can have.
  public static let maximumRank = 4

  /// The number of dimensions.
  public let rank: Int
  private var d0 = 1, d1 = 1, d2 = 1, d3 = 1

  /// A shape from its dimensions (at most ``maximumRank``, each ≥ 0).
  public init(_ dimensions: [Int]) {
    precondition(dimensions.count <= Shape.maximumRank, "Shape: rank \(dimensions.count) exceeds 4")
    precondition(dimensions.allSatisfy { $0 >= 0 }, "Shape: negative dimension in \(dimensions)")
    rank = dimensions.count
    for (axis, size) in dimensions.enumerated() { self[axis] = size }
  }

  public init(arrayLiteral elements: Int...) { self.init(elements) }

  /// The shape of a scalar (rank 0, one element).
  public static let scalar = Shape([])

  /// An m×n matrix.
  public static func matrix(_ rows: Int, _ columns: Int) -> Shape {
    var shape = Shape(rank: 2)
    shape.d0 = rows
    shape.d1 = columns
    return shape
  }

  /// A vector of n elements.
  public static func vector(_ count: Int) -> Shape {
    var shape = Shape(rank: 1)
    shape.d0 = count
    return shape
  }

  private init(rank: Int) { self.rank = rank }

  /// The size of dimension `axis` (0-based).
  public subscript(axis: Int) -> Int {
    get {
      precondition(axis >= 0 && axis < rank, "Shape: axis \(axis) out of range for rank \(rank)")
      switch axis {
      case 0: return d0
      case 1: return d1
      case 2: return d2
      default: return d3
      }
    }
    set {
      precondition(axis >= 0 && axis < rank, "Shape: axis \(axis) out of range for rank \(rank)")
      switch axis {
      case 0: d0 = newValue
      case 1: d1 = newValue
      case 2: d2 = newValue
      default: d3 = newValue
      }
    }
  }

  /// The number of elements (1 for a scalar).
  public var count: Int { d0 * d1 * d2 * d3 }

  /// The dimensions as an array.
  public var dimensions: [Int] { (0..<rank).map { self[$0] } }

  /// The size of the last dimension (1 for a scalar): the row length.
  public var lastDimension: Int { rank == 0 ? 1 : self[rank - 1] }

  /// The number of rows when the tensor is viewed as a matrix whose rows run
  /// along the last axis: `count / lastDimension`.
  public var leadingCount: Int {
    var product = 1
    for axis in 0..<Swift.max(0, rank - 1) { product *= self[axis] }
    return product
  }

  /// This shape with the last dimension replaced.
  func replacingLast(with size: Int) -> Shape {
    var copy = self
    if rank == 0 { return Shape([size]) }
    copy[rank - 1] = size
    return copy
  }

  /// This shape with `axis` removed.
  func removing(axis: Int) -> Shape {
    var dims = dimensions
    dims.remove(at: axis)
    return Shape(dims)
  }

  public var description: String { "[" + dimensions.map(String.init).joined(separator: ", ") + "]" }
}

/// How two operands of a binary elementwise operation walk the output, after
/// NumPy-style broadcasting (shapes aligned on the right; a dimension of 1
/// stretches).
///
/// The plan coalesces adjacent dimensions that both operands traverse the
/// same way, so the common cases collapse to one or two loops: equal shapes
/// become one contiguous loop, a scalar operand a loop with a constant, a row
/// vector over a matrix two loops whose inner one is contiguous in both. The
/// result always has four dimensions (leading ones of size 1 padded in), each
/// operand a stride per dimension (0 where it is broadcast), and the inner
/// strides are 0 or 1.
struct BroadcastPlan: Sendable {
  /// Which operand of a binary operation.
  enum Side: Sendable { case left, right }

  var sizes: (Int, Int, Int, Int) = (1, 1, 1, 1)
  var leftStrides: (Int, Int, Int, Int) = (0, 0, 0, 0)
  var rightStrides: (Int, Int, Int, Int) = (0, 0, 0, 0)

  /// The shape of `a ∘ b`, or nil when the shapes do not broadcast.
  static func outputShape(_ a: Shape, _ b: Shape) -> Shape? {
    let rank = Swift.max(a.rank, b.rank)
    var dims = [Int](repeating: 1, count: rank)
    for k in 0..<rank {
      let da = k < rank - a.rank ? 1 : a[k - (rank - a.rank)]
      let db = k < rank - b.rank ? 1 : b[k - (rank - b.rank)]
      if da == db || db == 1 {
        dims[k] = da
      } else if da == 1 {
        dims[k] = db
      } else {
        return nil
      }
    }
    return Shape(dims)
  }

  /// The plan for `a ∘ b`; `output` must be `outputShape(a, b)`.
  init(_ a: Shape, _ b: Shape, output: Shape) {
    let rank = output.rank
    // Row-major strides of each operand on the output's axes (0 where
    // broadcast or absent).
    func strides(_ s: Shape) -> [Int] {
      var result = [Int](repeating: 0, count: rank)
      var running = 1
      for k in stride(from: rank - 1, through: 0, by: -1) {
        let local = k - (rank - s.rank)
        guard local >= 0 else { break }
        let size = s[local]
        result[k] = size == 1 ? 0 : running
        running *= size
      }
      return result
    }
    let sa = strides(a)
    let sb = strides(b)
    // Coalesce from the innermost axis outwards, skipping axes of size 1.
    var sizes: [Int] = []
    var left: [Int] = []
    var right: [Int] = []
    for k in stride(from: rank - 1, through: 0, by: -1) where output[k] != 1 {
      if let last = sizes.indices.last,
        sa[k] == left[last] * sizes[last], sb[k] == right[last] * sizes[last]
      {
        sizes[last] *= output[k]
      } else {
        sizes.append(output[k])
        left.append(sa[k])
        right.append(sb[k])
      }
    }
    precondition(sizes.count <= 4, "broadcast: too many distinct dimensions")
    while sizes.count < 4 {
      sizes.append(1)
      left.append(0)
      right.append(0)
    }
    // `sizes` runs innermost first; the tuples run outermost first.
    self.sizes = (sizes[3], sizes[2], sizes[1], sizes[0])
    self.leftStrides = (left[3], left[2], left[1], left[0])
    self.rightStrides = (right[3], right[2], right[1], right[0])
  }

  /// The same plan with the operands exchanged.
  var swapped: BroadcastPlan {
    var copy = self
    copy.leftStrides = rightStrides
    copy.rightStrides = leftStrides
    return copy
  }

  /// Calls `body(leftOffset, rightOffset, outputOffset)` for every innermost
  /// row, in output order.
  @inline(__always)
  func forEachRow(_ body: (Int, Int, Int) -> Void) {
    let (n0, n1, n2, n3) = sizes
    let (a0, a1, a2, _) = leftStrides
    let (b0, b1, b2, _) = rightStrides
    var out = 0
    for i0 in 0..<n0 {
      for i1 in 0..<n1 {
        for i2 in 0..<n2 {
          body(i0 * a0 + i1 * a1 + i2 * a2, i0 * b0 + i1 * b1 + i2 * b2, out)
          out += n3
        }
      }
    }
  }
}

/// Copies, gathers and scatters: the kernels behind concatenation, slicing,
/// reshaping and indexing.
enum LayoutKernels {
  /// dst[r·dstStride + j] = (or +=) src[r·srcStride + j].
  static func copyBlock<S: TensorScalar>(
    source: UnsafePointer<S>, sourceStride: Int, destination: UnsafeMutablePointer<S>,
    destinationStride: Int, rows: Int, columns: Int, accumulate: Bool
  ) {
    if accumulate {
      for r in 0..<rows {
        let ps = source + r * sourceStride
        let pd = destination + r * destinationStride
        for j in 0..<columns { pd[j] += ps[j] }
      }
    } else if sourceStride == columns && destinationStride == columns {
      destination.update(from: source, count: rows * columns)
    } else if columns < 16 {
      // Narrow rows (a bias of one or two columns broadcast down a batch):
      // a library copy per row would cost more than the copy itself.
      for r in 0..<rows {
        let ps = source + r * sourceStride
        let pd = destination + r * destinationStride
        for j in 0..<columns { pd[j] = ps[j] }
      }
    } else {
      for r in 0..<rows {
        (destination + r * destinationStride).update(from: source + r * sourceStride, count: columns)
      }
    }
  }

  /// y[k] = (or +=) x[indices[k]].
  static func gather<S: TensorScalar>(
    x: UnsafePointer<S>, indices: UnsafePointer<Int>, y: UnsafeMutablePointer<S>, count: Int,
    accumulate: Bool
  ) {
    if accumulate {
      for k in 0..<count { y[k] += x[indices[k]] }
    } else {
      for k in 0..<count { y[k] = x[indices[k]] }
    }
  }

  /// y[indices[k]] += x[k]; repeated indices accumulate.
  static func scatterAdd<S: TensorScalar>(
    x: UnsafePointer<S>, indices: UnsafePointer<Int>, y: UnsafeMutablePointer<S>, count: Int
  ) {
    for k in 0..<count { y[indices[k]] += x[k] }
  }

  /// y += α·x.
  static func axpy<S: TensorScalar>(
    y: UnsafeMutablePointer<S>, x: UnsafePointer<S>, count: Int, alpha: S
  ) {
    for i in 0..<count { y[i] += alpha * x[i] }
  }
}

extension LayoutKernels {
  /// y[j] += Σᵣ x[r, j] for an x of `rows` × `columns`: the adjoint of a row
  /// vector broadcast over rows (a bias).
  static func addColumnSums<S: TensorScalar>(
    x: UnsafePointer<S>, rows: Int, columns: Int, y: UnsafeMutablePointer<S>
  ) {
    for r in 0..<rows {
      let px = x + r * columns
      for j in 0..<columns { y[j] += px[j] }
    }
  }
}

/// Row-wise softmax over the last axis.
enum SoftmaxKernels {
  /// yⱼ = e^(xⱼ − m) / Σₖ e^(xₖ − m) with m the row maximum, so no exponent
  /// exceeds 0 and large inputs cannot overflow.
  static func forward<S: TensorScalar>(
    x: UnsafePointer<S>, y: UnsafeMutablePointer<S>, rows: Int, columns: Int
  ) {
    guard columns > 0 else { return }
    for r in 0..<rows {
      let px = x + r * columns
      let py = y + r * columns
      var maximum = px[0]
      for j in 1..<columns { maximum = Swift.max(maximum, px[j]) }
      var total: S = 0
      for j in 0..<columns {
        let e = S._exp(px[j] - maximum)
        py[j] = e
        total += e
      }
      let inverse = 1 / total
      for j in 0..<columns { py[j] *= inverse }
    }
  }

  /// dx += y ⊙ (dy − ⟨dy, y⟩), the Jacobian (diag y − y yᵀ) applied to dy.
  static func backward<S: TensorScalar>(
    y: UnsafePointer<S>, dy: UnsafePointer<S>, dx: UnsafeMutablePointer<S>, rows: Int, columns: Int
  ) {
    for r in 0..<rows {
      let py = y + r * columns
      let pg = dy + r * columns
      let pd = dx + r * columns
      var inner: S = 0
      for j in 0..<columns { inner += pg[j] * py[j] }
      for j in 0..<columns { pd[j] += py[j] * (pg[j] - inner) }
    }
  }
}

/// Sums over all elements or along one axis, and their adjoints.
enum ReductionKernels {
  /// result[0] = scale · Σ x, accumulated in `Double` so long sums of `Float`
  /// keep their digits.
  static func sum<S: TensorScalar>(
    x: UnsafePointer<S>, count: Int, scale: S, result: UnsafeMutablePointer<S>
  ) {
    var total: Double = 0
    for i in 0..<count { total += Double(x[i]) }
    result[0] = scale * S(total)
  }

  /// y[o, i] = scale · Σₐ x[o, a, i], x viewed as outer × length × inner.
  static func sumAxis<S: TensorScalar>(
    x: UnsafePointer<S>, y: UnsafeMutablePointer<S>, outer: Int, length: Int, inner: Int, scale: S
  ) {
    y.update(repeating: 0, count: outer * inner)
    for o in 0..<outer {
      let py = y + o * inner
      for a in 0..<length {
        let px = x + (o * length + a) * inner
        for i in 0..<inner { py[i] += px[i] }
      }
      for i in 0..<inner { py[i] *= scale }
    }
  }

  /// dx[o, a, i] += scale · dy[o, i].
  static func broadcastAxis<S: TensorScalar>(
    dy: UnsafePointer<S>, dx: UnsafeMutablePointer<S>, outer: Int, length: Int, inner: Int, scale: S
  ) {
    for o in 0..<outer {
      let pg = dy + o * inner
      for a in 0..<length {
        let pd = dx + (o * length + a) * inner
        for i in 0..<inner { pd[i] += scale * pg[i] }
      }
    }
  }
}

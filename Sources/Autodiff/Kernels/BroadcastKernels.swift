/// The binary elementwise operations.
enum BinaryOperation: Sendable {
  case add, subtract, multiply, divide
}

/// Loops for ``BinaryOperation`` over a ``BroadcastPlan``.
enum BroadcastKernels {
  static func forward<S: TensorScalar>(
    _ op: BinaryOperation, _ plan: BroadcastPlan,
    a: UnsafePointer<S>, b: UnsafePointer<S>, y: UnsafeMutablePointer<S>
  ) {
    switch op {
    case .add: map(plan, a, b, y) { $0 + $1 }
    case .subtract: map(plan, a, b, y) { $0 - $1 }
    case .multiply: map(plan, a, b, y) { $0 * $1 }
    case .divide: map(plan, a, b, y) { $0 / $1 }
    }
  }

  /// Accumulates the adjoint of one operand: target += ∂y/∂operand · dy,
  /// summed over the dimensions along which that operand is broadcast.
  static func backward<S: TensorScalar>(
    _ op: BinaryOperation, _ plan: BroadcastPlan, side: BroadcastPlan.Side,
    a: UnsafePointer<S>, b: UnsafePointer<S>, dy: UnsafePointer<S>,
    target: UnsafeMutablePointer<S>
  ) {
    // Orient the plan so that its left operand is the one receiving the
    // adjoint (`own`), the right one the other operand.
    let oriented = side == .left ? plan : plan.swapped
    let own = side == .left ? a : b
    let other = side == .left ? b : a
    switch (op, side) {
    case (.add, _):
      accumulate(oriented, dy, own, other, target) { g, _, _ in g }
    case (.subtract, .left):
      accumulate(oriented, dy, own, other, target) { g, _, _ in g }
    case (.subtract, .right):
      accumulate(oriented, dy, own, other, target) { g, _, _ in -g }
    case (.multiply, _):
      accumulate(oriented, dy, own, other, target) { g, _, w in g * w }
    case (.divide, .left):
      // y = a / b: ∂y/∂a = 1/b.
      accumulate(oriented, dy, own, other, target) { g, _, w in g / w }
    case (.divide, .right):
      // y = a / b: ∂y/∂b = −a/b².
      accumulate(oriented, dy, own, other, target) { g, v, w in -g * w / (v * v) }
    }
  }

  /// y = f(a, b) over the plan, with fast inner loops for each pattern of
  /// inner strides.
  @inline(__always)
  private static func map<S: TensorScalar>(
    _ plan: BroadcastPlan, _ a: UnsafePointer<S>, _ b: UnsafePointer<S>,
    _ y: UnsafeMutablePointer<S>, _ f: (S, S) -> S
  ) {
    let n = plan.sizes.3
    let innerA = plan.leftStrides.3
    let innerB = plan.rightStrides.3
    plan.forEachRow { oa, ob, oy in
      let pa = a + oa
      let pb = b + ob
      let py = y + oy
      switch (innerA, innerB) {
      case (1, 1):
        for j in 0..<n { py[j] = f(pa[j], pb[j]) }
      case (1, _):
        let w = pb[0]
        for j in 0..<n { py[j] = f(pa[j], w) }
      case (_, 1):
        let v = pa[0]
        for j in 0..<n { py[j] = f(v, pb[j]) }
      default:
        let value = f(pa[0], pb[0])
        for j in 0..<n { py[j] = value }
      }
    }
  }

  /// target[own index] += g(dy, own value, other value) over the plan, the
  /// plan's left operand being `own`.
  @inline(__always)
  private static func accumulate<S: TensorScalar>(
    _ plan: BroadcastPlan, _ dy: UnsafePointer<S>, _ own: UnsafePointer<S>,
    _ other: UnsafePointer<S>, _ target: UnsafeMutablePointer<S>, _ g: (S, S, S) -> S
  ) {
    let n = plan.sizes.3
    let innerOwn = plan.leftStrides.3
    let innerOther = plan.rightStrides.3
    plan.forEachRow { oo, ot, oy in
      let pv = own + oo
      let pw = other + ot
      let pt = target + oo
      let pg = dy + oy
      switch (innerOwn, innerOther) {
      case (1, 1):
        for j in 0..<n { pt[j] += g(pg[j], pv[j], pw[j]) }
      case (1, _):
        let w = pw[0]
        for j in 0..<n { pt[j] += g(pg[j], pv[j], w) }
      case (_, 1):
        let v = pv[0]
        var total: S = 0
        for j in 0..<n { total += g(pg[j], v, pw[j]) }
        pt[0] += total
      default:
        let v = pv[0]
        let w = pw[0]
        var total: S = 0
        for j in 0..<n { total += g(pg[j], v, w) }
        pt[0] += total
      }
    }
  }
}

extension Tape {
  /// The matrix product op(a)·op(b) of two rank-2 tensors, through BLAS
  /// (`sgemm`/`dgemm`); op transposes when asked.
  ///
  /// With C = op(A)·op(B) and adjoint C̄, the backward pass accumulates
  /// Ā += C̄·op(B)ᵀ (transposed back when A was) and B̄ += op(A)ᵀ·C̄, each as
  /// one more GEMM.
  public func matmul(
    _ a: Variable<Scalar>, _ b: Variable<Scalar>,
    transposeA: Bool = false, transposeB: Bool = false
  ) -> Variable<Scalar> {
    product(a, b, transposeA: transposeA, transposeB: transposeB, bias: nil)
  }

  /// The affine map x·W + b, every row of the product shifted by the bias
  /// b (n elements, a vector or 1×n): a linear layer as one node.
  ///
  /// Recording the product and the sum as one node keeps one m×n tensor
  /// (and its adjoint) on the tape instead of two. The bias is written into
  /// the output first and the GEMM accumulates onto it (β = 1); backward is
  /// the product's, plus b̄ += the column sums of C̄.
  public func affine(
    _ x: Variable<Scalar>, _ weights: Variable<Scalar>, bias: Variable<Scalar>
  ) -> Variable<Scalar> {
    check(bias)
    precondition(
      bias.shape.count == weights.shape.lastDimension && bias.shape.lastDimension == bias.shape.count,
      "Tape.affine: bias \(bias.shape) must be a vector (or 1×n) of the weights' \(weights.shape) columns")
    return product(x, weights, transposeA: false, transposeB: false, bias: bias)
  }

  @_specialize(where Scalar == Float)
  private func product(
    _ a: Variable<Scalar>, _ b: Variable<Scalar>, transposeA: Bool, transposeB: Bool,
    bias: Variable<Scalar>?
  ) -> Variable<Scalar> {
    check(a)
    check(b)
    precondition(
      a.shape.rank == 2 && b.shape.rank == 2,
      "Tape.matmul: operands must be matrices, not \(a.shape) and \(b.shape)")
    let (m, k) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
    let (k2, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
    precondition(
      k == k2,
      "Tape.matmul: inner dimensions differ: "
        + "\(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "")")
    let y = appendNode(
      shape: .matrix(m, n),
      operation: .matmul(
        left: a.index, right: b.index, transposeLeft: transposeA, transposeRight: transposeB,
        bias: bias?.index),
      requiresGradient: requiresGradient(a) || requiresGradient(b) || bias.map(requiresGradient) == true)
    if let bias {
      Scalar.run(
        .copyBlock(
          source: value(bias.index), sourceStride: 0, destination: value(y.index), destinationStride: n,
          rows: m, columns: n, accumulate: false))
    } else if k == 0 {
      Scalar.run(.fill(y: value(y.index), count: m * n, value: 0))
    }
    if k > 0 {
      Scalar._gemm(
        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
        alpha: 1, a: value(a.index), lda: a.shape[1], b: value(b.index), ldb: b.shape[1],
        beta: bias == nil ? 0 : 1, c: value(y.index), ldc: n)
    }
    return y
  }

  func matmulBackward(
    _ node: Int, left: Int, right: Int, transposeLeft: Bool, transposeRight: Bool
  ) {
    let shapeA = nodes[left].shape
    let shapeB = nodes[right].shape
    let m = nodes[node].shape[0]
    let n = nodes[node].shape[1]
    let k = transposeLeft ? shapeA[0] : shapeA[1]
    guard let dc = nodes[node].adjoint, k > 0, m > 0, n > 0 else { return }
    let a = value(left)
    let b = value(right)
    if let da = accumulationTarget(left) {
      if transposeLeft {
        // A is k×m: Ā += op(B)·C̄ᵀ.
        Scalar._gemm(
          transposeA: transposeRight, transposeB: true, m: k, n: m, k: n,
          alpha: 1, a: b, lda: shapeB[1], b: dc, ldb: n, beta: 1, c: da, ldc: m)
      } else {
        // A is m×k: Ā += C̄·op(B)ᵀ.
        Scalar._gemm(
          transposeA: false, transposeB: !transposeRight, m: m, n: k, k: n,
          alpha: 1, a: dc, lda: n, b: b, ldb: shapeB[1], beta: 1, c: da, ldc: k)
      }
    }
    if let db = accumulationTarget(right) {
      if transposeRight {
        // B is n×k: B̄ += C̄ᵀ·op(A).
        Scalar._gemm(
          transposeA: true, transposeB: transposeLeft, m: n, n: k, k: m,
          alpha: 1, a: dc, lda: n, b: a, ldb: shapeA[1], beta: 1, c: db, ldc: k)
      } else {
        // B is k×n: B̄ += op(A)ᵀ·C̄.
        Scalar._gemm(
          transposeA: !transposeLeft, transposeB: false, m: k, n: n, k: m,
          alpha: 1, a: a, lda: shapeA[1], b: dc, ldb: n, beta: 1, c: db, ldc: n)
      }
    }
  }
}

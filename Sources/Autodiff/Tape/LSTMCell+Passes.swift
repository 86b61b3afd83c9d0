/// The LSTM cell's forward and backward passes over raw buffers, split by
/// rows over ``KernelThreads``: what the tape's `lstmCell` and the tape-free
/// `LSTMCell.forward` both run.
///
/// Every row (coordinate) of the cell is independent, so the rows are cut
/// into blocks of ``rowBlock`` and each block runs the whole cell —
/// pre-activation products, elementwise pass — with its gates still in
/// cache between the two; the blocks are shared among the threads. The
/// blocks are a function of B alone, never of the thread count, so neither
/// is the result (a GEMM's rounding can depend on how its rows are cut).
/// The weight gradients W̄ = Σ_rows xᵀz̄ sum over rows: they are summed in a
/// fixed number of row blocks (``weightGradientBlocks(rows:)``), each
/// block's product computed in parallel and the blocks added in order.
extension LSTMCell {
  struct ForwardPass<S: TensorScalar> {
    /// x, h, the weights, and the B×4H gates (out: activated).
    var preactivations: LSTMPreactivationOperands<S>
    var previousCell: UnsafePointer<S>
    var newCell: UnsafeMutablePointer<S>
    var newHidden: UnsafeMutablePointer<S>
    var cellTanh: UnsafeMutablePointer<S>?

    func run() {
      let elementwise = LSTMForwardOperands(
        batch: preactivations.batch, hiddenSize: preactivations.hiddenSize, gates: preactivations.gates,
        previousCell: previousCell, cell: newCell, hidden: newHidden, cellTanh: cellTanh)
      forEachRowBlock(rows: preactivations.batch) { rows in
        gatePreactivations(preactivations.rows(rows))
        S.run(.lstmForward(elementwise.rows(rows)))
      }
    }
  }

  /// An adjoint to write: its buffer and the β of the product that writes
  /// it (0 for the first contribution, 1 to accumulate).
  typealias AdjointTarget<S: TensorScalar> = (pointer: UnsafeMutablePointer<S>, beta: S)

  struct BackwardPass<S: TensorScalar> {
    var batch: Int
    var inputSize: Int
    var hiddenSize: Int
    var input: UnsafePointer<S>
    var hidden: UnsafePointer<S>
    var inputWeights: UnsafePointer<S>
    var hiddenWeights: UnsafePointer<S>
    var gates: UnsafePointer<S>
    var previousCell: UnsafePointer<S>
    var cellTanh: UnsafePointer<S>
    var hiddenAdjoint: UnsafePointer<S>?
    var cellAdjoint: UnsafePointer<S>?
    /// ∂L/∂z, B×4H scratch (out).
    var gateAdjoint: UnsafeMutablePointer<S>
    var previousCellAdjoint: UnsafeMutablePointer<S>?
    var inputAdjoint: AdjointTarget<S>?
    var hiddenStateAdjoint: AdjointTarget<S>?
    var inputWeightsAdjoint: AdjointTarget<S>?
    var hiddenWeightsAdjoint: AdjointTarget<S>?
    /// b̄, accumulated.
    var biasAdjoint: UnsafeMutablePointer<S>?
    /// Scratch for the weight gradients' row blocks: at least
    /// ``partialCount(inputSize:hiddenSize:rows:)`` elements.
    var partials: UnsafeMutablePointer<S>

    /// Scratch elements the weight gradients' row blocks need.
    static func partialCount(inputSize: Int, hiddenSize: Int, rows: Int) -> Int {
      let blocks = weightGradientBlocks(rows: rows)
      return blocks == 1 ? 0 : blocks * (inputSize + hiddenSize + 1) * 4 * hiddenSize
    }

    func run() {
      let h = hiddenSize
      let width = 4 * h
      // ∂z and the input adjoints, row block by row block.
      let elementwise = LSTMBackwardOperands(
        batch: batch, hiddenSize: h, gates: gates, previousCell: previousCell, cellTanh: cellTanh,
        hiddenAdjoint: hiddenAdjoint, cellAdjoint: cellAdjoint, gateAdjoint: gateAdjoint,
        previousCellAdjoint: previousCellAdjoint)
      forEachRowBlock(rows: batch) { rows in
        let first = rows.lowerBound
        let dz = gateAdjoint + first * width
        S.run(.lstmBackward(elementwise.rows(rows)))
        if inputSize > 0, let (dx, beta) = inputAdjoint {
          S._gemm(
            transposeA: false, transposeB: true, m: rows.count, n: inputSize, k: width,
            alpha: 1, a: dz, lda: width, b: inputWeights, ldb: width,
            beta: beta, c: dx + first * inputSize, ldc: inputSize)
        }
        if let (dh, beta) = hiddenStateAdjoint {
          S._gemm(
            transposeA: false, transposeB: true, m: rows.count, n: h, k: width,
            alpha: 1, a: dz, lda: width, b: hiddenWeights, ldb: width,
            beta: beta, c: dh + first * h, ldc: h)
        }
      }
      weightGradients()
    }

    /// W̄_x += xᵀz̄, W̄_h += hᵀz̄, b̄ += Σ_rows z̄, in fixed row blocks.
    private func weightGradients() {
      let h = hiddenSize
      let width = 4 * h
      let wantsInput = inputSize > 0 && inputWeightsAdjoint != nil
      guard wantsInput || hiddenWeightsAdjoint != nil || biasAdjoint != nil else { return }
      let blocks = weightGradientBlocks(rows: batch)
      func products(
        rows: Range<Int>, inputTarget: AdjointTarget<S>?, hiddenTarget: AdjointTarget<S>?,
        biasTarget: UnsafeMutablePointer<S>?
      ) {
        let dz = UnsafePointer(gateAdjoint + rows.lowerBound * width)
        if wantsInput, let (dwx, beta) = inputTarget {
          S._gemm(
            transposeA: true, transposeB: false, m: inputSize, n: width, k: rows.count,
            alpha: 1, a: input + rows.lowerBound * inputSize, lda: inputSize, b: dz, ldb: width,
            beta: beta, c: dwx, ldc: width)
        }
        if let (dwh, beta) = hiddenTarget {
          S._gemm(
            transposeA: true, transposeB: false, m: h, n: width, k: rows.count,
            alpha: 1, a: hidden + rows.lowerBound * h, lda: h, b: dz, ldb: width,
            beta: beta, c: dwh, ldc: width)
        }
        if let db = biasTarget {
          S.run(.addColumnSums(x: dz, rows: rows.count, columns: width, y: db))
        }
      }
      guard blocks > 1 else {
        products(
          rows: 0..<batch, inputTarget: inputWeightsAdjoint, hiddenTarget: hiddenWeightsAdjoint,
          biasTarget: biasAdjoint)
        return
      }
      // Block b's partial sums at partials + b·stride: [W̄_x | W̄_h | b̄].
      let stride = (inputSize + h + 1) * width
      KernelThreads.forEachBlock(count: blocks) { b in
        let partial = partials + b * stride
        let rows = (batch * b / blocks)..<(batch * (b + 1) / blocks)
        let biasPartial = partial + (inputSize + h) * width
        biasPartial.update(repeating: 0, count: width)
        products(
          rows: rows, inputTarget: (partial, 0), hiddenTarget: (partial + inputSize * width, 0),
          biasTarget: biasPartial)
      }
      func reduce(offset: Int, count: Int, into target: AdjointTarget<S>) {
        let (y, beta) = target
        if beta == 0 {
          S.run(.copy(x: partials + offset, y: y, count: count))
        } else {
          S.run(.axpy(y: y, x: partials + offset, count: count, alpha: 1))
        }
        for b in 1..<blocks { S.run(.axpy(y: y, x: partials + b * stride + offset, count: count, alpha: 1)) }
      }
      if wantsInput, let target = inputWeightsAdjoint { reduce(offset: 0, count: inputSize * width, into: target) }
      if let target = hiddenWeightsAdjoint { reduce(offset: inputSize * width, count: h * width, into: target) }
      if let db = biasAdjoint { reduce(offset: (inputSize + h) * width, count: width, into: (db, 1)) }
    }
  }

  /// Rows per block of the cell's passes: 512 rows of gates (160 KiB at
  /// H = 20) stay in L2 between the products and the elementwise pass.
  static let rowBlock = 512

  /// Calls `body` on the blocks of ``rowBlock`` rows covering 0..<rows,
  /// shared among ``KernelThreads``.
  static func forEachRowBlock(rows: Int, _ body: (Range<Int>) -> Void) {
    let blocks = (rows + rowBlock - 1) / rowBlock
    KernelThreads.forEachBlock(count: blocks) { b in
      body((b * rowBlock)..<Swift.min(rows, (b + 1) * rowBlock))
    }
  }

  /// Row blocks the weight gradients are summed in: one below 4,096 rows
  /// (the product is too small to split), four above — a function of B
  /// alone, so the gradient does not depend on the thread count.
  static func weightGradientBlocks(rows: Int) -> Int { rows < 4096 ? 1 : 4 }
}

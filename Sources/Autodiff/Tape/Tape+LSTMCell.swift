extension Tape {
  /// One step of the fused LSTM cell (gate order and equations in
  /// ``LSTMCell``) for a batch of B rows.
  ///
  /// - Parameters:
  ///   - input: x, B×I.
  ///   - hidden: h, B×H.
  ///   - cell: c, B×H.
  ///   - inputWeights: W_x, I×4H.
  ///   - hiddenWeights: W_h, H×4H.
  ///   - bias: b, 4H (or 1×4H).
  /// - Returns: h′ and c′, each B×H.
  ///
  /// The forward pass is one GEMM, z = [x h 1]·[W_x; W_h; b], and a fused
  /// elementwise pass; the backward pass is a fused elementwise pass giving
  /// ∂L/∂z and ∂L/∂c, then three GEMMs (one for the stacked weights and
  /// bias, one each for x and h, accumulating into their adjoints). Storage
  /// per step: [x h 1], the activated gates and tanh c′ (B·(I+H+1) + 5·B·H
  /// elements) besides h′ and c′.
  public func lstmCell(
    input: Variable<Scalar>, hidden: Variable<Scalar>, cell: Variable<Scalar>,
    inputWeights: Variable<Scalar>, hiddenWeights: Variable<Scalar>, bias: Variable<Scalar>
  ) -> (hidden: Variable<Scalar>, cell: Variable<Scalar>) {
    check(input)
    check(hidden)
    check(cell)
    check(inputWeights)
    check(hiddenWeights)
    check(bias)
    precondition(
      input.shape.rank == 2 && hidden.shape.rank == 2,
      "Tape.lstmCell: input and hidden state must be matrices (B×I, B×H), "
        + "not \(input.shape), \(hidden.shape)")
    let batch = input.shape[0]
    let inputSize = input.shape[1]
    let hiddenSize = hidden.shape[1]
    let gateWidth = 4 * hiddenSize
    precondition(
      hidden.shape == .matrix(batch, hiddenSize) && cell.shape == hidden.shape,
      "Tape.lstmCell: hidden \(hidden.shape) and cell \(cell.shape) must both be \(batch)×H")
    precondition(
      inputWeights.shape == .matrix(inputSize, gateWidth),
      "Tape.lstmCell: input weights \(inputWeights.shape) must be \(inputSize)×\(gateWidth)")
    precondition(
      hiddenWeights.shape == .matrix(hiddenSize, gateWidth),
      "Tape.lstmCell: hidden weights \(hiddenWeights.shape) must be \(hiddenSize)×\(gateWidth)")
    precondition(
      bias.shape.count == gateWidth && bias.shape.lastDimension == gateWidth,
      "Tape.lstmCell: bias \(bias.shape) must have \(gateWidth) elements")

    let differentiable =
      requiresGradient(input) || requiresGradient(hidden) || requiresGradient(cell)
      || requiresGradient(inputWeights) || requiresGradient(hiddenWeights) || requiresGradient(bias)
    let width = inputSize + hiddenSize + 1
    // Saved for the backward pass when there will be one; otherwise the
    // temporaries live in scratch and the arena holds only h′ and c′.
    let concatenated: UnsafeMutablePointer<Scalar>
    let gates: UnsafeMutablePointer<Scalar>
    let cellTanh: UnsafeMutablePointer<Scalar>?
    let weights = scratch(slot: Self.forwardSlot, count: width * gateWidth)
    if differentiable {
      concatenated = arena.allocate(batch * width)
      gates = arena.allocate(batch * gateWidth)
      cellTanh = arena.allocate(batch * hiddenSize)
    } else {
      let temporaries = scratch(slot: Self.backwardSlot, count: batch * (width + gateWidth))
      concatenated = temporaries
      gates = temporaries + batch * width
      cellTanh = nil
    }
    let record = LSTMCellRecord(
      input: input.index, hidden: hidden.index, cell: cell.index,
      inputWeights: inputWeights.index, hiddenWeights: hiddenWeights.index, bias: bias.index,
      batch: batch, inputSize: inputSize, hiddenSize: hiddenSize,
      concatenated: concatenated, gates: gates, cellTanh: cellTanh ?? gates)
    let newCell = appendNode(
      shape: cell.shape, operation: .lstmCell(record), requiresGradient: differentiable)
    let newHidden = appendNode(
      shape: hidden.shape, operation: .lstmHidden(cell: newCell.index), requiresGradient: differentiable)
    guard batch > 0 else { return (newHidden, newCell) }
    LSTMCell.gatePreactivations(
      batch: batch, inputSize: inputSize, hiddenSize: hiddenSize,
      input: value(input.index), hidden: value(hidden.index),
      inputWeights: value(inputWeights.index), hiddenWeights: value(hiddenWeights.index),
      bias: value(bias.index), concatenated: concatenated, weights: weights, gates: gates)
    Scalar.run(
      .lstmForward(
        LSTMForwardOperands(
          batch: batch, hiddenSize: hiddenSize, gates: gates,
          previousCell: value(cell.index), cell: value(newCell.index), hidden: value(newHidden.index),
          cellTanh: cellTanh)))
    return (newHidden, newCell)
  }

  /// The whole cell's backward pass, run at the c′ node (recorded just before
  /// h′, so it runs right after h′'s — which only makes sure this one runs).
  func lstmCellBackward(_ node: Int, _ r: LSTMCellRecord<Scalar>) {
    guard r.batch > 0 else { return }
    let hiddenNode = node + 1
    let hiddenAdjoint: UnsafePointer<Scalar>? =
      nodes[hiddenNode].adjointLive ? nodes[hiddenNode].adjoint.map { UnsafePointer($0) } : nil
    let cellAdjoint = nodes[node].adjoint.map { UnsafePointer($0) }
    let gateWidth = 4 * r.hiddenSize
    let width = r.inputSize + r.hiddenSize + 1
    let dz = scratch(slot: Self.backwardSlot, count: r.batch * gateWidth)
    Scalar.run(
      .lstmBackward(
        LSTMBackwardOperands(
          batch: r.batch, hiddenSize: r.hiddenSize, gates: r.gates, previousCell: value(r.cell),
          cellTanh: r.cellTanh, hiddenAdjoint: hiddenAdjoint, cellAdjoint: cellAdjoint,
          gateAdjoint: dz, previousCellAdjoint: accumulationTarget(r.cell))))
    // W̄′ = [x h 1]ᵀ·z̄ in one GEMM, whose row blocks are W̄_x, W̄_h and b̄.
    let dwx = accumulationTarget(r.inputWeights)
    let dwh = accumulationTarget(r.hiddenWeights)
    let db = accumulationTarget(r.bias)
    if dwx != nil || dwh != nil || db != nil {
      let dw = scratch(slot: Self.weightGradientSlot, count: width * gateWidth)
      Scalar._gemm(
        transposeA: true, transposeB: false, m: width, n: gateWidth, k: r.batch,
        alpha: 1, a: r.concatenated, lda: width, b: dz, ldb: gateWidth, beta: 0, c: dw, ldc: gateWidth)
      if let dwx {
        Scalar.run(.axpy(y: dwx, x: dw, count: r.inputSize * gateWidth, alpha: 1))
      }
      if let dwh {
        Scalar.run(
          .axpy(y: dwh, x: dw + r.inputSize * gateWidth, count: r.hiddenSize * gateWidth, alpha: 1))
      }
      if let db {
        Scalar.run(
          .axpy(y: db, x: dw + (r.inputSize + r.hiddenSize) * gateWidth, count: gateWidth, alpha: 1))
      }
    }
    // [x̄ h̄] += z̄·Wᵀ, one GEMM per block straight into each adjoint.
    if let dx = accumulationTarget(r.input), r.inputSize > 0 {
      Scalar._gemm(
        transposeA: false, transposeB: true, m: r.batch, n: r.inputSize, k: gateWidth,
        alpha: 1, a: dz, lda: gateWidth, b: value(r.inputWeights), ldb: gateWidth,
        beta: 1, c: dx, ldc: r.inputSize)
    }
    if let dh = accumulationTarget(r.hidden) {
      Scalar._gemm(
        transposeA: false, transposeB: true, m: r.batch, n: r.hiddenSize, k: gateWidth,
        alpha: 1, a: dz, lda: gateWidth, b: value(r.hiddenWeights), ldb: gateWidth,
        beta: 1, c: dh, ldc: r.hiddenSize)
    }
  }
}

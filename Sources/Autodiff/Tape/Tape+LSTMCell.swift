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
  /// The forward pass is z = b + x·W_x + h·W_h, read from the operands in
  /// place (``LSTMCell/gatePreactivations(_:)``: a GEMM-free kernel in
  /// `Float` at the learned optimizers' sizes, OpenBLAS otherwise), and a
  /// fused elementwise pass; the
  /// backward pass is a fused elementwise pass giving ∂L/∂z and ∂L/∂c, then
  /// GEMMs straight into the adjoints (W̄_x += xᵀz̄, W̄_h += hᵀz̄, x̄ += z̄W_xᵀ,
  /// h̄ += z̄W_hᵀ) and b̄ += column sums of z̄. Storage per step: the activated
  /// gates and tanh c′ (5·B·H elements) besides h′ and c′; x and h are
  /// their own nodes' values.
  @_specialize(where Scalar == Float)
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
    // Saved for the backward pass when there will be one; otherwise the
    // gates live in scratch and the arena holds only h′ and c′.
    let gates: UnsafeMutablePointer<Scalar>
    let cellTanh: UnsafeMutablePointer<Scalar>?
    if differentiable {
      gates = arena.allocate(batch * gateWidth)
      cellTanh = arena.allocate(batch * hiddenSize)
    } else {
      gates = scratch(slot: Self.forwardSlot, count: batch * gateWidth)
      cellTanh = nil
    }
    let record = LSTMCellRecord(
      input: input.index, hidden: hidden.index, cell: cell.index,
      inputWeights: inputWeights.index, hiddenWeights: hiddenWeights.index, bias: bias.index,
      batch: batch, inputSize: inputSize, hiddenSize: hiddenSize,
      gates: gates, cellTanh: cellTanh ?? gates)
    let newCell = appendNode(
      shape: cell.shape, operation: .lstmCell(record), requiresGradient: differentiable)
    let newHidden = appendNode(
      shape: hidden.shape, operation: .lstmHidden(cell: newCell.index), requiresGradient: differentiable)
    guard batch > 0 else { return (newHidden, newCell) }
    LSTMCell.ForwardPass(
      preactivations: LSTMPreactivationOperands(
        batch: batch, inputSize: inputSize, hiddenSize: hiddenSize, input: value(input.index),
        hidden: value(hidden.index), inputWeights: value(inputWeights.index),
        hiddenWeights: value(hiddenWeights.index), bias: value(bias.index), gates: gates),
      previousCell: value(cell.index), newCell: value(newCell.index), newHidden: value(newHidden.index),
      cellTanh: cellTanh
    ).run()
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
    let dz = scratch(slot: Self.backwardSlot, count: r.batch * gateWidth)
    let partials = scratch(
      slot: Self.weightGradientSlot,
      count: Swift.max(
        1,
        LSTMCell.BackwardPass<Scalar>.partialCount(inputSize: r.inputSize, hiddenSize: r.hiddenSize, rows: r.batch)))
    // Products write the adjoints with β = 0 when they are the first
    // contribution (see `overwriteTarget`), so no adjoint is zeroed first.
    LSTMCell.BackwardPass(
      batch: r.batch, inputSize: r.inputSize, hiddenSize: r.hiddenSize, input: value(r.input),
      hidden: value(r.hidden), inputWeights: value(r.inputWeights), hiddenWeights: value(r.hiddenWeights),
      gates: r.gates, previousCell: value(r.cell), cellTanh: r.cellTanh, hiddenAdjoint: hiddenAdjoint,
      cellAdjoint: cellAdjoint, gateAdjoint: dz, previousCellAdjoint: accumulationTarget(r.cell),
      inputAdjoint: r.inputSize > 0 ? overwriteTarget(r.input) : nil, hiddenStateAdjoint: overwriteTarget(r.hidden),
      inputWeightsAdjoint: r.inputSize > 0 ? overwriteTarget(r.inputWeights) : nil,
      hiddenWeightsAdjoint: overwriteTarget(r.hiddenWeights), biasAdjoint: accumulationTarget(r.bias),
      partials: partials
    ).run()
  }
}

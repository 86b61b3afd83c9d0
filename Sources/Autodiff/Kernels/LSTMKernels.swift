/// Operands of the elementwise half of the fused LSTM cell's forward pass.
struct LSTMForwardOperands<S: TensorScalar> {
  var batch: Int
  var hiddenSize: Int
  /// B×4H. In: the pre-activations [z_i, z_f, z_g, z_o]. Out: the gates
  /// i, f, g, o.
  var gates: UnsafeMutablePointer<S>
  /// c, B×H.
  var previousCell: UnsafePointer<S>
  /// c′, B×H (out).
  var cell: UnsafeMutablePointer<S>
  /// h′, B×H (out).
  var hidden: UnsafeMutablePointer<S>
  /// tanh c′, B×H (out), kept for the backward pass; nil for inference.
  var cellTanh: UnsafeMutablePointer<S>?
}

extension LSTMForwardOperands {
  /// The operands of rows `range` alone.
  func rows(_ range: Range<Int>) -> LSTMForwardOperands {
    let h = hiddenSize
    let first = range.lowerBound
    return LSTMForwardOperands(
      batch: range.count, hiddenSize: h, gates: gates + first * 4 * h,
      previousCell: previousCell + first * h, cell: cell + first * h, hidden: hidden + first * h,
      cellTanh: cellTanh.map { $0 + first * h })
  }
}

/// Operands of the elementwise half of the fused LSTM cell's backward pass
/// (the weight and input adjoints come from GEMMs after it).
struct LSTMBackwardOperands<S: TensorScalar> {
  var batch: Int
  var hiddenSize: Int
  /// The activated gates saved by the forward pass, B×4H.
  var gates: UnsafePointer<S>
  /// c, B×H.
  var previousCell: UnsafePointer<S>
  /// tanh c′, B×H.
  var cellTanh: UnsafePointer<S>
  /// ∂L/∂h′, B×H, or nil when h′ received no adjoint.
  var hiddenAdjoint: UnsafePointer<S>?
  /// ∂L/∂c′, B×H, or nil when c′ received no adjoint from later nodes.
  var cellAdjoint: UnsafePointer<S>?
  /// ∂L/∂z for the pre-activations z, B×4H (out, overwritten).
  var gateAdjoint: UnsafeMutablePointer<S>
  /// ∂L/∂c, B×H (accumulated), or nil when c needs no gradient.
  var previousCellAdjoint: UnsafeMutablePointer<S>?
}

extension LSTMBackwardOperands {
  /// The operands of rows `range` alone.
  func rows(_ range: Range<Int>) -> LSTMBackwardOperands {
    let h = hiddenSize
    let first = range.lowerBound
    return LSTMBackwardOperands(
      batch: range.count, hiddenSize: h, gates: gates + first * 4 * h,
      previousCell: previousCell + first * h, cellTanh: cellTanh + first * h,
      hiddenAdjoint: hiddenAdjoint.map { $0 + first * h }, cellAdjoint: cellAdjoint.map { $0 + first * h },
      gateAdjoint: gateAdjoint + first * 4 * h,
      previousCellAdjoint: previousCellAdjoint.map { $0 + first * h })
  }
}

/// The elementwise passes of the fused LSTM cell. See `docs/autodiff.md` for
/// the equations and the derivation of the backward pass.
///
/// These generic loops are the `Double` path (gradient checks) and the
/// reference the `Float` C kernels (`CLSTMKernels`, vectorised per CPU at
/// run time) are tested against. Gates and the cell's tanh use
/// `TensorScalar._cellTanh`, in `Float` a rational approximation whose
/// absolute error (< 4·10⁻⁷) is all an LSTM's gates need.
enum LSTMKernels {
  /// The forward pass, one row at a time (the `Double` path of gradient
  /// checks; `Float` runs the C kernels of `CLSTMKernels`). Gates use
  /// `TensorScalar._cellTanh`, σ(z) = ½ + ½·tanh(z/2), as the C kernels do.
  static func forward<S: TensorScalar>(_ p: LSTMForwardOperands<S>) {
    let h = p.hiddenSize
    for r in 0..<p.batch {
      let z = p.gates + r * 4 * h
      for j in 0..<(4 * h) {
        let candidate = j >= 2 * h && j < 3 * h
        z[j] = candidate ? S._cellTanh(z[j]) : 0.5 + 0.5 * S._cellTanh(0.5 * z[j])
      }
      for j in 0..<h {
        let k = r * h + j
        let c = z[h + j] * p.previousCell[k] + z[j] * z[2 * h + j]
        p.cell[k] = c
        let t = S._cellTanh(c)
        p.cellTanh?[k] = t
        p.hidden[k] = z[3 * h + j] * t
      }
    }
  }

  /// z = b, plus x·W_x when `includingInput` (a narrow input, which a GEMM
  /// would spend more on packing than on arithmetic), row by row.
  static func initialiseGates<S: TensorScalar>(_ p: LSTMPreactivationOperands<S>, includingInput: Bool) {
    let width = 4 * p.hiddenSize
    let inputs = includingInput ? p.inputSize : 0
    for r in 0..<p.batch {
      let z = p.gates + r * width
      for j in 0..<width { z[j] = p.bias[j] }
      for k in 0..<inputs {
        let x = p.input[r * p.inputSize + k]
        let w = p.inputWeights + k * width
        for j in 0..<width { z[j] += x * w[j] }
      }
    }
  }

  /// With δc = ∂L/∂c′ + ∂L/∂h′ ⊙ o ⊙ (1 − tanh²c′):
  /// ∂z_i = δc⊙g⊙i(1−i), ∂z_f = δc⊙c⊙f(1−f), ∂z_g = δc⊙i⊙(1−g²),
  /// ∂z_o = ∂L/∂h′⊙tanh c′⊙o(1−o), and ∂L/∂c += δc⊙f.
  static func backward<S: TensorScalar>(_ p: LSTMBackwardOperands<S>) {
    // Specialise the loop on which adjoints exist; absent ones are zero.
    switch (p.hiddenAdjoint, p.cellAdjoint, p.previousCellAdjoint) {
    case (let dh?, let dc?, let dcPrev?):
      loop(p) { dh[$0] } cellAdjoint: { dc[$0] } store: { dcPrev[$0] += $1 }
    case (let dh?, let dc?, nil):
      loop(p) { dh[$0] } cellAdjoint: { dc[$0] } store: { _, _ in }
    case (let dh?, nil, let dcPrev?):
      loop(p) { dh[$0] } cellAdjoint: { _ in 0 } store: { dcPrev[$0] += $1 }
    case (let dh?, nil, nil):
      loop(p) { dh[$0] } cellAdjoint: { _ in 0 } store: { _, _ in }
    case (nil, let dc?, let dcPrev?):
      loop(p) { _ in 0 } cellAdjoint: { dc[$0] } store: { dcPrev[$0] += $1 }
    case (nil, let dc?, nil):
      loop(p) { _ in 0 } cellAdjoint: { dc[$0] } store: { _, _ in }
    case (nil, nil, _):
      p.gateAdjoint.update(repeating: 0, count: p.batch * 4 * p.hiddenSize)
    }
  }

  @inline(__always)
  private static func loop<S: TensorScalar>(
    _ p: LSTMBackwardOperands<S>, hiddenAdjoint: (Int) -> S, cellAdjoint: (Int) -> S,
    store: (Int, S) -> Void
  ) {
    let h = p.hiddenSize
    for r in 0..<p.batch {
      let i = p.gates + r * 4 * h
      let f = i + h
      let g = i + 2 * h
      let o = i + 3 * h
      let di = p.gateAdjoint + r * 4 * h
      let df = di + h
      let dg = di + 2 * h
      let dO = di + 3 * h
      let row = r * h
      for j in 0..<h {
        let k = row + j
        let tc = p.cellTanh[k]
        let dh = hiddenAdjoint(k)
        let dc = cellAdjoint(k) + dh * o[j] * (1 - tc * tc)
        di[j] = dc * g[j] * i[j] * (1 - i[j])
        df[j] = dc * p.previousCell[k] * f[j] * (1 - f[j])
        dg[j] = dc * i[j] * (1 - g[j] * g[j])
        dO[j] = dh * tc * o[j] * (1 - o[j])
        store(k, dc * f[j])
      }
    }
  }
}

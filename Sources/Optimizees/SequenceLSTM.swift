import Libm
import LinearAlgebra

/// A one-layer LSTM over a batch of sequences with a linear read-out and a
/// sigmoid cross-entropy on its last steps, over a flat parameter vector,
/// with the forward pass and back-propagation through time written out by
/// hand as BLAS products (the optimizee side has no autodiff tape).
///
/// **Cell.** With D inputs, H units, gates in the order i, f, g, o:
///
///     a_t = [x_t, h_{t−1}] · W + b                    (B × 4H, one GEMM per step)
///     i = σ(a_i)  f = σ(a_f)  g = tanh(a_g)  o = σ(a_o)
///     c_t = f ⊙ c_{t−1} + i ⊙ g        h_t = o ⊙ tanh(c_t)
///
/// from h_{−1} = c_{−1} = 0. The read-out is z_t = h_t · W_out + b_out.
///
/// **Parameter layout** (row-major, so a batch of row vectors maps as A·W):
/// W = [W_x; W_h], (D + H) × 4H, at 0 — W_x is its first D rows, W_h the
/// next H, and within a row the columns are the gate blocks [i | f | g | o],
/// H each; b (4H, same blocks) at (D + H)·4H; W_out (H × O) at (D + H + 1)·4H;
/// b_out (O) last. Stacking W_x over W_h is what makes one product per step
/// enough: the step's input row and the previous hidden state sit side by
/// side in one buffer row `[x_t, h_{t−1}]`.
///
/// **Loss.** The read-out is applied only on the last `outputSteps` steps
/// (the only ones the loss reads): with targets y ∈ [0, 1],
///
///     ℓ = (1/B) Σ_rows Σ_steps Σ_bits softplus(z) − y·z
///
/// the sigmoid binary cross-entropy, with softplus(z) = max(z, 0) +
/// log1p(e^{−|z|}) so that no exponential overflows; ∂ℓ/∂z = (σ(z) − y)/B.
struct SequenceLSTM: Sendable {
  /// D, the input width.
  let inputWidth: Int
  /// H, the hidden units.
  let hidden: Int
  /// O, the read-out width.
  let outputWidth: Int

  init(inputWidth: Int, hidden: Int, outputWidth: Int) {
    precondition(inputWidth >= 1 && hidden >= 1 && outputWidth >= 1)
    self.inputWidth = inputWidth
    self.hidden = hidden
    self.outputWidth = outputWidth
  }

  /// 4H, the width of the gate pre-activations.
  var gateWidth: Int { 4 * hidden }
  /// D + H, the width of a step's stacked row `[x_t, h_{t−1}]` (and the rows of W).
  var stackedWidth: Int { inputWidth + hidden }
  /// Where b, W_out and b_out start in θ (W starts at 0).
  var biasOffset: Int { stackedWidth * gateWidth }
  var readoutOffset: Int { biasOffset + gateWidth }
  var readoutBiasOffset: Int { readoutOffset + hidden * outputWidth }
  /// n = (D + H + 1)·4H + (H + 1)·O.
  var parameterCount: Int { readoutBiasOffset + outputWidth }

  /// Floats of workspace one evaluation of `steps` steps, the last
  /// `outputSteps` of them read out, takes for `batch` sequences (see
  /// ``Workspace``).
  func workspaceCount(batch: Int, steps: Int, outputSteps: Int) -> Int {
    let stepRows = batch * steps
    return (stepRows + batch) * stackedWidth + stepRows * (gateWidth + 2 * hidden)
      + batch * outputSteps * (outputWidth + hidden) + 2 * batch * hidden
  }

  /// θ₀ from `source`: every weight of W uniform on ±1/√(D + H), the fan-in
  /// of a gate pre-activation; W_out uniform on ±1/√H; b = 0 except the
  /// forget block, 1; b_out = 0.
  ///
  /// Why: 1/√fan-in keeps the pre-activations of order one (the gates
  /// neither saturate nor sit at exactly ½), uniform rather than Gaussian
  /// bounds every weight, and a forget bias of 1 (Gers et al. 2000;
  /// Jozefowicz et al. 2015) starts the cell close to remembering (f ≈ 0.73),
  /// so gradients reach the early steps the copy must recall. The read-out's
  /// logits start small, outputs near ½: the loss starts near O·ln 2 per
  /// output step.
  func initialParameters(from source: inout RandomSource) -> [Float] {
    var theta = [Float](repeating: 0, count: parameterCount)
    let gateScale = 1 / Float(stackedWidth).squareRoot()
    for k in 0..<biasOffset { theta[k] = source.uniform(-gateScale, gateScale) }
    for k in 0..<hidden { theta[biasOffset + hidden + k] = 1 }
    let readoutScale = 1 / Float(hidden).squareRoot()
    for k in readoutOffset..<readoutBiasOffset { theta[k] = source.uniform(-readoutScale, readoutScale) }
    return theta
  }

  /// The buffers of one evaluation, carved from one block of
  /// ``SequenceLSTM/workspaceCount(batch:steps:outputSteps:)`` floats.
  struct Workspace {
    /// (steps + 1) blocks of B rows `[x_t, h_{t−1}]`, D + H wide: the caller
    /// writes x_t into the first D columns of block t (t < steps); the
    /// forward pass writes h_t into the last H columns of block t + 1.
    let stacked: UnsafeMutablePointer<Float>
    /// Per step, B × 4H: the gate pre-activations, then their activations
    /// (i, f, g, o), then ∂ℓ/∂a_t in the backward pass.
    let gates: UnsafeMutablePointer<Float>
    /// Per step, B × H: c_t and tanh(c_t).
    let cells: UnsafeMutablePointer<Float>
    let cellTanh: UnsafeMutablePointer<Float>
    /// Per output step, B × O: the logits, then ∂ℓ/∂z.
    let logits: UnsafeMutablePointer<Float>
    /// Per output step, B × H: ∂ℓ/∂h_t through the read-out.
    let readoutDelta: UnsafeMutablePointer<Float>
    /// B × H each: ∂ℓ/∂h_t and ∂ℓ/∂c_t of the step being back-propagated.
    let hiddenDelta: UnsafeMutablePointer<Float>
    let cellDelta: UnsafeMutablePointer<Float>

    init(_ base: UnsafeMutablePointer<Float>, network: SequenceLSTM, batch: Int, steps: Int, outputSteps: Int) {
      let stepRows = batch * steps
      stacked = base
      gates = stacked + (stepRows + batch) * network.stackedWidth
      cells = gates + stepRows * network.gateWidth
      cellTanh = cells + stepRows * network.hidden
      logits = cellTanh + stepRows * network.hidden
      readoutDelta = logits + batch * outputSteps * network.outputWidth
      hiddenDelta = readoutDelta + batch * outputSteps * network.hidden
      cellDelta = hiddenDelta + batch * network.hidden
    }

    /// Row `row` of block `step` of ``stacked``, D + H wide.
    func stackedRow(step: Int, row: Int, batch: Int, network: SequenceLSTM) -> UnsafeMutablePointer<Float> {
      stacked + (step * batch + row) * network.stackedWidth
    }
  }

  /// The loss ℓ of `batch` sequences of `steps` steps whose inputs the
  /// caller has written into `workspace.stacked`, and — when `gradient` is
  /// non-nil — ∇θ ℓ written into it.
  ///
  /// The target of output step k (global step steps − outputSteps + k) and
  /// row r is the O floats at `targets + (k·batch + r)·targetStride`.
  /// Nothing is allocated.
  func evaluate(
    theta: UnsafePointer<Float>, workspace w: Workspace, batch: Int, steps: Int, outputSteps: Int,
    targets: UnsafePointer<Float>, targetStride: Int, gradient: UnsafeMutablePointer<Float>?
  ) -> Float {
    precondition(steps >= 1 && outputSteps >= 1 && outputSteps <= steps && batch >= 1)
    let (d, h, g4, s, o) = (inputWidth, hidden, gateWidth, stackedWidth, outputWidth)
    let bias = theta + biasOffset

    // Forward. h_{−1} = 0: the hidden columns of block 0.
    for r in 0..<batch { (w.stacked + r * s + d).update(repeating: 0, count: h) }
    for t in 0..<steps {
      let rows = w.stacked + t * batch * s
      let a = w.gates + t * batch * g4
      for r in 0..<batch { (a + r * g4).update(from: bias, count: g4) }
      BLAS.gemm(m: batch, n: g4, k: s, a: rows, b: theta, beta: 1, c: a)
      for r in 0..<batch {
        let gate = a + r * g4
        let (input, forget, cellInput, output) = (gate, gate + h, gate + 2 * h, gate + 3 * h)
        let c = w.cells + (t * batch + r) * h
        let tanhC = w.cellTanh + (t * batch + r) * h
        let next = rows + (batch + r) * s + d  // h_t, in block t + 1
        if t == 0 {
          for j in 0..<h {
            let (i, gg, oo) = (Self.sigmoid(input[j]), FastMath.tanh(cellInput[j]), Self.sigmoid(output[j]))
            input[j] = i
            forget[j] = Self.sigmoid(forget[j])
            cellInput[j] = gg
            output[j] = oo
            c[j] = i * gg
            tanhC[j] = FastMath.tanh(c[j])
            next[j] = oo * tanhC[j]
          }
        } else {
          let previous = c - batch * h
          for j in 0..<h {
            let (i, f) = (Self.sigmoid(input[j]), Self.sigmoid(forget[j]))
            let (gg, oo) = (FastMath.tanh(cellInput[j]), Self.sigmoid(output[j]))
            input[j] = i
            forget[j] = f
            cellInput[j] = gg
            output[j] = oo
            c[j] = f * previous[j] + i * gg
            tanhC[j] = FastMath.tanh(c[j])
            next[j] = oo * tanhC[j]
          }
        }
      }
    }

    // Read-out on the output steps, all in one product: their hidden states
    // are consecutive rows (stride D + H) of blocks steps − outputSteps + 1 ….
    let firstOutput = steps - outputSteps
    let outputRows = batch * outputSteps
    let readoutInput = w.stacked + (firstOutput + 1) * batch * s + d
    let readout = theta + readoutOffset
    for r in 0..<outputRows { (w.logits + r * o).update(from: theta + readoutBiasOffset, count: o) }
    BLAS.gemm(m: outputRows, n: o, k: h, a: readoutInput, lda: s, b: readout, beta: 1, c: w.logits)

    // The cross-entropy; with a gradient, the logits become ∂ℓ/∂z in place.
    var lossSum: Double = 0
    let inverseBatch = 1 / Float(batch)
    for k in 0..<outputSteps {
      for r in 0..<batch {
        let z = w.logits + (k * batch + r) * o
        let y = targets + (k * batch + r) * targetStride
        var rowLoss: Float = 0
        for j in 0..<o {
          let e = Libm.exp(-abs(z[j]))
          rowLoss += max(z[j], 0) - y[j] * z[j] + Libm.log1p(e)
          if gradient != nil { z[j] = ((z[j] >= 0 ? 1 : e) / (1 + e) - y[j]) * inverseBatch }
        }
        lossSum += Double(rowLoss)
      }
    }
    let loss = Float(lossSum / Double(batch))
    guard let gradient else { return loss }

    // Read-out gradients: ∇W_out = Hᵀ·∂z, ∇b_out = Σ_rows ∂z, ∂h = ∂z·W_outᵀ.
    BLAS.gemm(
      .transposed, .none, m: h, n: o, k: outputRows, a: readoutInput, lda: s, b: w.logits,
      c: gradient + readoutOffset)
    Self.columnSums(w.logits, rows: outputRows, columns: o, into: gradient + readoutBiasOffset)
    BLAS.gemm(.none, .transposed, m: outputRows, n: h, k: o, a: w.logits, b: readout, c: w.readoutDelta)

    // Back-propagation through time. At step t, with ∂h = ∂ℓ/∂h_t and
    // ∂c = ∂ℓ/∂c_t (its part through c_{t+1} carried in cellDelta):
    //   ∂c += ∂h ⊙ o ⊙ (1 − tanh²c_t)
    //   ∂a_o = ∂h ⊙ tanh c_t ⊙ o(1 − o)     ∂a_i = ∂c ⊙ g ⊙ i(1 − i)
    //   ∂a_g = ∂c ⊙ i ⊙ (1 − g²)            ∂a_f = ∂c ⊙ c_{t−1} ⊙ f(1 − f)
    //   ∂c_{t−1} = ∂c ⊙ f                    ∂h_{t−1} = ∂a_t · W_hᵀ
    // ∂a_t overwrites the gates of step t (read only at step t).
    w.cellDelta.update(repeating: 0, count: batch * h)
    let recurrent = theta + d * g4  // W_h, H × 4H
    for t in stride(from: steps - 1, through: 0, by: -1) {
      if t == steps - 1 {
        w.hiddenDelta.update(repeating: 0, count: batch * h)
      } else {
        BLAS.gemm(
          .none, .transposed, m: batch, n: h, k: g4, a: w.gates + (t + 1) * batch * g4, b: recurrent,
          c: w.hiddenDelta)
      }
      if t >= firstOutput {
        let fromReadout = w.readoutDelta + (t - firstOutput) * batch * h
        for k in 0..<(batch * h) { w.hiddenDelta[k] += fromReadout[k] }
      }
      for r in 0..<batch {
        let gate = w.gates + (t * batch + r) * g4
        let (input, forget, cellInput, output) = (gate, gate + h, gate + 2 * h, gate + 3 * h)
        let tanhC = w.cellTanh + (t * batch + r) * h
        let dh = w.hiddenDelta + r * h
        let dc = w.cellDelta + r * h
        if t == 0 {
          // c_{−1} = 0, so ∂a_f = 0.
          for j in 0..<h {
            let (i, f, gg, oo, tc) = (input[j], forget[j], cellInput[j], output[j], tanhC[j])
            let cellGradient = dc[j] + dh[j] * oo * (1 - tc * tc)
            input[j] = cellGradient * gg * i * (1 - i)
            forget[j] = 0
            cellInput[j] = cellGradient * i * (1 - gg * gg)
            output[j] = dh[j] * tc * oo * (1 - oo)
            dc[j] = cellGradient * f
          }
        } else {
          let previous = w.cells + ((t - 1) * batch + r) * h
          for j in 0..<h {
            let (i, f, gg, oo, tc) = (input[j], forget[j], cellInput[j], output[j], tanhC[j])
            let cellGradient = dc[j] + dh[j] * oo * (1 - tc * tc)
            input[j] = cellGradient * gg * i * (1 - i)
            forget[j] = cellGradient * previous[j] * f * (1 - f)
            cellInput[j] = cellGradient * i * (1 - gg * gg)
            output[j] = dh[j] * tc * oo * (1 - oo)
            dc[j] = cellGradient * f
          }
        }
      }
    }
    // ∇W = Σ_t [x_t, h_{t−1}]ᵀ·∂a_t in one product over every step's rows
    // (blocks 0 … steps − 1 and the gate deltas are both contiguous), ∇b = Σ ∂a.
    BLAS.gemm(.transposed, .none, m: s, n: g4, k: steps * batch, a: w.stacked, b: w.gates, c: gradient)
    Self.columnSums(w.gates, rows: steps * batch, columns: g4, into: gradient + biasOffset)
    return loss
  }

  /// σ(x) = 1/(1 + e^{−x}); e^{−x} overflows to +∞ for x < −88, which gives
  /// the correct limit 0. The cell's σ and tanh are ``Libm/FastMath``'s
  /// branch-free forms (relative error ≈ 2·10⁻⁷, as the C library's to a few
  /// ulp): the C library's scalar calls took half of a forward + backward.
  @inline(__always)
  static func sigmoid(_ x: Float) -> Float { 1 / (1 + FastMath.exp(-x)) }

  /// out[j] = Σ_r m[r, j] for a row-major `rows × columns` matrix.
  static func columnSums(
    _ matrix: UnsafePointer<Float>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Float>
  ) {
    out.update(repeating: 0, count: columns)
    for r in 0..<rows {
      let row = matrix + r * columns
      for j in 0..<columns { out[j] += row[j] }
    }
  }
}

import Autodiff
import LinearAlgebra

/// A differentiable neural computer (Graves et al. 2016) over a batch of
/// sequences, each with its own memory, as a flat parameter vector θ whose
/// loss is recorded on a reverse-mode ``Tape`` with the project's DNC
/// operations (`Tape+DNC.swift`: content addressing, usage, allocation,
/// write weights, erase/write, temporal links, precedence, read weights,
/// read words): the optimizee of `dnc-copy`.
///
/// **One step**, for B sequences with D inputs, an LSTM controller of H
/// units, N memory slots of W words, R read heads and O outputs
/// (docs/deep-networks.md; the operations in docs/dnc-optimizer.md):
///
///     (h_t, c_t) = LSTM([x_t, r_{t−1}], h_{t−1}, c_{t−1})       controller
///     ξ_t = h_t·W_ξ + b_ξ                                          interface, B × I
///     u_t = (u + w^w − u⊙w^w) ⊙ Π_j (1 − f_j w^{r,j})             usage (previous weights)
///     a_t = allocation(u_t)                                          free slots, least used first
///     w^w = g^w [g^a a_t + (1 − g^a) C(M_{t−1}, k^w, β^w)]           write weights
///     M_t = M_{t−1} ⊙ (1 − w^w eᵀ) + w^w vᵀ                          erase, then write
///     L_t = links(L_{t−1}, p_{t−1}, w^w),  p_t = (1 − Σw^w) p_{t−1} + w^w
///     w^{r,j} = π_b w^{r,j}_{t−1} L_t + π_f w^{r,j}_{t−1} L_tᵀ + π_c C(M_t, k^{r,j}, β^{r,j})   read weights
///     r_t = w^r M_t                                                   read words, R·W
///     z_t = [h_t, r_t]·W_y + b_y                                      logits, B × O
///
/// from zero state (h, c, M, u, L, p, w^w, w^r, r all 0). The interface
/// ξ (I = RW + 3W + 5R + 3, the paper's size) is, column blocks in order:
/// read keys k^r (R·W), read strengths β^r (R, oneplus), read modes π
/// (3 per head, softmax, order [backward, forward, content] as
/// ``Tape/dncReadWeights(previous:link:modes:content:)`` takes them), write
/// key k^w (W), write strength β^w (1, oneplus), erase e (W, σ), write
/// vector v (W, raw), free gates f (R, σ), allocation gate g^a (1, σ), write
/// gate g^w (1, σ). oneplus(x) = 1 + softplus(x) keeps strengths ≥ 1.
///
/// **Loss**, on the last `outputSteps` steps only, as `lstm-copy`'s:
/// ℓ = (1/B) Σ_sequences Σ_steps Σ_bits softplus(z) − y·z, the sigmoid
/// cross-entropy (natural log: nats per sequence).
///
/// **Gradients** are exact: the tape runs backward through every step, and
/// usage passes the write weights' gradient too
/// (`stopWriteGradient: false`). DeepMind's DNC stops it (usage only books
/// which slots were written); here the contract of a ``Problem`` is ∇ of
/// its loss, which finite differences check. The allocation's sort
/// permutation is a constant of the backward pass, as in every DNC: the
/// function is piecewise smooth, and exact wherever usages do not tie.
///
/// **θ layout** (``Block``, row-major, a batch of rows maps as A·W):
/// W_x ((D + RW) × 4H, the rows of x_t then of r_{t−1}), W_h (H × 4H), b
/// (4H; gate blocks [i | f | g | o] in each as in ``LSTMCell``), W_ξ (H × I),
/// b_ξ (I), W_y ((H + RW) × O, the rows of h_t then of r_t), b_y (O).
struct DNCCopyNetwork: Sendable, Hashable {
  /// D, the input width.
  let inputWidth: Int
  /// H, the controller's LSTM units.
  let hidden: Int
  /// N, memory slots.
  let slots: Int
  /// W, the word size.
  let wordSize: Int
  /// R, read heads.
  let readHeads: Int
  /// O, the read-out width.
  let outputWidth: Int

  init(inputWidth: Int, hidden: Int, slots: Int, wordSize: Int, readHeads: Int, outputWidth: Int) {
    precondition(
      inputWidth >= 1 && hidden >= 1 && slots >= 1 && wordSize >= 1 && readHeads >= 1 && outputWidth >= 1)
    self.inputWidth = inputWidth
    self.hidden = hidden
    self.slots = slots
    self.wordSize = wordSize
    self.readHeads = readHeads
    self.outputWidth = outputWidth
  }

  /// R·W, the read words of one step.
  var readWidth: Int { readHeads * wordSize }
  /// D + RW, the controller's input [x_t, r_{t−1}].
  var controllerInputWidth: Int { inputWidth + readWidth }
  /// 4H.
  var gateWidth: Int { 4 * hidden }
  /// I = RW + 3W + 5R + 3.
  var interfaceWidth: Int { readWidth + 3 * wordSize + 5 * readHeads + 3 }

  /// The column blocks of the interface ξ, in order (see the type's doc).
  enum Field: Int, CaseIterable {
    case readKeys, readStrengths, readModes, writeKey, writeStrength, erase, writeVector, freeGates
    case allocationGate, writeGate
  }

  /// The columns of `field` in ξ.
  func columns(of field: Field) -> Range<Int> {
    var start = 0
    for f in Field.allCases {
      let width = self.width(of: f)
      if f == field { return start..<(start + width) }
      start += width
    }
    preconditionFailure("unreachable")
  }

  private func width(of field: Field) -> Int {
    switch field {
    case .readKeys: return readWidth
    case .readStrengths, .freeGates: return readHeads
    case .readModes: return 3 * readHeads
    case .writeKey, .erase, .writeVector: return wordSize
    case .writeStrength, .allocationGate, .writeGate: return 1
    }
  }

  /// The blocks of θ, in order.
  enum Block: Int, CaseIterable {
    case controllerInput, controllerHidden, controllerBias, interface, interfaceBias, readout, readoutBias
  }

  /// The shape of `block`.
  func shape(of block: Block) -> Shape {
    switch block {
    case .controllerInput: return .matrix(controllerInputWidth, gateWidth)
    case .controllerHidden: return .matrix(hidden, gateWidth)
    case .controllerBias: return .vector(gateWidth)
    case .interface: return .matrix(hidden, interfaceWidth)
    case .interfaceBias: return .vector(interfaceWidth)
    case .readout: return .matrix(hidden + readWidth, outputWidth)
    case .readoutBias: return .vector(outputWidth)
    }
  }

  /// Where `block` lies in θ.
  func range(of block: Block) -> Range<Int> {
    var start = 0
    for b in Block.allCases {
      let count = shape(of: b).count
      if b == block { return start..<(start + count) }
      start += count
    }
    preconditionFailure("unreachable")
  }

  /// n = (D + RW + H + 1)·4H + (H + 1)·I + (H + RW + 1)·O.
  var parameterCount: Int { range(of: .readoutBias).upperBound }

  /// θ₀ from `source`: the controller's weights uniform on ±1/√(D + RW + H)
  /// (the fan-in of a gate), b = 0 except the forget block, 1; W_ξ uniform
  /// on ±1/√H, b_ξ = 0; W_y uniform on ±1/√(H + RW), b_y = 0.
  ///
  /// Why, as for ``SequenceLSTM``: 1/√fan-in keeps pre-activations of order
  /// one, uniform bounds every weight, and the forget bias of 1 starts the
  /// controller close to remembering. b_ξ = 0 starts every gate of the
  /// memory at ½ (write, allocation, free, erase) and every strength at
  /// 1 + ln 2: neither committed to writing nor to reading by content. The
  /// logits start small, so the loss starts near O·ln 2 per output step.
  func initialParameters(from source: inout RandomSource) -> [Float] {
    var theta = [Float](repeating: 0, count: parameterCount)
    func uniform(_ block: Block, bound: Float) {
      for k in range(of: block) { theta[k] = source.uniform(-bound, bound) }
    }
    let controllerBound = 1 / Float(controllerInputWidth + hidden).squareRoot()
    uniform(.controllerInput, bound: controllerBound)
    uniform(.controllerHidden, bound: controllerBound)
    let bias = range(of: .controllerBias).lowerBound
    for j in LSTMCell.columns(of: .forget, hiddenSize: hidden) { theta[bias + j] = 1 }
    uniform(.interface, bound: 1 / Float(hidden).squareRoot())
    uniform(.readout, bound: 1 / Float(hidden + readWidth).squareRoot())
    return theta
  }

  /// θ's blocks as differentiable leaves of one recording.
  struct Parameters<Scalar: TensorScalar> {
    let controllerInput, controllerHidden, controllerBias: Variable<Scalar>
    let interface, interfaceBias, readout, readoutBias: Variable<Scalar>

    /// The leaf of `block`.
    func leaf(_ block: Block) -> Variable<Scalar> {
      switch block {
      case .controllerInput: return controllerInput
      case .controllerHidden: return controllerHidden
      case .controllerBias: return controllerBias
      case .interface: return interface
      case .interfaceBias: return interfaceBias
      case .readout: return readout
      case .readoutBias: return readoutBias
      }
    }
  }

  /// θ's blocks copied into differentiable leaves of `tape`.
  func parameters<Scalar: TensorScalar>(
    on tape: Tape<Scalar>, theta: UnsafePointer<Scalar>
  ) -> Parameters<Scalar> {
    func leaf(_ block: Block) -> Variable<Scalar> {
      let range = range(of: block)
      return tape.leaf(shape: shape(of: block), differentiable: true) { values in
        values.baseAddress?.update(from: theta + range.lowerBound, count: range.count)
      }
    }
    return Parameters(
      controllerInput: leaf(.controllerInput), controllerHidden: leaf(.controllerHidden),
      controllerBias: leaf(.controllerBias), interface: leaf(.interface), interfaceBias: leaf(.interfaceBias),
      readout: leaf(.readout), readoutBias: leaf(.readoutBias))
  }

  /// Copies ∂ℓ/∂θ, block by block, out of `tape` after its backward pass.
  func gradient<Scalar: TensorScalar>(
    of parameters: Parameters<Scalar>, on tape: Tape<Scalar>, into gradient: UnsafeMutablePointer<Scalar>
  ) {
    for block in Block.allCases {
      let start = range(of: block).lowerBound
      tape.withGradient(of: parameters.leaf(block)) { values in
        guard let base = values.baseAddress else { return }
        (gradient + start).update(from: base, count: values.count)
      }
    }
  }

  /// Records the loss of `batch` copy-task sequences of `length` vectors
  /// on `tape` (which the caller has reset) and returns it with θ's
  /// leaves: ``CopyTask/steps(length:)`` steps, the last `length` read
  /// out against the sequence.
  ///
  /// `bits` holds the sequence, length·batch·O values (0 or 1) in the order
  /// they were drawn: step by step, sequence by sequence, bit by bit. Input
  /// step t < length is those bits with delimiter 0, step `length` is the
  /// delimiter alone, the rest are zero; output step k targets input step k.
  func recordLoss<Scalar: TensorScalar>(
    on t: Tape<Scalar>, theta: UnsafePointer<Scalar>, bits: UnsafePointer<Scalar>, batch: Int, length: Int
  ) -> (loss: Variable<Scalar>, parameters: Parameters<Scalar>) {
    precondition(batch >= 1 && length >= 1 && inputWidth == outputWidth + 1)
    let (h, n, w, r, d, o) = (hidden, slots, wordSize, readHeads, inputWidth, outputWidth)
    let φ = parameters(on: t, theta: theta)
    let one = t.constant(Scalar(1))
    func oneplus(_ x: Variable<Scalar>) -> Variable<Scalar> { t.add(t.softplus(x), one) }
    func zeros(_ shape: Shape) -> Variable<Scalar> {
      t.leaf(shape: shape, differentiable: false) { $0.update(repeating: 0) }
    }

    var hiddenState = zeros(.matrix(batch, h))
    var cell = zeros(.matrix(batch, h))
    var memory = zeros([batch, n, w])
    var usage = zeros(.matrix(batch, n))
    var link = zeros([batch, n, n])
    var precedence = zeros(.matrix(batch, n))
    var writeWeights = zeros(.matrix(batch, n))
    var readWeights = zeros([batch, r, n])
    var readWords = zeros(.matrix(batch, r * w))
    var total: Variable<Scalar>?

    for step in 0..<CopyTask.steps(length: length) {
      let input = t.leaf(shape: .matrix(batch, d), differentiable: false) { x in
        x.update(repeating: 0)
        guard let row = x.baseAddress else { return }
        for s in 0..<batch {
          if step < length {
            (row + s * d).update(from: bits + (step * batch + s) * o, count: o)
          } else if step == length {
            row[s * d + o] = 1
          }
        }
      }
      let controller = t.lstmCell(
        input: t.concatenate([input, readWords]), hidden: hiddenState, cell: cell,
        inputWeights: φ.controllerInput, hiddenWeights: φ.controllerHidden, bias: φ.controllerBias)
      hiddenState = controller.hidden
      cell = controller.cell

      let ξ = t.affine(controller.hidden, φ.interface, bias: φ.interfaceBias)
      func field(_ f: Field) -> Variable<Scalar> { t.slice(ξ, columns: columns(of: f)) }
      // Keys B × R·W are B × R × W memory-major already; modes B × 3R are
      // B·R rows of three.
      let readKeys = field(.readKeys)
      let readStrengths = oneplus(field(.readStrengths))
      let modes = t.softmax(t.reshape(field(.readModes), to: .matrix(batch * r, 3)))
      let writeKey = field(.writeKey)
      let writeStrength = oneplus(field(.writeStrength))
      let erase = t.sigmoid(field(.erase))
      let writeVector = field(.writeVector)
      let freeGates = t.sigmoid(field(.freeGates))
      let allocationGate = t.sigmoid(field(.allocationGate))
      let writeGate = t.sigmoid(field(.writeGate))

      // Usage from the previous step's weights, then allocation and writing.
      usage = t.dncUsage(
        usage: usage, previousWrite: writeWeights, freeGates: freeGates, previousReads: readWeights,
        stopWriteGradient: false)
      let allocation = t.dncAllocation(usage: usage)
      let writeContent = t.reshape(
        t.dncContentWeights(memory: memory, keys: writeKey, strengths: writeStrength), to: .matrix(batch, n))
      writeWeights = t.dncWriteWeights(
        allocation: allocation, content: writeContent, allocationGate: allocationGate, writeGate: writeGate)
      memory = t.dncEraseWrite(memory: memory, weights: writeWeights, erase: erase, values: writeVector)
      link = t.dncLink(link: link, precedence: precedence, weights: writeWeights)
      precedence = t.dncPrecedence(precedence: precedence, weights: writeWeights)

      // Reads: through the new links from the previous read weights, and by
      // content on the new memory.
      let content = t.dncContentWeights(memory: memory, keys: readKeys, strengths: readStrengths)
      readWeights = t.dncReadWeights(previous: readWeights, link: link, modes: modes, content: content)
      readWords = t.dncBatchedMatmul(readWeights, memory, shape: .matrix(batch, r * w))

      // Output step k = step − length − 1 reproduces input step k.
      guard step > length else { continue }
      let k = step - length - 1
      let logits = t.affine(t.concatenate([controller.hidden, readWords]), φ.readout, bias: φ.readoutBias)
      let target = t.leaf(shape: .matrix(batch, o), differentiable: false) { y in
        y.baseAddress?.update(from: bits + k * batch * o, count: batch * o)
      }
      let crossEntropy = t.sum(t.subtract(t.softplus(logits), t.multiply(target, logits)))
      total = total.map { t.add($0, crossEntropy) } ?? crossEntropy
    }
    // length ≥ 1: there is an output step.
    let loss = t.scale(total ?? t.constant(Scalar(0)), by: 1 / Scalar(batch))
    return (loss, φ)
  }
}

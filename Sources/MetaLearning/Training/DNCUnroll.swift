import Autodiff
import Evaluation
import Optimizers

/// The DNC optimizer's state on a tape: controller, memory and bookkeeping
/// as tape values (see ``DNCMemoryState`` for the shapes).
struct DNCGraphState<Scalar: TensorScalar> {
  var hidden, cell, memory, usage, link, precedence, writeWeights, readWeights, readWords: Variable<Scalar>

  /// The state's values as constants on `tape` (truncated BPTT: no gradient
  /// flows into the previous unroll).
  init(
    tape: Tape<Scalar>, _ s: DNCMemoryState<Scalar>, configuration c: DNCOptimizerConfiguration, batch: Int
  ) {
    let rows = s.hidden.count / c.hiddenSize
    let (n, w, r) = (c.memorySlots, c.wordSize, c.readHeads)
    func constant(_ shape: Shape, _ values: [Scalar]) -> Variable<Scalar> {
      tape.constant(Tensor(shape: shape, scalars: values))
    }
    hidden = constant(.matrix(rows, c.hiddenSize), s.hidden)
    cell = constant(.matrix(rows, c.hiddenSize), s.cell)
    memory = constant([batch, n, w], s.memory)
    usage = constant(.matrix(batch, n), s.usage)
    link = constant([batch, n, n], s.link)
    precedence = constant(.matrix(batch, n), s.precedence)
    writeWeights = constant(.matrix(batch, n), s.writeWeights)
    readWeights = constant([batch, rows / batch * r, n], s.readWeights)
    readWords = constant(.matrix(rows, r * w), s.readWords)
  }

  /// The values, to carry into the next unroll.
  func values(on tape: Tape<Scalar>, into s: inout DNCMemoryState<Scalar>) {
    func read(_ v: Variable<Scalar>) -> [Scalar] { tape.withValue(of: v) { Array($0) } }
    s.hidden = read(hidden)
    s.cell = read(cell)
    s.memory = read(memory)
    s.usage = read(usage)
    s.link = read(link)
    s.precedence = read(precedence)
    s.writeWeights = read(writeWeights)
    s.readWeights = read(readWeights)
    s.readWords = read(readWords)
  }
}

/// The DNC optimizer's weights φ on a tape, cut once per unroll into the
/// blocks one step uses.
///
/// The read interface's weight matrix H×R(W+4) stays whole: one affine map
/// gives each coordinate's keys, strength logits and mode logits, which
/// ``Tape/dncRead(memory:interface:readHeads:previous:link:)`` reads in
/// place (no slices of the per-coordinate tensors, the large ones on the
/// tape). The head's (H+RW)×1 column is split into its hidden and read-word
/// rows, so that the head is two products instead of materialising the
/// concatenation [h; r]; the cut weights are tiny. The function is
/// unchanged; gradients reach φ through the slices.
struct DNCGraphWeights<Scalar: TensorScalar> {
  var controllerInput, controllerHidden, controllerBias: Variable<Scalar>
  var readInterface, readInterfaceBias: Variable<Scalar>
  var write, writeBias: Variable<Scalar>
  var headHidden, headReads, headBias: Variable<Scalar>

  /// The blocks of `phi` (tensors in ``DNCOptimizerWeights/tensorLayout(_:)`` order).
  init(tape t: Tape<Scalar>, phi: [Variable<Scalar>], configuration c: DNCOptimizerConfiguration) {
    let (h, w, r, o) = (c.hiddenSize, c.wordSize, c.readHeads, c.update.outputCount)
    controllerInput = phi[0]
    controllerHidden = phi[1]
    controllerBias = phi[2]
    readInterface = phi[3]
    readInterfaceBias = phi[4]
    write = phi[5]
    writeBias = phi[6]
    // Rows 0..<H of the (H+RW)×o head take h, the rest the read words: as
    // an (H+RW)·o row, the first H·o values and the rest.
    let head = t.reshape(phi[7], to: .matrix(1, (h + r * w) * o))
    headHidden = t.reshape(t.slice(head, columns: 0..<(h * o)), to: .matrix(h, o))
    headReads = t.reshape(t.slice(head, columns: (h * o)..<((h + r * w) * o)), to: .matrix(r * w, o))
    headBias = phi[8]
  }
}

/// One step of the shared-memory coordinatewise DNC optimizer (design "S")
/// recorded on a tape, for B optimizees of n coordinates (rows = B·n).
///
/// Per coordinate: the LSTM controller reads [features; previous read
/// words], its state h_i drives R read heads (keys, oneplus strengths,
/// softmax modes [backward, forward, content]). Per optimizee: the mean
/// controller state h̄ drives one write head (key, strength, erase, write
/// vector, free gates, allocation and write gates). Usage uses the
/// coordinates' mean previous read weights. The head is
/// `w_oᵀ[h_i; r_i] + b_o` (o outputs per coordinate), which the update rule
/// turns into Δθ (`SecantGraph.delta`).
enum DNCCellGraph<Scalar: TensorScalar> {
  /// Records the step; returns the head (rows × o) and advances `state`.
  static func step(
    tape t: Tape<Scalar>, weights φ: DNCGraphWeights<Scalar>, configuration c: DNCOptimizerConfiguration,
    batch: Int, dimension: Int, features: Variable<Scalar>, state s: inout DNCGraphState<Scalar>,
    writtenWords: Variable<Scalar>? = nil, stopUsageGradient: Bool = true
  ) -> Variable<Scalar> {
    precondition(
      (writtenWords != nil) == (c.memoryContent != .learned),
      "DNCCellGraph: the written words are given exactly when the write vector is not learned")
    let (h, n, w, r) = (c.hiddenSize, c.memorySlots, c.wordSize, c.readHeads)
    let rows = batch * dimension
    let one = t.constant(Scalar(1))
    func oneplus(_ x: Variable<Scalar>) -> Variable<Scalar> { t.add(t.softplus(x), one) }
    func columns(_ x: Variable<Scalar>, _ lower: Int, _ count: Int) -> Variable<Scalar> {
      t.slice(x, columns: lower..<(lower + count))
    }

    let controller = t.lstmCell(
      input: t.concatenate([features, s.readWords]), hidden: s.hidden, cell: s.cell,
      inputWeights: φ.controllerInput, hiddenWeights: φ.controllerHidden, bias: φ.controllerBias)
    s.hidden = controller.hidden
    s.cell = controller.cell

    // Per-coordinate read interface (rows × R(W+4): keys, strength logits,
    // mode logits), one affine map; the fused read takes it as it is.
    let readInterface = t.affine(controller.hidden, φ.readInterface, bias: φ.readInterfaceBias)

    // Pooled write interface (B rows: small).
    let pooled = t.mean(t.reshape(controller.hidden, to: [batch, dimension, h]), axis: 1)
    let writeInterface = t.affine(pooled, φ.write, bias: φ.writeBias)
    let face = c.writeInterface
    let writeKey = columns(writeInterface, face.key, w)
    let writeStrength = oneplus(columns(writeInterface, face.strength, 1))
    let erase = t.sigmoid(columns(writeInterface, face.erase, w))
    let writeVector = writtenWords ?? columns(writeInterface, face.vector, w)
    let freeGates = t.sigmoid(columns(writeInterface, face.freeGates, r))
    let allocationGate = t.reshape(t.sigmoid(columns(writeInterface, face.allocationGate, 1)), to: .vector(batch))
    let writeGate = t.reshape(t.sigmoid(columns(writeInterface, face.writeGate, 1)), to: .vector(batch))

    // Usage from the previous step's weights, then allocation and writing.
    let meanReads = t.mean(t.reshape(s.readWeights, to: [batch, dimension, r, n]), axis: 1)
    s.usage = t.dncUsage(
      usage: s.usage, previousWrite: s.writeWeights, freeGates: freeGates, previousReads: meanReads,
      stopWriteGradient: stopUsageGradient)
    let allocation = t.dncAllocation(usage: s.usage)
    let writeContent = t.reshape(
      t.dncContentWeights(memory: s.memory, keys: writeKey, strengths: writeStrength), to: .matrix(batch, n))
    let writeWeights = t.dncWriteWeights(
      allocation: allocation, content: writeContent, allocationGate: allocationGate, writeGate: writeGate)
    s.memory = t.dncEraseWrite(memory: s.memory, weights: writeWeights, erase: erase, values: writeVector)
    s.link = t.dncLink(link: s.link, precedence: s.precedence, weights: writeWeights)
    s.precedence = t.dncPrecedence(precedence: s.precedence, weights: writeWeights)
    s.writeWeights = writeWeights

    // Reads: oneplus strengths, softmax modes, content on the new memory
    // and directional through the new links from the previous read weights,
    // one fused operation (w·L, w·Lᵀ and the content weights never reach
    // the tape).
    s.readWeights = t.dncRead(
      memory: s.memory, interface: readInterface, readHeads: r, previous: s.readWeights, link: s.link)
    s.readWords = t.dncBatchedMatmul(s.readWeights, s.memory, shape: .matrix(rows, r * w))

    // The head w_oᵀ[h; r] + b_o as two products, without the concatenation.
    return t.add(
      t.affine(controller.hidden, φ.headHidden, bias: φ.headBias), t.matmul(s.readWords, φ.headReads))
  }
}

/// What one DNC unroll hands to the next on the same batch: the
/// architecture-independent part (θ, gradient, preprocessing, losses,
/// episode position) and the DNC's state.
public struct DNCUnrollState<Scalar: TensorScalar>: Sendable {
  /// θ, ∇f, preprocessing, losses and step (its LSTM fields unused).
  public var base: UnrollState<Scalar>
  /// Controller, memory and bookkeeping.
  public var memory: DNCMemoryState<Scalar>

  /// A state from its parts.
  public init(base: UnrollState<Scalar>, memory: DNCMemoryState<Scalar>) {
    self.base = base
    self.memory = memory
  }

  /// The state at the start of an episode: θ₀ given, the DNC state zero,
  /// the gradient and losses evaluated at θ₀.
  public init<Oracle: BatchLossOracle>(
    initialTheta: [Scalar], configuration: DNCOptimizerConfiguration, oracle: inout Oracle
  ) where Oracle.Scalar == Scalar {
    base = UnrollState(
      initialTheta: initialTheta,
      configuration: LSTMOptimizerConfiguration(
        layers: 0, hiddenSize: 0, preprocessing: configuration.preprocessing,
        outputScale: configuration.outputScale, update: configuration.update),
      oracle: &oracle)
    memory = DNCMemoryState(configuration: configuration, batch: oracle.batch, dimension: oracle.dimension)
  }
}

/// One truncated unroll of the DNC optimizer on a tape, the counterpart of
/// ``LSTMUnroll``: K steps of `θ_{t+1} = prox(θ_t + Δθ_t)` on a batch (Δθ by
/// the configuration's update rule, the prox at the rule's steps), the same
/// loss and meta-objective nodes, and ∂meta-loss/∂φ.
public enum DNCUnroll<Scalar: TensorScalar> {
  public typealias Outcome = LSTMUnroll<Scalar>.Outcome

  /// Runs `steps` steps from `state`, advancing it, and differentiates.
  /// `replayFeatures`, `recordFeatures` and `replayStepInputs` as in
  /// ``LSTMUnroll/run``; `replayWrittenWords` holds the secant memory's
  /// words of each step as `replayFeatures` holds the features.
  /// `stopUsageGradient` (true in training, as in DeepMind's code) stops the
  /// write weights' gradient through usage; a gradient check turns it off so
  /// finite differences and the tape differentiate the same function.
  public static func run<Oracle: BatchLossOracle>(
    tape: Tape<Scalar>, configuration: DNCOptimizerConfiguration, weights: [Scalar],
    objective: MetaObjective, steps: Int, state: inout DNCUnrollState<Scalar>, oracle: inout Oracle,
    replayFeatures: [[Scalar]]? = nil, recordFeatures: Bool = false, replayStepInputs: [[Scalar]]? = nil,
    replayWrittenWords: [[Scalar]]? = nil, stopUsageGradient: Bool = true
  ) -> Outcome where Oracle.Scalar == Scalar {
    tape.reset()
    let batch = oracle.batch
    let n = oracle.dimension
    let rows = batch * n
    let layout = DNCOptimizerWeights.tensorLayout(configuration)
    let phi = layout.map { slot in
      tape.variable(Tensor(shape: Shape(slot.shape), scalars: Array(weights[slot.range])))
    }
    var theta = tape.constant(Tensor(shape: .matrix(rows, 1), scalars: state.base.theta))
    let blocks = DNCGraphWeights(tape: tape, phi: phi, configuration: configuration)
    var graph = DNCGraphState(tape: tape, state.memory, configuration: configuration, batch: batch)
    var lossNodes: [Variable<Scalar>] = []
    var imitationNodes: [Variable<Scalar>] = []
    var imitationLoss = 0.0
    var recorded: [[Scalar]] = []
    var recordedStepInputs: [[Scalar]]? = recordFeatures ? [] : nil
    var secant = SecantGraph(
      tape: tape, rows: rows, dimension: n, state: state.base.secant, penalty: oracle.penalty(0))
    var featureScratch = [Float](repeating: 0, count: rows * configuration.featureCount)
    var gradientScratch = [Float](repeating: 0, count: rows)
    var wordScratch = [Scalar](repeating: 0, count: batch * configuration.wordSize)
    var recordedWords: [[Scalar]] = []

    for t in 0..<steps {
      let x = UnrollGraph.features(
        tape: tape, rows: rows, inputSize: configuration.featureCount, step: t, replay: replayFeatures,
        gradient: state.base.gradient, preprocessing: &state.base.preprocessing,
        featureScratch: &featureScratch, gradientScratch: &gradientScratch)
      if recordFeatures { recorded.append(tape.withValue(of: x) { Array($0) }) }
      // The words advance the secant history even when a gradient check
      // replays recorded ones, so the state carried on is the same.
      var written = secantWords(tape: tape, theta: theta, state: &state, words: &wordScratch)
      if let replay = replayWrittenWords, written != nil {
        written = tape.constant(Tensor(shape: .matrix(batch, configuration.wordSize), scalars: replay[t]))
      }
      if recordFeatures, let written { recordedWords.append(tape.withValue(of: written) { Array($0) }) }
      let head = DNCCellGraph.step(
        tape: tape, weights: blocks, configuration: configuration, batch: batch, dimension: n, features: x,
        state: &graph, writtenWords: written, stopUsageGradient: stopUsageGradient)
      let (delta, proximalSteps) = secant.delta(
        head: head, outputScale: configuration.outputScale, theta: theta, gradient: state.base.gradient, step: t,
        replay: replayStepInputs, recorded: &recordedStepInputs)
      if var trace = state.base.imitation {
        var value = 0.0
        imitationNodes.append(
          UnrollGraph.imitation(tape: tape, delta: delta, gradient: state.base.gradient, trace: &trace, value: &value))
        imitationLoss += value
        state.base.imitation = trace
      }
      theta = UnrollGraph.update(
        tape: tape, theta: theta, delta: delta, oracle: oracle, defaultStep: Double(configuration.outputScale),
        steps: proximalSteps)
      lossNodes.append(
        UnrollGraph.losses(
          tape: tape, theta: theta, oracle: &oracle, losses: &state.base.losses,
          gradient: &state.base.gradient))
    }

    var metaLoss = 0.0
    let objectiveNode = UnrollGraph.objective(
      tape: tape, lossNodes: lossNodes, objective: objective, batch: batch,
      optima: (0..<batch).map { oracle.optimum($0) }, initialErrors: state.base.initialErrors,
      firstStep: state.base.step + 1, metaLoss: &metaLoss)
    tape.backward(from: UnrollGraph.total(tape: tape, objective: objectiveNode, imitation: imitationNodes))
    metaLoss += imitationLoss
    let gradient = UnrollGraph.flatGradient(tape: tape, phi: phi, slots: layout, count: weights.count)
    state.base.theta = tape.withValue(of: theta) { Array($0) }
    graph.values(on: tape, into: &state.memory)
    state.base.step += steps
    state.base.secant = secant.state
    return Outcome(
      metaLoss: metaLoss, gradient: gradient, features: recorded, stepInputs: recordedStepInputs ?? [],
      writtenWords: recordedWords)
  }

  /// Under ``DNCMemoryContent/secant``: this step's words (B × 8) from θ_t,
  /// g_t and the previous pair, as a constant (second derivatives dropped);
  /// nil when the write vector is learned.
  private static func secantWords(
    tape: Tape<Scalar>, theta: Variable<Scalar>, state: inout DNCUnrollState<Scalar>, words: inout [Scalar]
  ) -> Variable<Scalar>? {
    guard var writer = state.memory.secantWords else { return nil }
    state.memory.secantWords = nil  // uniquely referenced: no copy of its buffers
    tape.withValue(of: theta) { values in
      state.base.gradient.withUnsafeBufferPointer { gradient in
        words.withUnsafeMutableBufferPointer { writer.write(theta: values, gradient: gradient, into: $0) }
      }
    }
    state.memory.secantWords = writer
    return tape.constant(Tensor(shape: .matrix(writer.groups, SecantMemoryWords<Scalar>.wordSize), scalars: words))
  }
}

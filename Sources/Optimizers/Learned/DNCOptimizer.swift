import Autodiff
import LinearAlgebra
import Optimizees

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The learned shared-memory coordinatewise DNC optimizer as it runs in a
/// race: forward only, no tape, every coordinate one row of a batch and one
/// memory for the whole optimizee (design "S", docs/dnc-optimizer.md).
///
/// Runs the same kernels as the tape (``DNCKernels``, ``LSTMCell``), in
/// the order of `DNCCellGraph`. State and scratch live in one array laid out
/// at `init`; `step` allocates nothing.
public struct DNCOptimizer: Optimizer {
  public var name: String
  public let weights: DNCOptimizerWeights
  private var preprocessing: PreprocessingState
  private let dimension: Int
  private let layout: Layout
  private var storage: [Float]
  /// Where each tensor of φ starts in `weights.values` (layout order).
  private let offsets: [Int]
  /// The secant rules' step sizes, history and prox steps (nil under the
  /// additive rule).
  private var secant: SecantUpdate?
  /// Under ``DNCMemoryContent/secant``: the previous θ and g, from which
  /// each step's word is written (nil when the write vector is learned).
  private var secantWords: SecantMemoryWords<Float>?
  /// The memory ablation: the read words are held at zero, so the memory
  /// is written but never read and the controller and head see only the
  /// gradient features. Racing an optimizer this way next to the intact
  /// one measures what its memory adds (`mnemo race --ablate-memory`).
  public let silencesReads: Bool

  /// Offsets of every buffer in `storage`.
  private struct Layout: Sendable {
    var hidden = 0, cell = 0, memory = 0, usage = 0, link = 0, precedence = 0, write = 0
    var reads = 0, words = 0, features = 0, input = 0, workspace = 0, readInterface = 0, keys = 0
    var strengths = 0, modes = 0, pooled = 0, writeInterface = 0, meanReads = 0, allocation = 0
    var permutation = 0, sorted = 0, products = 0, writeContent = 0, memoryNorms = 0, keyNorms = 0
    var similarity = 0, scratchMemory = 0, scratchLink = 0, scratchVector = 0, scratchReads = 0
    var content = 0, headInput = 0, head = 0, writeStrength = 0, allocationGate = 0, writeGate = 0
    var written = 0, count = 0

    init(_ c: DNCOptimizerConfiguration, n: Int) {
      let (h, slots, w, r) = (c.hiddenSize, c.memorySlots, c.wordSize, c.readHeads)
      let heads = n * r
      func take(_ size: Int) -> Int {
        defer { count += size }
        return count
      }
      hidden = take(n * h)
      cell = take(n * h)
      memory = take(slots * w)
      usage = take(slots)
      link = take(slots * slots)
      precedence = take(slots)
      write = take(slots)
      reads = take(heads * slots)
      words = take(n * r * w)
      features = take(n * c.featureCount)
      input = take(n * c.controllerInputSize)
      workspace = take(LSTMCell.workspaceCount(batch: n, inputSize: c.controllerInputSize, hiddenSize: h))
      readInterface = take(n * c.readInterfaceSize)
      keys = take(heads * w)
      strengths = take(heads)
      modes = take(heads * 3)
      pooled = take(h)
      writeInterface = take(c.writeInterfaceSize)
      writeStrength = take(1)
      allocationGate = take(1)
      writeGate = take(1)
      written = take(w)
      meanReads = take(r * slots)
      allocation = take(slots)
      permutation = take(slots)
      sorted = take(slots)
      products = take(slots)
      writeContent = take(slots)
      memoryNorms = take(slots)
      keyNorms = take(heads)
      similarity = take(heads * slots)
      scratchMemory = take(slots * w)
      scratchLink = take(slots * slots)
      scratchVector = take(slots)
      scratchReads = take(heads * slots)
      content = take(heads * slots)
      headInput = take(n * (h + r * w))
      head = take(n * c.update.outputCount)
    }
  }

  /// An optimizer for a problem of `dimension` coordinates, state at zero.
  /// `proximalStep` is 1/L for a problem that knows L (nil: the output
  /// scale), `proximalBlockSize` the blocks of the problem's prox.
  public init(
    weights: DNCOptimizerWeights, dimension: Int, name: String = LearnedArchitecture.dnc.rawValue,
    proximalStep: Float? = nil, proximalBlockSize: Int = 1, silencingReads: Bool = false
  ) {
    silencesReads = silencingReads
    self.proximalStep = proximalStep ?? weights.configuration.outputScale
    secant = SecantUpdate(
      rule: weights.configuration.update, dimension: dimension, baseStep: weights.configuration.outputScale,
      proximalBlockSize: proximalBlockSize)
    self.name = name
    self.weights = weights
    self.dimension = dimension
    offsets = weights.slots.map(\.range.lowerBound)
    preprocessing = PreprocessingState(weights.configuration.preprocessing, count: dimension)
    secantWords =
      weights.configuration.memoryContent == .secant ? SecantMemoryWords(groups: 1, groupSize: dimension) : nil
    layout = Layout(weights.configuration, n: dimension)
    storage = [Float](repeating: 0, count: layout.count)
  }

  /// An optimizer for `problem`, as a race makes it: the prox step 1/L when
  /// the problem knows L (as in the training unroll) and the prox's blocks.
  /// `silencingReads` makes the memory ablation (``silencesReads``).
  public init(
    weights: DNCOptimizerWeights, problem: any Problem, name: String = LearnedArchitecture.dnc.rawValue,
    silencingReads: Bool = false
  ) {
    self.init(
      weights: weights, dimension: problem.dimension, name: name,
      proximalStep: problem.smoothLipschitz.map { 1 / $0 },
      proximalBlockSize: problem.regularizer.proximalBlockSize, silencingReads: silencingReads)
  }

  /// The prox step: 1/L when the problem knows L (as in training), else the output scale.
  public let proximalStep: Float

  /// The additive rule: `prox_{τΩ}` with τ = ``proximalStep``; the secant
  /// rules: each coordinate's own step (``SecantUpdate``).
  public func applyProximal(of regularizer: Regularizer, to parameters: inout [Float]) {
    guard let secant, !regularizer.isNone else {
      regularizer.applyProximal(&parameters, step: proximalStep)
      return
    }
    secant.applyProximal(of: regularizer, to: &parameters)
  }

  public mutating func step(parameters: inout [Float], gradient: [Float]) {
    let c = weights.configuration
    let (h, slots, w, r) = (c.hiddenSize, c.memorySlots, c.wordSize, c.readHeads)
    let n = dimension
    let heads = n * r
    let l = layout
    let features = c.featureCount
    let inputSize = c.controllerInputSize
    let scale = c.outputScale
    storage.withUnsafeMutableBufferPointer { buffer in
      guard let s = buffer.baseAddress else { return }
      gradient.withUnsafeBufferPointer { g in
        preprocessing.features(
          of: g, into: UnsafeMutableBufferPointer(start: s + l.features, count: n * features))
      }
      weights.values.withUnsafeBufferPointer { phiBuffer in
        guard let phi = phiBuffer.baseAddress else { return }
        // Controller on [features; previous read words].
        for i in 0..<n {
          for j in 0..<features { s[l.input + i * inputSize + j] = s[l.features + i * features + j] }
          for j in 0..<(r * w) { s[l.input + i * inputSize + features + j] = s[l.words + i * r * w + j] }
        }
        LSTMCell.forward(
          batch: n, inputSize: inputSize, hiddenSize: h, input: s + l.input, hidden: s + l.hidden,
          cell: s + l.cell, inputWeights: phi + offsets[0], hiddenWeights: phi + offsets[1],
          bias: phi + offsets[2], workspace: s + l.workspace, newHidden: s + l.hidden, newCell: s + l.cell)
        // Read interface: keys, oneplus strengths, softmax modes.
        let ri = c.readInterfaceSize
        Self.affine(
          rows: n, input: s + l.hidden, inputSize: h, weight: phi + offsets[3], bias: phi + offsets[4],
          outputs: ri, into: s + l.readInterface)
        for i in 0..<n {
          let row = s + l.readInterface + i * ri
          for j in 0..<r {
            let k = i * r + j
            for d in 0..<w { s[l.keys + k * w + d] = row[j * w + d] }
            s[l.strengths + k] = 1 + Self.softplus(row[r * w + j])
            let logits = row + r * w + r + 3 * j
            let largest = max(logits[0], logits[1], logits[2])
            var total: Float = 0
            for m in 0..<3 {
              s[l.modes + 3 * k + m] = expf(logits[m] - largest)
              total += s[l.modes + 3 * k + m]
            }
            for m in 0..<3 { s[l.modes + 3 * k + m] /= total }
          }
        }
        // Write interface from the mean controller state.
        for j in 0..<h { s[l.pooled + j] = 0 }
        for i in 0..<n { for j in 0..<h { s[l.pooled + j] += s[l.hidden + i * h + j] } }
        for j in 0..<h { s[l.pooled + j] /= Float(n) }
        let wi = c.writeInterfaceSize
        Self.affine(
          rows: 1, input: s + l.pooled, inputSize: h, weight: phi + offsets[5], bias: phi + offsets[6],
          outputs: wi, into: s + l.writeInterface)
        let face = s + l.writeInterface
        let fields = c.writeInterface
        s[l.writeStrength] = 1 + Self.softplus(face[fields.strength])
        for d in 0..<w { face[fields.erase + d] = Self.sigmoid(face[fields.erase + d]) }
        for j in 0..<r { face[fields.freeGates + j] = Self.sigmoid(face[fields.freeGates + j]) }
        s[l.allocationGate] = Self.sigmoid(face[fields.allocationGate])
        s[l.writeGate] = Self.sigmoid(face[fields.writeGate])
        // The write vector: the interface's, or this step's secant word.
        let values: UnsafeMutablePointer<Float>
        if secantWords != nil {
          values = s + l.written
          parameters.withUnsafeBufferPointer { theta in
            gradient.withUnsafeBufferPointer { g in
              secantWords?.write(theta: theta, gradient: g, into: UnsafeMutableBufferPointer(start: values, count: w))
            }
          }
        } else {
          values = face + fields.vector
        }
        // Usage from the coordinates' mean previous read weights.
        for k in 0..<(r * slots) { s[l.meanReads + k] = 0 }
        for i in 0..<n {
          for k in 0..<(r * slots) { s[l.meanReads + k] += s[l.reads + i * r * slots + k] }
        }
        for k in 0..<(r * slots) { s[l.meanReads + k] /= Float(n) }
        DNCKernels.usage(
          batch: 1, slots: slots, heads: r, usage: s + l.usage, write: s + l.write,
          freeGates: face + fields.freeGates, reads: s + l.meanReads, result: s + l.scratchVector)
        for k in 0..<slots { s[l.usage + k] = s[l.scratchVector + k] }
        DNCKernels.allocation(
          batch: 1, slots: slots, usage: s + l.usage, result: s + l.allocation,
          permutation: s + l.permutation,
          sorted: s + l.sorted, products: s + l.products)
        DNCKernels.contentWeights(
          batch: 1, slots: slots, width: w, keys: 1, memory: s + l.memory, keys: face,
          strengths: s + l.writeStrength, weights: s + l.writeContent, memoryNorms: s + l.memoryNorms,
          keyNorms: s + l.keyNorms, similarity: s + l.similarity)
        DNCKernels.writeWeights(
          batch: 1, slots: slots, allocation: s + l.allocation, content: s + l.writeContent,
          allocationGate: s + l.allocationGate, writeGate: s + l.writeGate, result: s + l.write)
        DNCKernels.eraseWrite(
          batch: 1, slots: slots, width: w, memory: s + l.memory, weights: s + l.write,
          erase: face + fields.erase, values: values, result: s + l.scratchMemory)
        for k in 0..<(slots * w) { s[l.memory + k] = s[l.scratchMemory + k] }
        DNCKernels.link(
          batch: 1, slots: slots, link: s + l.link, precedence: s + l.precedence, weights: s + l.write,
          result: s + l.scratchLink)
        for k in 0..<(slots * slots) { s[l.link + k] = s[l.scratchLink + k] }
        DNCKernels.precedence(
          batch: 1, slots: slots, precedence: s + l.precedence, weights: s + l.write,
          result: s + l.scratchVector)
        for k in 0..<slots { s[l.precedence + k] = s[l.scratchVector + k] }
        // Reads.
        DNCKernels.contentWeights(
          batch: 1, slots: slots, width: w, keys: heads, memory: s + l.memory, keys: s + l.keys,
          strengths: s + l.strengths, weights: s + l.content, memoryNorms: s + l.memoryNorms,
          keyNorms: s + l.keyNorms, similarity: s + l.similarity)
        // The fused read weights, as in training (w·L, w·Lᵀ never formed).
        DNCKernels.readWeights(
          batch: 1, heads: heads, slots: slots, previous: s + l.reads, link: s + l.link, modes: s + l.modes,
          content: s + l.content, result: s + l.scratchReads)
        for k in 0..<(heads * slots) { s[l.reads + k] = s[l.scratchReads + k] }
        // Silenced, the read words keep their initial zeros: nothing else
        // writes them.
        if !silencesReads {
          DNCKernels.batchedMatmul(
            batch: 1, m: heads, n: w, k: slots, a: s + l.reads, transposeA: false, b: s + l.memory,
            transposeB: false, c: s + l.words)
        }
        // Head on [h; r].
        let width = h + r * w
        for i in 0..<n {
          for j in 0..<h { s[l.headInput + i * width + j] = s[l.hidden + i * h + j] }
          for j in 0..<(r * w) { s[l.headInput + i * width + h + j] = s[l.words + i * r * w + j] }
        }
        let bias = phi + offsets[8]
        switch c.update {
        case .additive:
          BLAS.gemv(m: n, n: width, a: s + l.headInput, x: phi + offsets[7], y: s + l.head)
          parameters.withUnsafeMutableBufferPointer { theta in
            for i in 0..<n { theta[i] += scale * (s[l.head + i] + bias[0]) }
          }
        case .secant, .curvature:
          BLAS.gemm(m: n, n: 2, k: width, a: s + l.headInput, b: phi + offsets[7], c: s + l.head)
          secant?.apply(
            head: UnsafeBufferPointer(start: s + l.head, count: 2 * n), bias: (bias[0], bias[1]),
            parameters: &parameters, gradient: gradient)
        }
      }
    }
  }

  /// y = x·A + b for `rows` rows (A inputSize × outputs, row-major).
  private static func affine(
    rows: Int, input: UnsafePointer<Float>, inputSize: Int, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>, outputs: Int, into y: UnsafeMutablePointer<Float>
  ) {
    for i in 0..<rows { for j in 0..<outputs { y[i * outputs + j] = bias[j] } }
    BLAS.gemm(m: rows, n: outputs, k: inputSize, a: input, b: weight, beta: 1, c: y)
  }

  private static func softplus(_ x: Float) -> Float { max(x, 0) + log1pf(expf(-abs(x))) }
  private static func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }

  /// The memory's current contents and bookkeeping for the dashboard.
  public var memoryView: DNCMemorySnapshot {
    let c = weights.configuration
    let (slots, w, r) = (c.memorySlots, c.wordSize, c.readHeads)
    let l = layout
    var meanReads = [[Float]](repeating: [Float](repeating: 0, count: slots), count: r)
    for i in 0..<dimension {
      for j in 0..<r {
        for k in 0..<slots {
          meanReads[j][k] += storage[l.reads + (i * r + j) * slots + k] / Float(dimension)
        }
      }
    }
    return DNCMemorySnapshot(
      slots: slots, width: w, memory: Array(storage[l.memory..<(l.memory + slots * w)]),
      usage: Array(storage[l.usage..<(l.usage + slots)]),
      writeWeights: Array(storage[l.write..<(l.write + slots)]), readWeights: meanReads,
      precedence: Array(storage[l.precedence..<(l.precedence + slots)]),
      link: Array(storage[l.link..<(l.link + slots * slots)]), content: c.memoryContent)
  }

  /// The controller's hidden state, n × H.
  public var controllerHidden: [Float] {
    Array(storage[layout.hidden..<(layout.hidden + dimension * weights.configuration.hiddenSize)])
  }

  /// The full recurrent state (for tests comparing with the tape unroll).
  public var state: DNCMemoryState<Float> {
    let c = weights.configuration
    var result = DNCMemoryState<Float>(configuration: c, batch: 1, dimension: dimension)
    let l = layout
    func copy(_ offset: Int, _ target: inout [Float]) {
      for k in target.indices { target[k] = storage[offset + k] }
    }
    copy(l.hidden, &result.hidden)
    copy(l.cell, &result.cell)
    copy(l.memory, &result.memory)
    copy(l.usage, &result.usage)
    copy(l.link, &result.link)
    copy(l.precedence, &result.precedence)
    copy(l.write, &result.writeWeights)
    copy(l.reads, &result.readWeights)
    copy(l.words, &result.readWords)
    result.secantWords = secantWords
    return result
  }
}

/// What the dashboard draws of a DNC optimizer's memory: M (N×W), usage,
/// the last write weights, the coordinates' mean read weights per head,
/// precedence and the link matrix (N×N), all row-major, and what the words
/// are (a learned code, or secant statistics with named components).
public struct DNCMemorySnapshot: Sendable, Equatable {
  public var slots: Int
  public var width: Int
  public var memory: [Float]
  public var usage: [Float]
  public var writeWeights: [Float]
  public var readWeights: [[Float]]
  public var precedence: [Float]
  public var link: [Float]
  /// What the write head writes (its ``DNCMemoryContent/componentNames``
  /// name a secant word's entries).
  public var content: DNCMemoryContent
}

/// Codable so a race can carry the memory per step (`mnemo race --dnc-memory`).
extension DNCMemorySnapshot: Codable {}

extension DNCOptimizer {
  /// Per coordinate (n of them): the controller LSTM cell, 8H·(I + H) + 10H
  /// for its input I (features and R read words), the read and write
  /// interface projections (2H each per output), content addressing of the
  /// R read keys against the shared N×W memory (≈ 4NW + 3N each) and the
  /// output head. Once per step for the one shared memory: the pooled write
  /// (content addressing, allocation, erase and add, ≈ 8NW + N log N), the
  /// link matrix update (3N²) and the forward/backward link reads per head
  /// (4N² each, counted per coordinate since every coordinate has its own
  /// read heads), and the secant words' statistics when they are written.
  /// An order-of-magnitude estimate, like all these counts.
  public var flopsPerStep: Double? {
    let c = weights.configuration
    let (h, n, w, r) = (Double(c.hiddenSize), Double(c.memorySlots), Double(c.wordSize), Double(c.readHeads))
    let input = Double(c.controllerInputSize)
    var perCoordinate = 4 * Double(c.featureCount) + 8 * h * (input + h) + 10 * h
    perCoordinate += 2 * h * Double(c.readInterfaceSize + c.writeInterfaceSize)
    perCoordinate += r * (4 * n * w + 3 * n + 8 * n * n + 2 * n * w)
    perCoordinate += 2 * (h + r * w) * Double(c.update.outputCount) + c.update.flopsPerCoordinate + c.memoryContent.flopsPerCoordinate
    let shared = 8 * n * w + n * max(1, log2(n)) + 3 * n * n
    return perCoordinate * Double(dimension) + shared
  }
}

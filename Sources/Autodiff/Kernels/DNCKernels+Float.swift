internal import CDNCKernels

/// The `Float` versions of the DNC kernels: the generic entry points of
/// ``DNCKernels`` call these when their scalar is `Float`; `Double` (the
/// gradient checks) keeps the plain loops.
///
/// The five that dominate a DNC meta-iteration (the per-optimizee products
/// w·Lᵀ, w·L, w·M, content addressing and the fused read weights, forward
/// and backward) are C functions of the `CDNCKernels` target
/// (`dnc_kernels_f32.c`), for run-time CPU dispatch: the package builds for
/// baseline x86-64, and Swift cannot compile one function for several
/// targets, so their SIMD code would be SSE without fused multiply-adds;
/// the C versions come in AVX-512, AVX2/FMA and baseline clones, the best
/// chosen when the program loads. They keep the algorithms of the Swift
/// loops they replaced (one memory at a time, stack scratch, register-
/// resident rows of the result, two rows per pass) and round differently
/// from the generic loops (lane-wise sums, fused multiply-adds); the
/// Float-against-Double tests bound the difference.
///
/// The write side (usage, allocation, write weights, erase/write, links,
/// precedence, forward and backward) is C too, for the same dispatch and
/// because its Swift loops (generic scalars, optional adjoints tested per
/// element, a Float→Int conversion per slot in the allocation) cost as much
/// as the reads although they touch far fewer elements.
extension DNCKernels {
  // MARK: Threads

  /// Calls `body(first, count)` on disjoint ranges of the memories
  /// 0..<batch, split over ``KernelThreads`` when the whole call touches
  /// enough elements (`workPerMemory` each) — as the LSTM cell's elementwise
  /// passes are split by rows. Every kernel below treats its B memories
  /// independently: each memory's outputs and adjoints are its own rows, so
  /// the ranges never write to the same element.
  @inline(__always)
  static func forEachMemoryRange(batch: Int, work workPerMemory: Int, _ body: (Int, Int) -> Void) {
    KernelThreads.forEachRange(rows: batch, work: batch * workPerMemory) { range in
      body(range.lowerBound, range.count)
    }
  }

  // MARK: Products

  /// ``batchedMatmul(batch:m:n:k:a:transposeA:b:transposeB:c:accumulate:)``
  /// in `Float` (`dnc_batched_matmul_f32`): every row of C is a
  /// register-resident sum of scaled rows of B, two rows at a time; a
  /// transposed B is first transposed back into a k×n scratch, which costs
  /// n·k moves against m·n·k multiply-adds (the caller sends only small
  /// products here).
  public static func batchedMatmulFloat(
    batch: Int, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, transposeA: Bool,
    b: UnsafePointer<Float>, transposeB: Bool, c: UnsafeMutablePointer<Float>, accumulate: Bool
  ) {
    forEachMemoryRange(batch: batch, work: m * n * k) { first, count in
      dnc_batched_matmul_f32(
        count, m, n, k, a + first * m * k, transposeA, b + first * k * n, transposeB, c + first * m * n,
        accumulate)
    }
  }

  // MARK: Content addressing

  /// ``contentWeights`` in `Float` (`dnc_content_weights_f32`). Per memory
  /// the rows are transposed once into a W×N scratch, so the N similarities
  /// of a key are W vectorised row updates instead of N short dot products;
  /// the cosines and the softmax (a vectorised ``FastMath/exp(_:)``) run on
  /// eight slots at a time.
  public static func contentWeightsFloat(
    batch: Int, slots: Int, width: Int, keys keyCount: Int,
    memory: UnsafePointer<Float>, keys: UnsafePointer<Float>, strengths: UnsafePointer<Float>,
    weights: UnsafeMutablePointer<Float>, memoryNorms: UnsafeMutablePointer<Float>,
    keyNorms: UnsafeMutablePointer<Float>, similarity: UnsafeMutablePointer<Float>
  ) {
    forEachMemoryRange(batch: batch, work: keyCount * slots * width) { first, count in
      let (rows, cells) = (first * keyCount, first * keyCount * slots)
      dnc_content_weights_f32(
        count, slots, width, keyCount, Float(epsilon), memory + first * slots * width, keys + rows * width,
        strengths + rows, weights + cells, memoryNorms + first * slots, keyNorms + rows, similarity + cells)
    }
  }

  /// ``contentWeightsBackward`` in `Float` (`dnc_content_weights_backward_f32`).
  /// Per memory the coefficients s̄_i/D_i of every key go to a K×N scratch;
  /// then k̄ += (s̄/D)·M and M̄ += (s̄/D)ᵀ·k are two small row-accumulated
  /// products, plus the vectorised self terms.
  public static func contentWeightsBackwardFloat(
    batch: Int, slots n: Int, width w: Int, keys k: Int,
    memory: UnsafePointer<Float>, keys: UnsafePointer<Float>, strengths: UnsafePointer<Float>,
    weights c: UnsafePointer<Float>, weightsAdjoint cBar: UnsafePointer<Float>,
    memoryNorms: UnsafePointer<Float>, keyNorms: UnsafePointer<Float>, similarity: UnsafePointer<Float>,
    memoryAdjoint memoryBar: UnsafeMutablePointer<Float>?, keysAdjoint keysBar: UnsafeMutablePointer<Float>?,
    strengthsAdjoint strengthsBar: UnsafeMutablePointer<Float>?
  ) {
    forEachMemoryRange(batch: batch, work: 2 * k * n * w) { first, count in
      let (rows, cells) = (first * k, first * k * n)
      dnc_content_weights_backward_f32(
        count, n, w, k, Float(epsilon), memory + first * n * w, keys + rows * w, strengths + rows, c + cells,
        cBar + cells, memoryNorms + first * n, keyNorms + rows, similarity + cells,
        memoryBar.map { $0 + first * n * w }, keysBar.map { $0 + rows * w }, strengthsBar.map { $0 + rows })
    }
  }

  // MARK: Write side

  // The write side's kernels in `Float` (`dnc_*_f32` in dnc_kernels_f32.c),
  // forward and backward: per-memory vectors of N slots, plus the N×W
  // memory and the N×N links. Not split over threads: a whole batch is a
  // few tens of thousands of elements, about what one thread hand-off
  // costs. Maths at the generic kernels and at the tape operations.

  /// ``usage`` in `Float`.
  public static func usageFloat(
    batch: Int, slots: Int, heads: Int, usage: UnsafePointer<Float>, write: UnsafePointer<Float>,
    freeGates: UnsafePointer<Float>, reads: UnsafePointer<Float>, result: UnsafeMutablePointer<Float>
  ) {
    dnc_usage_f32(batch, slots, heads, usage, write, freeGates, reads, result)
  }

  /// The backward pass of ``usage`` in `Float` (`writeAdjoint` nil under
  /// the stop-gradient).
  public static func usageBackwardFloat(
    batch: Int, slots: Int, heads: Int, usage: UnsafePointer<Float>, write: UnsafePointer<Float>,
    freeGates: UnsafePointer<Float>, reads: UnsafePointer<Float>, resultAdjoint: UnsafePointer<Float>,
    usageAdjoint: UnsafeMutablePointer<Float>?, writeAdjoint: UnsafeMutablePointer<Float>?,
    freeGatesAdjoint: UnsafeMutablePointer<Float>?, readsAdjoint: UnsafeMutablePointer<Float>?
  ) {
    dnc_usage_backward_f32(
      batch, slots, heads, usage, write, freeGates, reads, resultAdjoint, usageAdjoint, writeAdjoint,
      freeGatesAdjoint, readsAdjoint)
  }

  /// ``allocation`` in `Float` (the permutation as `Float` slot indices).
  public static func allocationFloat(
    batch: Int, slots: Int, usage: UnsafePointer<Float>, result: UnsafeMutablePointer<Float>,
    permutation: UnsafeMutablePointer<Float>, sorted: UnsafeMutablePointer<Float>,
    products: UnsafeMutablePointer<Float>
  ) {
    dnc_allocation_f32(batch, slots, Float(epsilon), usage, result, permutation, sorted, products)
  }

  /// The backward pass of ``allocation`` in `Float`.
  public static func allocationBackwardFloat(
    batch: Int, slots: Int, permutation: UnsafePointer<Float>, sorted: UnsafePointer<Float>,
    products: UnsafePointer<Float>, resultAdjoint: UnsafePointer<Float>, usageAdjoint: UnsafeMutablePointer<Float>
  ) {
    dnc_allocation_backward_f32(batch, slots, Float(epsilon), permutation, sorted, products, resultAdjoint, usageAdjoint)
  }

  /// ``writeWeights`` in `Float`.
  public static func writeWeightsFloat(
    batch: Int, slots: Int, allocation: UnsafePointer<Float>, content: UnsafePointer<Float>,
    allocationGate: UnsafePointer<Float>, writeGate: UnsafePointer<Float>, result: UnsafeMutablePointer<Float>
  ) {
    dnc_write_weights_f32(batch, slots, allocation, content, allocationGate, writeGate, result)
  }

  /// The backward pass of ``writeWeights`` in `Float`.
  public static func writeWeightsBackwardFloat(
    batch: Int, slots: Int, allocation: UnsafePointer<Float>, content: UnsafePointer<Float>,
    allocationGate: UnsafePointer<Float>, writeGate: UnsafePointer<Float>, resultAdjoint: UnsafePointer<Float>,
    allocationAdjoint: UnsafeMutablePointer<Float>?, contentAdjoint: UnsafeMutablePointer<Float>?,
    allocationGateAdjoint: UnsafeMutablePointer<Float>?, writeGateAdjoint: UnsafeMutablePointer<Float>?
  ) {
    dnc_write_weights_backward_f32(
      batch, slots, allocation, content, allocationGate, writeGate, resultAdjoint, allocationAdjoint,
      contentAdjoint, allocationGateAdjoint, writeGateAdjoint)
  }

  /// ``eraseWrite`` in `Float`.
  public static func eraseWriteFloat(
    batch: Int, slots: Int, width: Int, memory: UnsafePointer<Float>, weights: UnsafePointer<Float>,
    erase: UnsafePointer<Float>, values: UnsafePointer<Float>, result: UnsafeMutablePointer<Float>
  ) {
    dnc_erase_write_f32(batch, slots, width, memory, weights, erase, values, result)
  }

  /// The backward pass of ``eraseWrite`` in `Float`.
  public static func eraseWriteBackwardFloat(
    batch: Int, slots: Int, width: Int, memory: UnsafePointer<Float>, weights: UnsafePointer<Float>,
    erase: UnsafePointer<Float>, values: UnsafePointer<Float>, resultAdjoint: UnsafePointer<Float>,
    memoryAdjoint: UnsafeMutablePointer<Float>?, weightsAdjoint: UnsafeMutablePointer<Float>?,
    eraseAdjoint: UnsafeMutablePointer<Float>?, valuesAdjoint: UnsafeMutablePointer<Float>?,
    storeMemoryAdjoint: Bool = false
  ) {
    dnc_erase_write_backward_f32(
      batch, slots, width, memory, weights, erase, values, resultAdjoint, memoryAdjoint, storeMemoryAdjoint,
      weightsAdjoint, eraseAdjoint, valuesAdjoint)
  }

  /// ``precedence`` in `Float`.
  public static func precedenceFloat(
    batch: Int, slots: Int, precedence: UnsafePointer<Float>, weights: UnsafePointer<Float>,
    result: UnsafeMutablePointer<Float>
  ) {
    dnc_precedence_f32(batch, slots, precedence, weights, result)
  }

  /// The backward pass of ``precedence`` in `Float`.
  public static func precedenceBackwardFloat(
    batch: Int, slots: Int, precedence: UnsafePointer<Float>, weights: UnsafePointer<Float>,
    resultAdjoint: UnsafePointer<Float>, precedenceAdjoint: UnsafeMutablePointer<Float>?,
    weightsAdjoint: UnsafeMutablePointer<Float>?
  ) {
    dnc_precedence_backward_f32(batch, slots, precedence, weights, resultAdjoint, precedenceAdjoint, weightsAdjoint)
  }

  /// ``link`` in `Float`.
  public static func linkFloat(
    batch: Int, slots: Int, link: UnsafePointer<Float>, precedence: UnsafePointer<Float>,
    weights: UnsafePointer<Float>, result: UnsafeMutablePointer<Float>
  ) {
    dnc_link_f32(batch, slots, link, precedence, weights, result)
  }

  /// ``link`` backward in `Float`. With G = L̄' (its diagonal excluded by
  /// subtracting the i = j terms after the full vectorised rows):
  /// L̄_i· += G_i·⊙(1 − w_i − w), w̄_i += ⟨G_i·, p − L_i·⟩, w̄ −= G_i·⊙L_i·,
  /// p̄ += w_i G_i·.
  public static func linkBackwardFloat(
    batch: Int, slots n: Int, link: UnsafePointer<Float>, precedence: UnsafePointer<Float>,
    weights: UnsafePointer<Float>, resultAdjoint g: UnsafePointer<Float>,
    linkAdjoint: UnsafeMutablePointer<Float>?, precedenceAdjoint: UnsafeMutablePointer<Float>?,
    weightsAdjoint: UnsafeMutablePointer<Float>?, storeLinkAdjoint: Bool = false
  ) {
    dnc_link_backward_f32(
      batch, n, link, precedence, weights, g, linkAdjoint, storeLinkAdjoint, precedenceAdjoint, weightsAdjoint)
  }

  // MARK: Fused read weights

  /// ``readWeights`` in `Float` (`dnc_read_weights_f32`), one memory at a
  /// time so its N×N link block and the K×N rows stay in L1. With L and Lᵀ
  /// stacked in a 2N×N scratch, ŵ_k = π_c c_k + [π_b w_k, π_f w_k]·[L; Lᵀ]
  /// is one register-resident row accumulation of 2N terms.
  public static func readWeightsFloat(
    batch: Int, heads k: Int, slots n: Int, previous: UnsafePointer<Float>, link: UnsafePointer<Float>,
    modes: UnsafePointer<Float>, content: UnsafePointer<Float>, result: UnsafeMutablePointer<Float>
  ) {
    forEachMemoryRange(batch: batch, work: 2 * k * n * n) { first, count in
      let cells = first * k * n
      dnc_read_weights_f32(
        count, k, n, previous + cells, link + first * n * n, modes + first * k * 3, content + cells,
        result + cells)
    }
  }

  /// ``readWeightsBackward`` in `Float` (`dnc_read_weights_backward_f32`),
  /// one memory at a time. Per row the two products of the adjoint,
  /// [h_b | h_f] = g_k·[Lᵀ | L], give both the modes' adjoints (⟨w_k, h⟩)
  /// and w̄_k, so the directional weightings are never formed; L̄ is one
  /// product of the stacked blocks [W; π_f g]ᵀ and [π_b g; W].
  public static func readWeightsBackwardFloat(
    batch: Int, heads k: Int, slots n: Int, previous: UnsafePointer<Float>, link: UnsafePointer<Float>,
    modes: UnsafePointer<Float>, content: UnsafePointer<Float>, resultAdjoint yBar: UnsafePointer<Float>,
    previousAdjoint: UnsafeMutablePointer<Float>?, linkAdjoint: UnsafeMutablePointer<Float>?,
    modesAdjoint: UnsafeMutablePointer<Float>?, contentAdjoint: UnsafeMutablePointer<Float>?
  ) {
    forEachMemoryRange(batch: batch, work: 4 * k * n * n) { first, count in
      let cells = first * k * n
      dnc_read_weights_backward_f32(
        count, k, n, previous + cells, link + first * n * n, modes + first * k * 3, content + cells,
        yBar + cells, previousAdjoint.map { $0 + cells }, linkAdjoint.map { $0 + first * n * n },
        modesAdjoint.map { $0 + first * k * 3 }, contentAdjoint.map { $0 + cells })
    }
  }

  // MARK: Fused read

  /// The offsets of the fused read's saved buffers (see
  /// ``Tape/dncRead(memory:interface:readHeads:previous:link:)``):
  /// strengths B×K, modes B×K×3, content weights and cosines B×K×N, memory
  /// norms B×N, key norms B×K, in that order.
  static func readSavedOffsets(batch b: Int, slots n: Int, heads k: Int) -> [Int] {
    [0, b * k, 4 * b * k, 4 * b * k + b * k * n, 4 * b * k + 2 * b * k * n, 4 * b * k + 2 * b * k * n + b * n]
  }

  /// ``Tape/dncRead(memory:interface:readHeads:previous:link:)`` forward
  /// (`dnc_read_f32`), its memories split over the kernel threads.
  public static func readFloat(
    batch: Int, slots n: Int, width w: Int, heads k: Int, readHeads r: Int, memory: UnsafePointer<Float>,
    interface: UnsafePointer<Float>, previous: UnsafePointer<Float>, link: UnsafePointer<Float>,
    result: UnsafeMutablePointer<Float>, saved: UnsafeMutablePointer<Float>
  ) {
    let o = readSavedOffsets(batch: batch, slots: n, heads: k)
    let stride = r * (w + 4)
    forEachMemoryRange(batch: batch, work: 2 * k * n * n + k * n * w) { first, count in
      let (heads, cells) = (first * k, first * k * n)
      dnc_read_f32(
        count, n, w, k, r, Float(epsilon), memory + first * n * w, interface + first * (k / r) * stride,
        previous + cells, link + first * n * n, result + cells, saved + o[0] + heads, saved + o[1] + 3 * heads,
        saved + o[2] + cells, saved + o[3] + cells, saved + o[4] + first * n, saved + o[5] + heads)
    }
  }

  /// The backward pass of ``readFloat`` (`dnc_read_backward_f32`).
  public static func readBackwardFloat(
    batch: Int, slots n: Int, width w: Int, heads k: Int, readHeads r: Int, memory: UnsafePointer<Float>,
    interface: UnsafePointer<Float>, previous: UnsafePointer<Float>, link: UnsafePointer<Float>,
    resultAdjoint: UnsafePointer<Float>, saved: UnsafePointer<Float>,
    memoryAdjoint: UnsafeMutablePointer<Float>?, interfaceAdjoint: UnsafeMutablePointer<Float>?,
    previousAdjoint: UnsafeMutablePointer<Float>?, linkAdjoint: UnsafeMutablePointer<Float>?,
    storeInterfaceAdjoint: Bool = false
  ) {
    let o = readSavedOffsets(batch: batch, slots: n, heads: k)
    let stride = r * (w + 4)
    forEachMemoryRange(batch: batch, work: 4 * k * n * n + 2 * k * n * w) { first, count in
      let (heads, cells) = (first * k, first * k * n)
      let rows = first * (k / r) * stride
      dnc_read_backward_f32(
        count, n, w, k, r, Float(epsilon), memory + first * n * w, interface + rows, previous + cells,
        link + first * n * n, resultAdjoint + cells, saved + o[0] + heads, saved + o[1] + 3 * heads,
        saved + o[2] + cells, saved + o[3] + cells, saved + o[4] + first * n, saved + o[5] + heads,
        memoryAdjoint.map { $0 + first * n * w }, interfaceAdjoint.map { $0 + rows }, storeInterfaceAdjoint,
        previousAdjoint.map { $0 + cells }, linkAdjoint.map { $0 + first * n * n })
    }
  }
}

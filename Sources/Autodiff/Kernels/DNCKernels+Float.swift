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
/// The rest (the links' backward pass) is explicitly vectorised
/// here: every row operation works on eight lanes at a time (`SIMD8<Float>`)
/// with a scalar tail, dot products accumulated lane-wise and summed once.
extension DNCKernels {
  // MARK: Row primitives

  @inline(__always)
  static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
  }

  @inline(__always)
  static func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
  }

  /// y[0..<n] += α·x[0..<n].
  @inline(__always)
  static func axpy(_ n: Int, _ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
    let a = SIMD8<Float>(repeating: alpha)
    var j = 0
    while j + 8 <= n {
      store8(load8(y + j) + a * load8(x + j), y + j)
      j += 8
    }
    while j < n {
      y[j] += alpha * x[j]
      j += 1
    }
  }

  /// Σ_j x_j y_j over n elements, eight partial sums then one horizontal sum.
  @inline(__always)
  static func dot(_ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>) -> Float {
    var lanes = SIMD8<Float>.zero
    var j = 0
    while j + 8 <= n {
      lanes += load8(x + j) * load8(y + j)
      j += 8
    }
    var total = lanes.sum()
    while j < n {
      total += x[j] * y[j]
      j += 1
    }
    return total
  }

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

  /// ``link`` backward in `Float`. With G = L̄' (its diagonal excluded by
  /// subtracting the i = j terms after the full vectorised rows):
  /// L̄_i· += G_i·⊙(1 − w_i − w), w̄_i += ⟨G_i·, p − L_i·⟩, w̄ −= G_i·⊙L_i·,
  /// p̄ += w_i G_i·.
  public static func linkBackwardFloat(
    batch: Int, slots n: Int, link: UnsafePointer<Float>, precedence: UnsafePointer<Float>,
    weights: UnsafePointer<Float>, resultAdjoint g: UnsafePointer<Float>,
    linkAdjoint: UnsafeMutablePointer<Float>?, precedenceAdjoint: UnsafeMutablePointer<Float>?,
    weightsAdjoint: UnsafeMutablePointer<Float>?
  ) {
    for b in 0..<batch {
      let w = weights + b * n
      let p = precedence + b * n
      for i in 0..<n {
        let row = (b * n + i) * n
        let gi = g + row
        let li = link + row
        let wi = w[i]
        let diagonal = gi[i]
        if let linkAdjoint {
          let target = linkAdjoint + row
          for j in 0..<n { target[j] += gi[j] * (1 - wi - w[j]) }
          target[i] -= diagonal * (1 - 2 * wi)
        }
        if let weightsAdjoint {
          let target = weightsAdjoint + b * n
          target[i] += dot(n, gi, p) - dot(n, gi, li) - diagonal * (p[i] - li[i])
          for j in 0..<n { target[j] -= gi[j] * li[j] }
          target[i] += diagonal * li[i]
        }
        if let precedenceAdjoint {
          axpy(n, wi, gi, precedenceAdjoint + b * n)
          precedenceAdjoint[b * n + i] -= wi * diagonal
        }
      }
    }
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
}

/// Explicitly vectorised `Float` versions of the DNC kernels that dominate a
/// DNC meta-iteration (the per-optimizee products w·Lᵀ, w·L, w·M, the fused
/// read weights and the content addressing, forward and backward).
///
/// Why they exist: the generic loops run over rows of W = 8 or N = 16
/// elements, too short for the compiler's vectoriser once it has paid for
/// its run-time aliasing checks, and their dot products are reductions it
/// may not reorder. Here every row operation works on eight lanes at a time
/// (`SIMD8<Float>`, one AVX register) with a scalar tail for the
/// remainder, and dot products are accumulated lane-wise and summed once,
/// so they round differently from the generic loops (the Float-against-
/// Double tests bound the difference). The generic entry points of
/// ``DNCKernels`` call these when their scalar is `Float`; `Double` (the
/// gradient checks) keeps the plain loops.
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

  /// y[0..<n] += α·x[0..<n] + β·z[0..<n].
  @inline(__always)
  static func axpby(
    _ n: Int, _ alpha: Float, _ x: UnsafePointer<Float>, _ beta: Float, _ z: UnsafePointer<Float>,
    _ y: UnsafeMutablePointer<Float>
  ) {
    let a = SIMD8<Float>(repeating: alpha)
    let b = SIMD8<Float>(repeating: beta)
    var j = 0
    while j + 8 <= n {
      store8(load8(y + j) + a * load8(x + j) + b * load8(z + j), y + j)
      j += 8
    }
    while j < n {
      y[j] += alpha * x[j] + beta * z[j]
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

  /// Σ_j x_j over n elements, eight partial sums then one horizontal sum.
  @inline(__always)
  static func sum(_ n: Int, _ x: UnsafePointer<Float>) -> Float {
    var lanes = SIMD8<Float>.zero
    var j = 0
    while j &+ 8 <= n {
      lanes += load8(x + j)
      j &+= 8
    }
    var total = lanes.sum()
    while j < n {
      total += x[j]
      j &+= 1
    }
    return total
  }

  // MARK: Products

  /// c[0..<n] += Σ_p a[p·stride]·b[p·n ..< p·n + n]: one row of A (read
  /// with a stride, so a column of a transposed A works too) times a k×n
  /// matrix. The row of C stays in registers across the k updates, sixteen
  /// then eight columns at a time; index arithmetic wraps (the sizes come
  /// from shapes already checked).
  @inline(__always)
  static func accumulateRow(
    k: Int, n: Int, a: UnsafePointer<Float>, stride: Int, b: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>
  ) {
    var j = 0
    while j &+ 16 <= n {
      var low = load8(c + j)
      var high = load8(c + (j &+ 8))
      var p = 0
      while p < k {
        let x = SIMD8<Float>(repeating: a[p &* stride])
        let row = b + (p &* n &+ j)
        low += x * load8(row)
        high += x * load8(row + 8)
        p &+= 1
      }
      store8(low, c + j)
      store8(high, c + (j &+ 8))
      j &+= 16
    }
    if j &+ 8 <= n {
      var lanes = load8(c + j)
      var p = 0
      while p < k {
        lanes += SIMD8<Float>(repeating: a[p &* stride]) * load8(b + (p &* n &+ j))
        p &+= 1
      }
      store8(lanes, c + j)
      j &+= 8
    }
    while j < n {
      var total = c[j]
      var p = 0
      while p < k {
        total += a[p &* stride] * b[p &* n &+ j]
        p &+= 1
      }
      c[j] = total
      j &+= 1
    }
  }

  /// ``accumulateRow(k:n:a:stride:b:c:)`` for two rows of A at once:
  /// c0 += a0·B and c1 += a1·B.
  ///
  /// Why: one row's sums form only two (or one) dependency chains of vector
  /// additions, so the loop waits on the adder's latency instead of
  /// filling its throughput. Two rows double the independent chains and
  /// share every load of B.
  @inline(__always)
  static func accumulateRowPair(
    k: Int, n: Int, a0: UnsafePointer<Float>, a1: UnsafePointer<Float>, stride: Int,
    b: UnsafePointer<Float>, c0: UnsafeMutablePointer<Float>, c1: UnsafeMutablePointer<Float>
  ) {
    var j = 0
    while j &+ 16 <= n {
      var low0 = load8(c0 + j)
      var high0 = load8(c0 + (j &+ 8))
      var low1 = load8(c1 + j)
      var high1 = load8(c1 + (j &+ 8))
      var p = 0
      while p < k {
        let x0 = SIMD8<Float>(repeating: a0[p &* stride])
        let x1 = SIMD8<Float>(repeating: a1[p &* stride])
        let row = b + (p &* n &+ j)
        let (bLow, bHigh) = (load8(row), load8(row + 8))
        low0 += x0 * bLow
        high0 += x0 * bHigh
        low1 += x1 * bLow
        high1 += x1 * bHigh
        p &+= 1
      }
      store8(low0, c0 + j)
      store8(high0, c0 + (j &+ 8))
      store8(low1, c1 + j)
      store8(high1, c1 + (j &+ 8))
      j &+= 16
    }
    if j &+ 8 <= n {
      var lanes0 = load8(c0 + j)
      var lanes1 = load8(c1 + j)
      var p = 0
      while p < k {
        let row = load8(b + (p &* n &+ j))
        lanes0 += SIMD8<Float>(repeating: a0[p &* stride]) * row
        lanes1 += SIMD8<Float>(repeating: a1[p &* stride]) * row
        p &+= 1
      }
      store8(lanes0, c0 + j)
      store8(lanes1, c1 + j)
      j &+= 8
    }
    while j < n {
      var total0 = c0[j]
      var total1 = c1[j]
      var p = 0
      while p < k {
        let x = b[p &* n &+ j]
        total0 += a0[p &* stride] * x
        total1 += a1[p &* stride] * x
        p &+= 1
      }
      c0[j] = total0
      c1[j] = total1
      j &+= 1
    }
  }

  /// ``batchedMatmul(batch:m:n:k:a:transposeA:b:transposeB:c:accumulate:)``
  /// in `Float`: every row of C is a register-resident sum of scaled rows of
  /// B (``accumulateRow``). A transposed B is first transposed back into a
  /// k×n scratch on the stack (n·k ≤ 32,768 elements: the caller sends only
  /// small products here), which costs n·k moves against m·n·k multiply-adds.
  public static func batchedMatmulFloat(
    batch: Int, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, transposeA: Bool,
    b: UnsafePointer<Float>, transposeB: Bool, c: UnsafeMutablePointer<Float>, accumulate: Bool
  ) {
    withUnsafeTemporaryAllocation(of: Float.self, capacity: transposeB ? k * n : 1) { scratch in
      let transposed = scratch.baseAddress!
      for index in 0..<batch {
        let (aa, cc) = (a + index * m * k, c + index * m * n)
        var bb = b + index * k * n
        if !accumulate { cc.update(repeating: 0, count: m * n) }
        if transposeB {
          // B_b is n×k; its transpose k×n goes to the scratch.
          for j in 0..<n {
            for p in 0..<k { transposed[p &* n &+ j] = bb[j &* k &+ p] }
          }
          bb = UnsafePointer(transposed)
        }
        // Rows of op(A): row i starts at aa + i (a column, stride m) when A
        // is transposed, else at aa + i·k (stride 1). Two rows at a time.
        let (rowStep, stride) = transposeA ? (1, m) : (k, 1)
        var i = 0
        while i &+ 2 <= m {
          accumulateRowPair(
            k: k, n: n, a0: aa + i &* rowStep, a1: aa + (i &+ 1) &* rowStep, stride: stride, b: bb,
            c0: cc + i &* n, c1: cc + (i &+ 1) &* n)
          i &+= 2
        }
        if i < m { accumulateRow(k: k, n: n, a: aa + i &* rowStep, stride: stride, b: bb, c: cc + i &* n) }
      }
    }
  }

  // MARK: Content addressing

  /// ``contentWeights`` in `Float`. Per memory the rows are transposed once
  /// into a W×N scratch on the stack, so the N similarities of a key are W
  /// vectorised row updates instead of N short dot products.
  public static func contentWeightsFloat(
    batch: Int, slots: Int, width: Int, keys keyCount: Int,
    memory: UnsafePointer<Float>, keys: UnsafePointer<Float>, strengths: UnsafePointer<Float>,
    weights: UnsafeMutablePointer<Float>, memoryNorms: UnsafeMutablePointer<Float>,
    keyNorms: UnsafeMutablePointer<Float>, similarity: UnsafeMutablePointer<Float>
  ) {
    let eps = Float(epsilon)
    withUnsafeTemporaryAllocation(of: Float.self, capacity: slots * width + slots) { scratch in
      let transposed = scratch.baseAddress!
      let inverseNorms = transposed + slots * width
      for b in 0..<batch {
        let m = memory + b * slots * width
        let norms = memoryNorms + b * slots
        for i in 0..<slots {
          let row = m + i * width
          norms[i] = (dot(width, row, row) + eps).squareRoot()
          for j in 0..<width { transposed[j * slots + i] = row[j] }
        }
        for k in 0..<keyCount {
          let row = b * keyCount + k
          let key = keys + row * width
          let keyNorm = (dot(width, key, key) + eps).squareRoot()
          keyNorms[row] = keyNorm
          for i in 0..<slots { inverseNorms[i] = 1 / (keyNorm * norms[i] + eps) }
          let s = similarity + row * slots
          s.update(repeating: 0, count: slots)
          for j in 0..<width { axpy(slots, key[j], transposed + j * slots, s) }
          // s ⊙= 1/D and z = β s, eight slots at a time; then the largest z
          // (a scalar pass: SIMD8's horizontal max is a library call).
          let beta = strengths[row]
          let w = weights + row * slots
          let betas = SIMD8<Float>(repeating: beta)
          var i = 0
          while i &+ 8 <= slots {
            let cosine = load8(s + i) * load8(inverseNorms + i)
            store8(cosine, s + i)
            store8(betas * cosine, w + i)
            i &+= 8
          }
          while i < slots {
            s[i] *= inverseNorms[i]
            w[i] = beta * s[i]
            i &+= 1
          }
          var largest = w[0]
          for i in 1..<slots where w[i] > largest { largest = w[i] }
          // Softmax: the exponentials in a loop of their own (it vectorises;
          // a running sum in it would not), then one vectorised sum.
          for i in 0..<slots { w[i] = Float._exp(w[i] - largest) }
          let inverse = 1 / sum(slots, w)
          for i in 0..<slots { w[i] *= inverse }
        }
      }
    }
  }

  /// ``contentWeightsBackward`` in `Float`: the per-slot coefficients are
  /// scalar, the W-long key and memory-row updates vectorised.
  public static func contentWeightsBackwardFloat(
    batch: Int, slots n: Int, width w: Int, keys k: Int,
    memory: UnsafePointer<Float>, keys: UnsafePointer<Float>, strengths: UnsafePointer<Float>,
    weights c: UnsafePointer<Float>, weightsAdjoint cBar: UnsafePointer<Float>,
    memoryNorms: UnsafePointer<Float>, keyNorms: UnsafePointer<Float>, similarity: UnsafePointer<Float>,
    memoryAdjoint memoryBar: UnsafeMutablePointer<Float>?, keysAdjoint keysBar: UnsafeMutablePointer<Float>?,
    strengthsAdjoint strengthsBar: UnsafeMutablePointer<Float>?
  ) {
    let eps = Float(epsilon)
    // Per key: overD_i = s̄_i/D_i, the memory rows' self coefficients
    // −overD_i s_i n_k/n_i, and s_i n_i for the key's self term, each in
    // a loop of its own over the slots (they vectorise).
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 3 * n) { scratch in
      let overD = scratch.baseAddress!
      let memorySelf = overD + n
      let scaledCosine = overD + 2 * n
      for b in 0..<batch {
        let norms = memoryNorms + b * n
        let rows = memory + b * n * w
        for head in 0..<k {
          let row = b * k + head
          let cRow = c + row * n
          let cBarRow = cBar + row * n
          let s = similarity + row * n
          let key = keys + row * w
          let inner = dot(n, cBarRow, cRow)
          let beta = strengths[row]
          let nk = keyNorms[row]
          // z̄ first (β̄ = ⟨z̄, s⟩), then s̄/D = β z̄/D.
          for i in 0..<n { overD[i] = cRow[i] * (cBarRow[i] - inner) }
          strengthsBar?[row] += dot(n, overD, s)
          for i in 0..<n { overD[i] = beta * overD[i] / (nk * norms[i] + eps) }
          if let keysBar {
            // k̄ += Σ_i overD_i M_i − (Σ_i overD_i s_i n_i / n_k) k.
            for i in 0..<n { scaledCosine[i] = s[i] * norms[i] }
            let keyTarget = keysBar + row * w
            accumulateRow(k: n, n: w, a: overD, stride: 1, b: rows, c: keyTarget)
            axpy(w, -dot(n, overD, scaledCosine) / nk, key, keyTarget)
          }
          if let memoryBar {
            // M̄_i += overD_i k − overD_i s_i (n_k/n_i) M_i.
            for i in 0..<n { memorySelf[i] = -overD[i] * s[i] * nk / norms[i] }
            for i in 0..<n {
              axpby(w, overD[i], key, memorySelf[i], rows + i * w, memoryBar + (b * n + i) * w)
            }
          }
        }
      }
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

  // MARK: Read modes

  /// ``mixReadModes`` in `Float`: w^r = π_b·b + π_f·f + π_c·c per row.
  public static func mixReadModesFloat(
    rows: Int, slots n: Int, modes: UnsafePointer<Float>, backward: UnsafePointer<Float>,
    forward: UnsafePointer<Float>, content: UnsafePointer<Float>, result: UnsafeMutablePointer<Float>
  ) {
    for r in 0..<rows {
      let offset = r * n
      let (pb, pf, pc) = (modes[3 * r], modes[3 * r + 1], modes[3 * r + 2])
      let (b, f, c, y) = (backward + offset, forward + offset, content + offset, result + offset)
      let (vb, vf, vc) = (SIMD8<Float>(repeating: pb), SIMD8<Float>(repeating: pf), SIMD8<Float>(repeating: pc))
      var j = 0
      while j &+ 8 <= n {
        store8(vb * load8(b + j) + vf * load8(f + j) + vc * load8(c + j), y + j)
        j &+= 8
      }
      while j < n {
        y[j] = pb * b[j] + pf * f[j] + pc * c[j]
        j &+= 1
      }
    }
  }

  /// ``mixReadModesBackward`` in `Float`.
  public static func mixReadModesBackwardFloat(
    rows: Int, slots n: Int, modes: UnsafePointer<Float>, backward: UnsafePointer<Float>,
    forward: UnsafePointer<Float>, content: UnsafePointer<Float>, resultAdjoint yBar: UnsafePointer<Float>,
    modesAdjoint: UnsafeMutablePointer<Float>?, backwardAdjoint: UnsafeMutablePointer<Float>?,
    forwardAdjoint: UnsafeMutablePointer<Float>?, contentAdjoint: UnsafeMutablePointer<Float>?
  ) {
    for r in 0..<rows {
      let y = yBar + r * n
      let offset = r * n
      if let modesAdjoint {
        modesAdjoint[3 * r] += dot(n, y, backward + offset)
        modesAdjoint[3 * r + 1] += dot(n, y, forward + offset)
        modesAdjoint[3 * r + 2] += dot(n, y, content + offset)
      }
      if let backwardAdjoint { axpy(n, modes[3 * r], y, backwardAdjoint + offset) }
      if let forwardAdjoint { axpy(n, modes[3 * r + 1], y, forwardAdjoint + offset) }
      if let contentAdjoint { axpy(n, modes[3 * r + 2], y, contentAdjoint + offset) }
    }
  }

  // MARK: Fused read weights

  /// t = Lᵀ for one N×N block (row j of t is column j of L), so that products
  /// with Lᵀ are sums of contiguous rows too.
  @inline(__always)
  static func transpose(_ n: Int, _ l: UnsafePointer<Float>, into t: UnsafeMutablePointer<Float>) {
    for i in 0..<n {
      for j in 0..<n { t[j &* n &+ i] = l[i &* n &+ j] }
    }
  }

  /// ``readWeights`` in `Float`, one memory at a time so its N×N link block,
  /// its transpose and the K×N rows stay in L1. Per row,
  /// ŵ_k = π_c c_k + (π_b w_k)·L + (π_f w_k)·Lᵀ: the scaled previous row
  /// (N elements on the stack) multiplies L and the stacked Lᵀ in two
  /// register-resident row accumulations (``accumulateRow``).
  public static func readWeightsFloat(
    batch: Int, heads k: Int, slots n: Int, previous: UnsafePointer<Float>, link: UnsafePointer<Float>,
    modes: UnsafePointer<Float>, content: UnsafePointer<Float>, result: UnsafeMutablePointer<Float>
  ) {
    guard n > 0 else { return }
    withUnsafeTemporaryAllocation(of: Float.self, capacity: n * n + 2 * n) { scratch in
      let transposed = scratch.baseAddress!
      let scaledBackward = transposed + n * n
      let scaledForward = scaledBackward + n
      for b in 0..<batch {
        let l = link + b * n * n
        transpose(n, l, into: transposed)
        for head in 0..<k {
          let row = b * k + head
          let offset = row * n
          let (w, c, y) = (previous + offset, content + offset, result + offset)
          let (pb, pf, pc) = (modes[3 * row], modes[3 * row + 1], modes[3 * row + 2])
          let (vb, vf, vc) = (SIMD8<Float>(repeating: pb), SIMD8<Float>(repeating: pf), SIMD8<Float>(repeating: pc))
          var j = 0
          while j &+ 8 <= n {
            let x = load8(w + j)
            store8(vb * x, scaledBackward + j)
            store8(vf * x, scaledForward + j)
            store8(vc * load8(c + j), y + j)
            j &+= 8
          }
          while j < n {
            scaledBackward[j] = pb * w[j]
            scaledForward[j] = pf * w[j]
            y[j] = pc * c[j]
            j &+= 1
          }
          accumulateRow(k: n, n: n, a: scaledBackward, stride: 1, b: l, c: y)
          accumulateRow(k: n, n: n, a: scaledForward, stride: 1, b: transposed, c: y)
        }
      }
    }
  }

  /// ``readWeightsBackward`` in `Float`, one memory at a time. Per row the
  /// two products of the adjoint, h_b = g_k·Lᵀ and h_f = g_k·L, go to N-long
  /// stack rows; they give both the modes' adjoints (⟨w_k, h⟩) and w̄_k, so
  /// the directional weightings are never formed. For L̄ the rows
  /// G_b = π_b g and G_f = π_f g of the memory are stacked in two K×N
  /// blocks, then L̄_i· += Σ_k w_ki G_b,k· + Σ_k G_f,ki w_k· row by row.
  public static func readWeightsBackwardFloat(
    batch: Int, heads k: Int, slots n: Int, previous: UnsafePointer<Float>, link: UnsafePointer<Float>,
    modes: UnsafePointer<Float>, content: UnsafePointer<Float>, resultAdjoint yBar: UnsafePointer<Float>,
    previousAdjoint: UnsafeMutablePointer<Float>?, linkAdjoint: UnsafeMutablePointer<Float>?,
    modesAdjoint: UnsafeMutablePointer<Float>?, contentAdjoint: UnsafeMutablePointer<Float>?
  ) {
    guard n > 0 else { return }
    let needsDirections = previousAdjoint != nil || modesAdjoint != nil
    let blocks = linkAdjoint == nil ? 0 : 2 * k * n
    withUnsafeTemporaryAllocation(of: Float.self, capacity: n * n + 2 * n + blocks) { scratch in
      let transposed = scratch.baseAddress!
      let hb = transposed + n * n
      let hf = hb + n
      let scaledBackward = hf + n
      let scaledForward = scaledBackward + k * n
      for b in 0..<batch {
        let l = link + b * n * n
        if needsDirections { transpose(n, l, into: transposed) }
        for head in 0..<k {
          let row = b * k + head
          let offset = row * n
          let (w, c, g) = (previous + offset, content + offset, yBar + offset)
          let (pb, pf, pc) = (modes[3 * row], modes[3 * row + 1], modes[3 * row + 2])
          if needsDirections {
            // h_b,i = Σ_j g_j Lᵀ_ji = Σ_j L_ij g_j; h_f,i = Σ_j g_j L_ji.
            hb.update(repeating: 0, count: n)
            hf.update(repeating: 0, count: n)
            accumulateRow(k: n, n: n, a: g, stride: 1, b: transposed, c: hb)
            accumulateRow(k: n, n: n, a: g, stride: 1, b: l, c: hf)
            if let modesAdjoint {
              modesAdjoint[3 * row] += dot(n, w, hb)
              modesAdjoint[3 * row + 1] += dot(n, w, hf)
            }
            if let previousAdjoint { axpby(n, pb, hb, pf, hf, previousAdjoint + offset) }
          }
          if let modesAdjoint { modesAdjoint[3 * row + 2] += dot(n, g, c) }
          if let contentAdjoint { axpy(n, pc, g, contentAdjoint + offset) }
          if linkAdjoint != nil {
            let (vb, vf) = (SIMD8<Float>(repeating: pb), SIMD8<Float>(repeating: pf))
            let (gb, gf) = (scaledBackward + head * n, scaledForward + head * n)
            var j = 0
            while j &+ 8 <= n {
              let x = load8(g + j)
              store8(vb * x, gb + j)
              store8(vf * x, gf + j)
              j &+= 8
            }
            while j < n {
              gb[j] = pb * g[j]
              gf[j] = pf * g[j]
              j &+= 1
            }
          }
        }
        if let linkAdjoint {
          let w = previous + b * k * n
          for i in 0..<n {
            let target = linkAdjoint + (b * n + i) * n
            // (wᵀ G_b)_i· = Σ_k w_ki G_b,k·; (G_fᵀ w)_i· = Σ_k G_f,ki w_k·.
            accumulateRow(k: k, n: n, a: w + i, stride: n, b: scaledBackward, c: target)
            accumulateRow(k: k, n: n, a: scaledForward + i, stride: n, b: w, c: target)
          }
        }
      }
    }
  }
}

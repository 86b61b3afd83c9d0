/// The forward computations of a differentiable neural computer's memory
/// access (Graves et al. 2016, as DeepMind's `dnc` code has them), on raw
/// row-major buffers and batched over B independent memories.
///
/// The tape operations of `Tape+DNC.swift` call these for their forward
/// step, and the race-time `DNCOptimizer` calls them directly, so training
/// and racing run the same arithmetic. They are `@inlinable` so a caller in
/// another module gets a copy specialised for its scalar (no per-element
/// generic dispatch). None allocates: scratch comes from the caller.
public enum DNCKernels {
  /// ε of DeepMind's addressing: inside the norms' square root, added to the
  /// cosine's denominator, and the floor of usage before allocation.
  public static let epsilon = 1e-6

  /// `p` as a `Float` pointer, for the generic kernels' `Float` fast paths
  /// (called only when `S` is `Float`).
  @inlinable @inline(__always)
  static func float<S>(_ p: UnsafePointer<S>) -> UnsafePointer<Float> {
    UnsafeRawPointer(p).assumingMemoryBound(to: Float.self)
  }

  /// `p` as a mutable `Float` pointer (see ``float(_:)``).
  @inlinable @inline(__always)
  static func float<S>(_ p: UnsafeMutablePointer<S>) -> UnsafeMutablePointer<Float> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
  }

  /// Content addressing C(M, k, β) = softmax_i(β · D(k, M_i)) with the
  /// cosine D(k, m) = k·m / (‖k‖_ε‖m‖_ε + ε) and ‖x‖_ε = √(Σx² + ε), so a
  /// zero memory row or key gives D = 0 (uniform weights), never NaN.
  ///
  /// - Parameters: memory B×N×W; keys B×K×W; strengths B×K (already
  ///   positive); weights B×K×N out; memoryNorms B×N, keyNorms B×K and
  ///   similarity B×K×N out (the backward pass needs them).
  @inlinable
  public static func contentWeights<S: TensorScalar>(
    batch: Int, slots: Int, width: Int, keys keyCount: Int,
    memory: UnsafePointer<S>, keys: UnsafePointer<S>, strengths: UnsafePointer<S>,
    weights: UnsafeMutablePointer<S>, memoryNorms: UnsafeMutablePointer<S>,
    keyNorms: UnsafeMutablePointer<S>, similarity: UnsafeMutablePointer<S>
  ) {
    if S.self == Float.self {
      contentWeightsFloat(
        batch: batch, slots: slots, width: width, keys: keyCount, memory: float(memory), keys: float(keys),
        strengths: float(strengths), weights: float(weights), memoryNorms: float(memoryNorms),
        keyNorms: float(keyNorms), similarity: float(similarity))
      return
    }
    let eps = S(epsilon)
    for b in 0..<batch {
      let m = memory + b * slots * width
      for i in 0..<slots {
        var total: S = eps
        for j in 0..<width { total += m[i * width + j] * m[i * width + j] }
        memoryNorms[b * slots + i] = total.squareRoot()
      }
      for k in 0..<keyCount {
        let row = b * keyCount + k
        let key = keys + row * width
        var total: S = eps
        for j in 0..<width { total += key[j] * key[j] }
        let keyNorm = total.squareRoot()
        keyNorms[row] = keyNorm
        let beta = strengths[row]
        let s = similarity + row * slots
        let w = weights + row * slots
        var largest = -S.infinity
        for i in 0..<slots {
          var dot: S = 0
          for j in 0..<width { dot += key[j] * m[i * width + j] }
          s[i] = dot / (keyNorm * memoryNorms[b * slots + i] + eps)
          w[i] = beta * s[i]
          largest = Swift.max(largest, w[i])
        }
        var sum: S = 0
        for i in 0..<slots {
          w[i] = S._exp(w[i] - largest)
          sum += w[i]
        }
        for i in 0..<slots { w[i] /= sum }
      }
    }
  }

  /// Usage u_t = (u + w − u⊙w) ⊙ ψ with the retention ψ = Π_j (1 − f_j w^{r,j}),
  /// from the previous write weights w (B×N), free gates f (B×R) and the
  /// previous read weights (B×R×N).
  @inlinable
  public static func usage<S: TensorScalar>(
    batch: Int, slots: Int, heads: Int,
    usage: UnsafePointer<S>, write: UnsafePointer<S>, freeGates: UnsafePointer<S>,
    reads: UnsafePointer<S>, result: UnsafeMutablePointer<S>
  ) {
    if S.self == Float.self {
      usageFloat(
        batch: batch, slots: slots, heads: heads, usage: float(usage), write: float(write),
        freeGates: float(freeGates), reads: float(reads), result: float(result))
      return
    }
    for b in 0..<batch {
      for i in 0..<slots {
        let index = b * slots + i
        var psi: S = 1
        for j in 0..<heads { psi *= 1 - freeGates[b * heads + j] * reads[(b * heads + j) * slots + i] }
        let u = usage[index]
        let w = write[index]
        result[index] = (u + w - u * w) * psi
      }
    }
  }

  /// Allocation weights: with û = ε + (1−ε)u sorted ascending (a stable
  /// sort, ties by slot index) into s = û[φ], a[φ_j] = (1 − s_j)·Π_{k<j} s_k.
  /// The exclusive product is a running product (no division, so exact
  /// zeros are safe). Writes the permutation φ (as scalars), s and the
  /// exclusive products π (each B×N) for the backward pass.
  @inlinable
  public static func allocation<S: TensorScalar>(
    batch: Int, slots: Int, usage: UnsafePointer<S>, result: UnsafeMutablePointer<S>,
    permutation: UnsafeMutablePointer<S>, sorted: UnsafeMutablePointer<S>,
    products: UnsafeMutablePointer<S>
  ) {
    if S.self == Float.self {
      allocationFloat(
        batch: batch, slots: slots, usage: float(usage), result: float(result), permutation: float(permutation),
        sorted: float(sorted), products: float(products))
      return
    }
    let eps = S(epsilon)
    for b in 0..<batch {
      let base = b * slots
      // Insertion sort: N is small and it is stable.
      for i in 0..<slots {
        let value = eps + (1 - eps) * usage[base + i]
        var j = i
        while j > 0 && sorted[base + j - 1] > value {
          sorted[base + j] = sorted[base + j - 1]
          permutation[base + j] = permutation[base + j - 1]
          j -= 1
        }
        sorted[base + j] = value
        permutation[base + j] = S(i)
      }
      var running: S = 1
      for j in 0..<slots {
        products[base + j] = running
        result[base + Int(permutation[base + j])] = (1 - sorted[base + j]) * running
        running *= sorted[base + j]
      }
    }
  }

  /// Write weights w = g^w·(g^a·a + (1 − g^a)·c) from allocation a and
  /// content weights c (B×N) and the gates (B each).
  @inlinable
  public static func writeWeights<S: TensorScalar>(
    batch: Int, slots: Int, allocation: UnsafePointer<S>, content: UnsafePointer<S>,
    allocationGate: UnsafePointer<S>, writeGate: UnsafePointer<S>, result: UnsafeMutablePointer<S>
  ) {
    if S.self == Float.self {
      writeWeightsFloat(
        batch: batch, slots: slots, allocation: float(allocation), content: float(content),
        allocationGate: float(allocationGate), writeGate: float(writeGate), result: float(result))
      return
    }
    for b in 0..<batch {
      let ga = allocationGate[b]
      let gw = writeGate[b]
      for i in 0..<slots {
        let index = b * slots + i
        result[index] = gw * (ga * allocation[index] + (1 - ga) * content[index])
      }
    }
  }

  /// Erase then write: M' = M ⊙ (1 − w eᵀ) + w vᵀ (M B×N×W, w B×N, e and v B×W).
  @inlinable
  public static func eraseWrite<S: TensorScalar>(
    batch: Int, slots: Int, width: Int, memory: UnsafePointer<S>, weights: UnsafePointer<S>,
    erase: UnsafePointer<S>, values: UnsafePointer<S>, result: UnsafeMutablePointer<S>
  ) {
    if S.self == Float.self {
      eraseWriteFloat(
        batch: batch, slots: slots, width: width, memory: float(memory), weights: float(weights),
        erase: float(erase), values: float(values), result: float(result))
      return
    }
    for b in 0..<batch {
      for i in 0..<slots {
        let w = weights[b * slots + i]
        let row = (b * slots + i) * width
        for j in 0..<width {
          result[row + j] = memory[row + j] * (1 - w * erase[b * width + j]) + w * values[b * width + j]
        }
      }
    }
  }

  /// Precedence p' = (1 − Σ_i w_i)·p + w (B×N).
  @inlinable
  public static func precedence<S: TensorScalar>(
    batch: Int, slots: Int, precedence: UnsafePointer<S>, weights: UnsafePointer<S>,
    result: UnsafeMutablePointer<S>
  ) {
    if S.self == Float.self {
      precedenceFloat(
        batch: batch, slots: slots, precedence: float(precedence), weights: float(weights), result: float(result))
      return
    }
    for b in 0..<batch {
      var total: S = 0
      for i in 0..<slots { total += weights[b * slots + i] }
      for i in 0..<slots {
        let index = b * slots + i
        result[index] = (1 - total) * precedence[index] + weights[index]
      }
    }
  }

  /// Temporal links L'_ij = (1 − w_i − w_j)·L_ij + w_i·p_j off the diagonal,
  /// 0 on it (L B×N×N, p the previous precedence and w B×N).
  @inlinable
  public static func link<S: TensorScalar>(
    batch: Int, slots: Int, link: UnsafePointer<S>, precedence: UnsafePointer<S>,
    weights: UnsafePointer<S>, result: UnsafeMutablePointer<S>
  ) {
    if S.self == Float.self {
      linkFloat(
        batch: batch, slots: slots, link: float(link), precedence: float(precedence), weights: float(weights),
        result: float(result))
      return
    }
    for b in 0..<batch {
      let w = weights + b * slots
      let p = precedence + b * slots
      for i in 0..<slots {
        let row = (b * slots + i) * slots
        for j in 0..<slots {
          result[row + j] = i == j ? 0 : (1 - w[i] - w[j]) * link[row + j] + w[i] * p[j]
        }
      }
    }
  }

  /// The backward pass of ``contentWeights``: adds the adjoints of the
  /// memory, keys and strengths (each optional) from the weights c and their
  /// adjoint c̄, using the norms and similarities the forward pass saved.
  /// With z̄ = c ⊙ (c̄ − ⟨c̄, c⟩), s the cosine and D_i = n_k n_i + ε:
  /// β̄ = Σ z̄_i s_i, s̄ = β z̄, k̄ = Σ_i s̄_i (M_i/D_i − s_i n_i k/(D_i n_k)),
  /// M̄_i = s̄_i (k/D_i − s_i n_k M_i/(D_i n_i)).
  @inlinable
  public static func contentWeightsBackward<S: TensorScalar>(
    batch: Int, slots n: Int, width w: Int, keys k: Int,
    memory: UnsafePointer<S>, keys: UnsafePointer<S>, strengths: UnsafePointer<S>,
    weights c: UnsafePointer<S>, weightsAdjoint cBar: UnsafePointer<S>,
    memoryNorms: UnsafePointer<S>, keyNorms: UnsafePointer<S>, similarity: UnsafePointer<S>,
    memoryAdjoint memoryBar: UnsafeMutablePointer<S>?, keysAdjoint keysBar: UnsafeMutablePointer<S>?,
    strengthsAdjoint strengthsBar: UnsafeMutablePointer<S>?
  ) {
    if S.self == Float.self {
      contentWeightsBackwardFloat(
        batch: batch, slots: n, width: w, keys: k, memory: float(memory), keys: float(keys),
        strengths: float(strengths), weights: float(c), weightsAdjoint: float(cBar),
        memoryNorms: float(memoryNorms), keyNorms: float(keyNorms), similarity: float(similarity),
        memoryAdjoint: memoryBar.map { float($0) }, keysAdjoint: keysBar.map { float($0) },
        strengthsAdjoint: strengthsBar.map { float($0) })
      return
    }
    let eps = S(epsilon)
    for b in 0..<batch {
      for head in 0..<k {
        let row = b * k + head
        var inner: S = 0
        for i in 0..<n { inner += cBar[row * n + i] * c[row * n + i] }
        let beta = strengths[row]
        let nk = keyNorms[row]
        var betaBar: S = 0
        for i in 0..<n {
          let zBar = c[row * n + i] * (cBar[row * n + i] - inner)
          let s = similarity[row * n + i]
          betaBar += zBar * s
          let sBar = beta * zBar
          let ni = memoryNorms[b * n + i]
          let d = nk * ni + eps
          let m = (b * n + i) * w
          // Divisions hoisted out of the W-long loops.
          let overD = sBar / d
          if let keysBar {
            let selfTerm = overD * s * ni / nk
            for j in 0..<w { keysBar[row * w + j] += overD * memory[m + j] - selfTerm * keys[row * w + j] }
          }
          if let memoryBar {
            let selfTerm = overD * s * nk / ni
            for j in 0..<w { memoryBar[m + j] += overD * keys[row * w + j] - selfTerm * memory[m + j] }
          }
        }
        strengthsBar?[row] += betaBar
      }
    }
  }

  /// Read weights straight from the previous read weights and the links,
  /// ŵ_k = π_{k,b}·(w_k L) + π_{k,f}·(w_k Lᵀ) + π_{k,c}·c_k for every row k
  /// (one head of one coordinate): previous weights w and content weights c
  /// B×K×N, link L B×N×N, modes B×K×3 in the order [backward, forward,
  /// content]. The same function as two ``batchedMatmul`` calls mixed row by
  /// row, without the directional weightings w·L and w·Lᵀ as buffers of
  /// their own (the Double loops sum in the same order as that composition).
  @inlinable
  public static func readWeights<S: TensorScalar>(
    batch: Int, heads k: Int, slots n: Int, previous: UnsafePointer<S>, link: UnsafePointer<S>,
    modes: UnsafePointer<S>, content: UnsafePointer<S>, result: UnsafeMutablePointer<S>
  ) {
    if S.self == Float.self {
      readWeightsFloat(
        batch: batch, heads: k, slots: n, previous: float(previous), link: float(link), modes: float(modes),
        content: float(content), result: float(result))
      return
    }
    for b in 0..<batch {
      let l = link + b * n * n
      for head in 0..<k {
        let row = b * k + head
        let (w, c, y) = (previous + row * n, content + row * n, result + row * n)
        let (pb, pf, pc) = (modes[3 * row], modes[3 * row + 1], modes[3 * row + 2])
        for j in 0..<n {
          // (w L)_j = Σ_i w_i L_ij and (w Lᵀ)_j = Σ_i w_i L_ji.
          var backward: S = 0
          var forward: S = 0
          for i in 0..<n {
            backward += w[i] * l[i * n + j]
            forward += w[i] * l[j * n + i]
          }
          y[j] = pb * backward + pf * forward + pc * c[j]
        }
      }
    }
  }

  /// The backward pass of ``readWeights`` (derivation at
  /// `Tape.dncReadWeights`): with g = ∂/∂ŵ, h_b = g_k Lᵀ and h_f = g_k L per
  /// row, π̄_{k,b} += ⟨w_k, h_b⟩, π̄_{k,f} += ⟨w_k, h_f⟩, π̄_{k,c} += ⟨g_k, c_k⟩,
  /// w̄_k += π_{k,b} h_b + π_{k,f} h_f, c̄_k += π_{k,c} g_k and
  /// L̄_ij += Σ_k π_{k,b} w_ki g_kj + π_{k,f} g_ki w_kj (each adjoint optional).
  @inlinable
  public static func readWeightsBackward<S: TensorScalar>(
    batch: Int, heads k: Int, slots n: Int, previous: UnsafePointer<S>, link: UnsafePointer<S>,
    modes: UnsafePointer<S>, content: UnsafePointer<S>, resultAdjoint yBar: UnsafePointer<S>,
    previousAdjoint: UnsafeMutablePointer<S>?, linkAdjoint: UnsafeMutablePointer<S>?,
    modesAdjoint: UnsafeMutablePointer<S>?, contentAdjoint: UnsafeMutablePointer<S>?
  ) {
    if S.self == Float.self {
      readWeightsBackwardFloat(
        batch: batch, heads: k, slots: n, previous: float(previous), link: float(link), modes: float(modes),
        content: float(content), resultAdjoint: float(yBar), previousAdjoint: previousAdjoint.map { float($0) },
        linkAdjoint: linkAdjoint.map { float($0) }, modesAdjoint: modesAdjoint.map { float($0) },
        contentAdjoint: contentAdjoint.map { float($0) })
      return
    }
    let needsDirections = previousAdjoint != nil || modesAdjoint != nil
    for b in 0..<batch {
      let l = link + b * n * n
      for head in 0..<k {
        let row = b * k + head
        let (w, c, g) = (previous + row * n, content + row * n, yBar + row * n)
        let (pb, pf, pc) = (modes[3 * row], modes[3 * row + 1], modes[3 * row + 2])
        if needsDirections {
          var backwardBar: S = 0
          var forwardBar: S = 0
          for i in 0..<n {
            // h_b,i = Σ_j L_ij g_j and h_f,i = Σ_j L_ji g_j.
            var hb: S = 0
            var hf: S = 0
            for j in 0..<n {
              hb += l[i * n + j] * g[j]
              hf += l[j * n + i] * g[j]
            }
            backwardBar += w[i] * hb
            forwardBar += w[i] * hf
            previousAdjoint?[row * n + i] += pb * hb + pf * hf
          }
          modesAdjoint?[3 * row] += backwardBar
          modesAdjoint?[3 * row + 1] += forwardBar
        }
        if let modesAdjoint {
          var contentBar: S = 0
          for i in 0..<n { contentBar += g[i] * c[i] }
          modesAdjoint[3 * row + 2] += contentBar
        }
        if let contentAdjoint {
          for i in 0..<n { contentAdjoint[row * n + i] += pc * g[i] }
        }
        if let linkAdjoint {
          let target = linkAdjoint + b * n * n
          for i in 0..<n {
            let (backwardScale, forwardScale) = (pb * w[i], pf * g[i])
            for j in 0..<n { target[i * n + j] += backwardScale * g[j] + forwardScale * w[j] }
          }
        }
      }
    }
  }

  /// C_b = op(A_b)·op(B_b) for every b of a batch of row-major matrices:
  /// A_b m×k (or k×m transposed), B_b k×n (or n×k), C_b m×n; one GEMM each.
  @inlinable
  public static func batchedMatmul<S: TensorScalar>(
    batch: Int, m: Int, n: Int, k: Int, a: UnsafePointer<S>, transposeA: Bool,
    b: UnsafePointer<S>, transposeB: Bool, c: UnsafeMutablePointer<S>, accumulate: Bool = false
  ) {
    if S.self == Float.self && m * n * k <= 32_768 {
      batchedMatmulFloat(
        batch: batch, m: m, n: n, k: k, a: float(a), transposeA: transposeA, b: float(b), transposeB: transposeB,
        c: float(c), accumulate: accumulate)
      return
    }
    // Small products (the DNC's are ≤ 20×16×16 per optimizee) cost less as
    // plain loops than as one BLAS call each.
    if m * n * k <= 32_768 {
      for index in 0..<batch {
        let (aa, bb, cc) = (a + index * m * k, b + index * k * n, c + index * m * n)
        if !accumulate { for e in 0..<(m * n) { cc[e] = 0 } }
        if transposeB && !transposeA {
          // C_ij += Σ_p A_ip B_jp: contiguous dot products.
          for i in 0..<m {
            let arow = aa + i * k
            let crow = cc + i * n
            for j in 0..<n {
              let brow = bb + j * k
              var total: S = 0
              for p in 0..<k { total += arow[p] * brow[p] }
              crow[j] += total
            }
          }
          continue
        }
        // C_i· += x·B_p· (row p of B, or column p of Bᵀ read with stride).
        for i in 0..<m {
          let crow = cc + i * n
          for p in 0..<k {
            let x = transposeA ? aa[p * m + i] : aa[i * k + p]
            if transposeB {
              for j in 0..<n { crow[j] += x * bb[j * k + p] }
            } else {
              let brow = bb + p * n
              for j in 0..<n { crow[j] += x * brow[j] }
            }
          }
        }
      }
      return
    }
    for index in 0..<batch {
      S._gemm(
        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1,
        a: a + index * m * k, lda: transposeA ? m : k, b: b + index * k * n, ldb: transposeB ? k : n,
        beta: accumulate ? 1 : 0, c: c + index * m * n, ldc: n)
    }
  }
}

/// The memory-access operations of a differentiable neural computer as tape
/// operations, each a fused forward (``DNCKernels``) with a hand-written
/// backward pass (derivations in docs/dnc-optimizer.md). Tensors are batched
/// over B independent memories: memory B×N×W, per-memory vectors B×N,
/// per-head quantities B×K×….
///
/// Backward closures read their sizes from the inputs' shapes and capture
/// nothing, so recording them allocates no closure context.
extension Tape {
  /// Content weights softmax_i(β_k · cos_ε(k, M_i)) of K keys per memory.
  ///
  /// memory B×N×W, keys B×K×W, strengths B×K (positive: pass them through
  /// oneplus first) → B×K×N. Keys and strengths may come in any shape with
  /// those element counts (row-major, memory-major): a B·n×R·W slice of
  /// per-coordinate keys is already B×nR×W, so no reshape (a copy on the
  /// tape) is needed. Backward, with s the cosine, D_i = n_k n_i + ε and
  /// z̄ = c ⊙ (c̄ − ⟨c̄, c⟩): β̄ = Σ z̄_i s_i, s̄ = β z̄,
  /// k̄ = Σ_i s̄_i (M_i/D_i − s_i n_i k/(D_i n_k)),
  /// M̄_i = s̄_i (k/D_i − s_i n_k M_i/(D_i n_i)).
  @inlinable
  public func dncContentWeights(
    memory: Variable<Scalar>, keys: Variable<Scalar>, strengths: Variable<Scalar>
  ) -> Variable<Scalar> {
    precondition(
      memory.shape.rank == 3 && memory.shape[0] > 0 && strengths.shape.count % memory.shape[0] == 0
        && keys.shape.count == strengths.shape.count * memory.shape[2],
      "Tape.dncContentWeights: memory \(memory.shape), keys \(keys.shape), strengths \(strengths.shape)")
    let (b, n, w) = (memory.shape[0], memory.shape[1], memory.shape[2])
    let k = strengths.shape.count / b
    return custom(
      inputs: [memory, keys, strengths], shape: [b, k, n], savedCount: b * n + b * k + b * k * n
    ) { context in
      let saved = context.saved.baseAddress!
      DNCKernels.contentWeights(
        batch: b, slots: n, width: w, keys: k, memory: context.input(0).baseAddress!,
        keys: context.input(1).baseAddress!, strengths: context.input(2).baseAddress!,
        weights: context.output.baseAddress!, memoryNorms: saved, keyNorms: saved + b * n,
        similarity: saved + b * n + b * k)
    } backward: { context in
      let (b, n, w) = (context.inputShape(0)[0], context.inputShape(0)[1], context.inputShape(0)[2])
      let k = context.inputShape(2).count / b
      let saved = context.saved.baseAddress!
      DNCKernels.contentWeightsBackward(
        batch: b, slots: n, width: w, keys: k, memory: context.input(0).baseAddress!,
        keys: context.input(1).baseAddress!, strengths: context.input(2).baseAddress!,
        weights: context.output.baseAddress!, weightsAdjoint: context.outputAdjoint.baseAddress!,
        memoryNorms: saved, keyNorms: saved + b * n, similarity: saved + b * n + b * k,
        memoryAdjoint: context.inputAdjoint(0)?.baseAddress, keysAdjoint: context.inputAdjoint(1)?.baseAddress,
        strengthsAdjoint: context.inputAdjoint(2)?.baseAddress)
    }
  }

  /// Usage (u + w − u⊙w) ⊙ Π_j(1 − f_j w^{r,j}) from the previous usage
  /// u (B×N), the previous write weights w (B×N), the free gates f (B×R) and
  /// the previous read weights (B×R×N).
  ///
  /// By default w receives no gradient (DeepMind's `stop_gradient`): usage
  /// only books which slots were written. With `stopWriteGradient: false`,
  /// w̄ = ū'⊙ψ⊙(1−u) flows too — for gradient checks, where finite
  /// differences see the whole function. Backward: ū = ū'⊙ψ⊙(1−w), ψ̄ = ū'⊙(u+w−uw),
  /// and each factor x_j = 1 − f_j w^{r,j} gets ψ̄·Π_{l≠j} x_l (products, no
  /// division, so a factor of exactly 0 is safe).
  @inlinable
  public func dncUsage(
    usage: Variable<Scalar>, previousWrite: Variable<Scalar>, freeGates: Variable<Scalar>,
    previousReads: Variable<Scalar>, stopWriteGradient: Bool = true
  ) -> Variable<Scalar> {
    precondition(
      usage.shape.rank == 2 && previousWrite.shape == usage.shape && freeGates.shape.rank == 2
        && previousReads.shape == [usage.shape[0], freeGates.shape[1], usage.shape[1]],
      "Tape.dncUsage: usage \(usage.shape), write \(previousWrite.shape), free \(freeGates.shape), "
        + "reads \(previousReads.shape)")
    let (b, n, r) = (usage.shape[0], usage.shape[1], freeGates.shape[1])
    return custom(
      inputs: [usage, previousWrite, freeGates, previousReads], shape: usage.shape, savedCount: 1
    ) { context in
      context.saved[0] = stopWriteGradient ? 1 : 0
      DNCKernels.usage(
        batch: b, slots: n, heads: r, usage: context.input(0).baseAddress!,
        write: context.input(1).baseAddress!, freeGates: context.input(2).baseAddress!,
        reads: context.input(3).baseAddress!, result: context.output.baseAddress!)
    } backward: { context in
      let (b, n, r) = (context.inputShape(0)[0], context.inputShape(0)[1], context.inputShape(2)[1])
      let u = context.input(0)
      let w = context.input(1)
      let f = context.input(2)
      let reads = context.input(3)
      let yBar = context.outputAdjoint
      let uBar = context.inputAdjoint(0)
      let wBar = context.saved[0] != 0 ? nil : context.inputAdjoint(1)
      let fBar = context.inputAdjoint(2)
      let readsBar = context.inputAdjoint(3)
      if Scalar.self == Float.self {
        DNCKernels.usageBackwardFloat(
          batch: b, slots: n, heads: r, usage: DNCKernels.float(u.baseAddress!), write: DNCKernels.float(w.baseAddress!),
          freeGates: DNCKernels.float(f.baseAddress!), reads: DNCKernels.float(reads.baseAddress!),
          resultAdjoint: DNCKernels.float(yBar.baseAddress!), usageAdjoint: uBar.map { DNCKernels.float($0.baseAddress!) },
          writeAdjoint: wBar.map { DNCKernels.float($0.baseAddress!) },
          freeGatesAdjoint: fBar.map { DNCKernels.float($0.baseAddress!) },
          readsAdjoint: readsBar.map { DNCKernels.float($0.baseAddress!) })
        return
      }
      for batch in 0..<b {
        for i in 0..<n {
          let index = batch * n + i
          var psi: Scalar = 1
          for j in 0..<r { psi *= 1 - f[batch * r + j] * reads[(batch * r + j) * n + i] }
          uBar?[index] += yBar[index] * psi * (1 - w[index])
          wBar?[index] += yBar[index] * psi * (1 - u[index])
          let psiBar = yBar[index] * (u[index] + w[index] - u[index] * w[index])
          for j in 0..<r {
            var others: Scalar = 1
            for l in 0..<r where l != j { others *= 1 - f[batch * r + l] * reads[(batch * r + l) * n + i] }
            let xBar = psiBar * others
            fBar?[batch * r + j] -= xBar * reads[(batch * r + j) * n + i]
            readsBar?[(batch * r + j) * n + i] -= xBar * f[batch * r + j]
          }
        }
      }
    }
  }

  /// Allocation weights from usage (B×N → B×N): slots sorted by
  /// û = ε + (1−ε)u, a[φ_j] = (1 − û[φ_j])·Π_{k<j} û[φ_k].
  ///
  /// The sort permutation is a constant of the backward pass (gradient reaches
  /// the sorted values only; ties break by slot index). The exclusive
  /// cumulative product is differentiated without division:
  /// s̄_i += π_i·S_i with S_{N−1} = 0 and S_i = π̄_{i+1} + s_{i+1}·S_{i+1}.
  @inlinable
  public func dncAllocation(usage: Variable<Scalar>) -> Variable<Scalar> {
    precondition(usage.shape.rank == 2, "Tape.dncAllocation: usage must be B×N, not \(usage.shape)")
    let (b, n) = (usage.shape[0], usage.shape[1])
    return custom(inputs: [usage], shape: usage.shape, savedCount: 3 * b * n) { context in
      let saved = context.saved.baseAddress!
      DNCKernels.allocation(
        batch: b, slots: n, usage: context.input(0).baseAddress!, result: context.output.baseAddress!,
        permutation: saved, sorted: saved + b * n, products: saved + 2 * b * n)
    } backward: { context in
      guard let uBar = context.inputAdjoint(0) else { return }
      let (b, n) = (context.inputShape(0)[0], context.inputShape(0)[1])
      let eps = Scalar(DNCKernels.epsilon)
      let permutation = context.saved.baseAddress!
      let sorted = permutation + b * n
      let products = sorted + b * n
      let aBar = context.outputAdjoint
      if Scalar.self == Float.self {
        DNCKernels.allocationBackwardFloat(
          batch: b, slots: n, permutation: DNCKernels.float(permutation), sorted: DNCKernels.float(sorted),
          products: DNCKernels.float(products), resultAdjoint: DNCKernels.float(aBar.baseAddress!),
          usageAdjoint: DNCKernels.float(uBar.baseAddress!))
        return
      }
      for batch in 0..<b {
        let base = batch * n
        // S_j runs from the end; s̄_j = −â̄_j π_j + π_j S_j.
        var suffix: Scalar = 0
        for j in stride(from: n - 1, through: 0, by: -1) {
          let slot = Int(permutation[base + j])
          let hatBar = aBar[base + slot]
          let sBar = -hatBar * products[base + j] + products[base + j] * suffix
          uBar[base + slot] += (1 - eps) * sBar
          let piBar = hatBar * (1 - sorted[base + j])
          suffix = piBar + sorted[base + j] * suffix
        }
      }
    }
  }

  /// Write weights g^w·(g^a·a + (1 − g^a)·c): allocation and content
  /// weights B×N, gates B.
  @inlinable
  public func dncWriteWeights(
    allocation: Variable<Scalar>, content: Variable<Scalar>, allocationGate: Variable<Scalar>,
    writeGate: Variable<Scalar>
  ) -> Variable<Scalar> {
    precondition(
      allocation.shape.rank == 2 && content.shape == allocation.shape
        && allocationGate.shape.count == allocation.shape[0] && writeGate.shape.count == allocation.shape[0],
      "Tape.dncWriteWeights: allocation \(allocation.shape), content \(content.shape), "
        + "gates \(allocationGate.shape) \(writeGate.shape)")
    let (b, n) = (allocation.shape[0], allocation.shape[1])
    return custom(inputs: [allocation, content, allocationGate, writeGate], shape: allocation.shape) { c in
      DNCKernels.writeWeights(
        batch: b, slots: n, allocation: c.input(0).baseAddress!, content: c.input(1).baseAddress!,
        allocationGate: c.input(2).baseAddress!, writeGate: c.input(3).baseAddress!,
        result: c.output.baseAddress!)
    } backward: { context in
      let (b, n) = (context.inputShape(0)[0], context.inputShape(0)[1])
      let a = context.input(0)
      let c = context.input(1)
      let ga = context.input(2)
      let gw = context.input(3)
      let yBar = context.outputAdjoint
      let (aBar, cBar) = (context.inputAdjoint(0), context.inputAdjoint(1))
      let (gaAdjoint, gwAdjoint) = (context.inputAdjoint(2), context.inputAdjoint(3))
      if Scalar.self == Float.self {
        DNCKernels.writeWeightsBackwardFloat(
          batch: b, slots: n, allocation: DNCKernels.float(a.baseAddress!), content: DNCKernels.float(c.baseAddress!),
          allocationGate: DNCKernels.float(ga.baseAddress!), writeGate: DNCKernels.float(gw.baseAddress!),
          resultAdjoint: DNCKernels.float(yBar.baseAddress!),
          allocationAdjoint: aBar.map { DNCKernels.float($0.baseAddress!) },
          contentAdjoint: cBar.map { DNCKernels.float($0.baseAddress!) },
          allocationGateAdjoint: gaAdjoint.map { DNCKernels.float($0.baseAddress!) },
          writeGateAdjoint: gwAdjoint.map { DNCKernels.float($0.baseAddress!) })
        return
      }
      for batch in 0..<b {
        var gwBar: Scalar = 0
        var gaBar: Scalar = 0
        for i in 0..<n {
          let index = batch * n + i
          let y = yBar[index]
          gwBar += y * (ga[batch] * a[index] + (1 - ga[batch]) * c[index])
          gaBar += y * gw[batch] * (a[index] - c[index])
          aBar?[index] += y * gw[batch] * ga[batch]
          cBar?[index] += y * gw[batch] * (1 - ga[batch])
        }
        gaAdjoint?[batch] += gaBar
        gwAdjoint?[batch] += gwBar
      }
    }
  }

  /// Erase then write, M ⊙ (1 − w eᵀ) + w vᵀ: memory B×N×W, weights B×N,
  /// erase and write vectors B×W. Backward: M̄ = M̄'⊙(1 − weᵀ),
  /// w̄_i = Σ_j M̄'_ij (v_j − M_ij e_j), ē_j = −Σ_i M̄'_ij M_ij w_i, v̄ = M̄'ᵀw.
  @inlinable
  public func dncEraseWrite(
    memory: Variable<Scalar>, weights: Variable<Scalar>, erase: Variable<Scalar>, values: Variable<Scalar>
  ) -> Variable<Scalar> {
    precondition(
      memory.shape.rank == 3 && weights.shape == [memory.shape[0], memory.shape[1]]
        && erase.shape == [memory.shape[0], memory.shape[2]] && values.shape == erase.shape,
      "Tape.dncEraseWrite: memory \(memory.shape), weights \(weights.shape), erase \(erase.shape), "
        + "values \(values.shape)")
    let (b, n, w) = (memory.shape[0], memory.shape[1], memory.shape[2])
    return custom(inputs: [memory, weights, erase, values], shape: memory.shape) { c in
      DNCKernels.eraseWrite(
        batch: b, slots: n, width: w, memory: c.input(0).baseAddress!, weights: c.input(1).baseAddress!,
        erase: c.input(2).baseAddress!, values: c.input(3).baseAddress!, result: c.output.baseAddress!)
    } backward: { context in
      let (b, n, w) = (context.inputShape(0)[0], context.inputShape(0)[1], context.inputShape(0)[2])
      let memory = context.input(0)
      let weights = context.input(1)
      let erase = context.input(2)
      let values = context.input(3)
      let yBar = context.outputAdjoint
      if Scalar.self == Float.self {
        // The kernel writes each element of M̄ once, so the first consumer
        // (this step, for all but the last memory) stores it unzeroed.
        let memoryBar = context.inputAdjointForOverwrite(0)
        let (weightsBar, eraseBar, valuesBar) = (context.inputAdjoint(1), context.inputAdjoint(2), context.inputAdjoint(3))
        DNCKernels.eraseWriteBackwardFloat(
          batch: b, slots: n, width: w, memory: DNCKernels.float(memory.baseAddress!),
          weights: DNCKernels.float(weights.baseAddress!), erase: DNCKernels.float(erase.baseAddress!),
          values: DNCKernels.float(values.baseAddress!), resultAdjoint: DNCKernels.float(yBar.baseAddress!),
          memoryAdjoint: memoryBar.map { DNCKernels.float($0.buffer.baseAddress!) },
          weightsAdjoint: weightsBar.map { DNCKernels.float($0.baseAddress!) },
          eraseAdjoint: eraseBar.map { DNCKernels.float($0.baseAddress!) },
          valuesAdjoint: valuesBar.map { DNCKernels.float($0.baseAddress!) },
          storeMemoryAdjoint: memoryBar?.overwrite ?? false)
        return
      }
      let memoryBar = context.inputAdjoint(0)
      let weightsBar = context.inputAdjoint(1)
      let eraseBar = context.inputAdjoint(2)
      let valuesBar = context.inputAdjoint(3)
      for batch in 0..<b {
        for i in 0..<n {
          let wi = weights[batch * n + i]
          let row = (batch * n + i) * w
          var wBar: Scalar = 0
          for j in 0..<w {
            let y = yBar[row + j]
            let e = erase[batch * w + j]
            memoryBar?[row + j] += y * (1 - wi * e)
            wBar += y * (values[batch * w + j] - memory[row + j] * e)
            eraseBar?[batch * w + j] -= y * memory[row + j] * wi
            valuesBar?[batch * w + j] += y * wi
          }
          weightsBar?[batch * n + i] += wBar
        }
      }
    }
  }

  /// Precedence (1 − Σw)·p + w (B×N each). Backward: p̄ = (1 − Σw)·p̄',
  /// w̄_i = p̄'_i − ⟨p̄', p⟩.
  @inlinable
  public func dncPrecedence(precedence: Variable<Scalar>, weights: Variable<Scalar>) -> Variable<Scalar> {
    precondition(
      precedence.shape.rank == 2 && weights.shape == precedence.shape,
      "Tape.dncPrecedence: precedence \(precedence.shape), weights \(weights.shape)")
    let (b, n) = (precedence.shape[0], precedence.shape[1])
    return custom(inputs: [precedence, weights], shape: precedence.shape) { c in
      DNCKernels.precedence(
        batch: b, slots: n, precedence: c.input(0).baseAddress!, weights: c.input(1).baseAddress!,
        result: c.output.baseAddress!)
    } backward: { context in
      let (b, n) = (context.inputShape(0)[0], context.inputShape(0)[1])
      let p = context.input(0)
      let w = context.input(1)
      let yBar = context.outputAdjoint
      let (pBar, wBar) = (context.inputAdjoint(0), context.inputAdjoint(1))
      if Scalar.self == Float.self {
        DNCKernels.precedenceBackwardFloat(
          batch: b, slots: n, precedence: DNCKernels.float(p.baseAddress!), weights: DNCKernels.float(w.baseAddress!),
          resultAdjoint: DNCKernels.float(yBar.baseAddress!),
          precedenceAdjoint: pBar.map { DNCKernels.float($0.baseAddress!) },
          weightsAdjoint: wBar.map { DNCKernels.float($0.baseAddress!) })
        return
      }
      for batch in 0..<b {
        var total: Scalar = 0
        var inner: Scalar = 0
        for i in 0..<n {
          total += w[batch * n + i]
          inner += yBar[batch * n + i] * p[batch * n + i]
        }
        for i in 0..<n {
          let index = batch * n + i
          pBar?[index] += (1 - total) * yBar[index]
          wBar?[index] += yBar[index] - inner
        }
      }
    }
  }

  /// Temporal links L'_ij = (1 − w_i − w_j)L_ij + w_i p_j, diagonal 0: link
  /// B×N×N, the previous precedence and the write weights B×N. Backward with
  /// G = L̄' off the diagonal: L̄ = G⊙(1 − w_i − w_j),
  /// w̄_i = Σ_j G_ij(p_j − L_ij) − Σ_j G_ji L_ji, p̄_j = Σ_i G_ij w_i.
  @inlinable
  public func dncLink(
    link: Variable<Scalar>, precedence: Variable<Scalar>, weights: Variable<Scalar>
  ) -> Variable<Scalar> {
    precondition(
      link.shape.rank == 3 && link.shape[1] == link.shape[2]
        && precedence.shape == [link.shape[0], link.shape[1]] && weights.shape == precedence.shape,
      "Tape.dncLink: link \(link.shape), precedence \(precedence.shape), weights \(weights.shape)")
    let (b, n) = (link.shape[0], link.shape[1])
    return custom(inputs: [link, precedence, weights], shape: link.shape) { c in
      DNCKernels.link(
        batch: b, slots: n, link: c.input(0).baseAddress!, precedence: c.input(1).baseAddress!,
        weights: c.input(2).baseAddress!, result: c.output.baseAddress!)
    } backward: { context in
      let (b, n) = (context.inputShape(0)[0], context.inputShape(0)[1])
      let link = context.input(0)
      let p = context.input(1)
      let w = context.input(2)
      let g = context.outputAdjoint
      if Scalar.self == Float.self {
        // L̄ is written row by row once: the next step's link update, its
        // first consumer, stores it unzeroed.
        let linkBar = context.inputAdjointForOverwrite(0)
        let (pBar, wBar) = (context.inputAdjoint(1), context.inputAdjoint(2))
        DNCKernels.linkBackwardFloat(
          batch: b, slots: n, link: DNCKernels.float(link.baseAddress!), precedence: DNCKernels.float(p.baseAddress!),
          weights: DNCKernels.float(w.baseAddress!), resultAdjoint: DNCKernels.float(g.baseAddress!),
          linkAdjoint: linkBar.map { DNCKernels.float($0.buffer.baseAddress!) },
          precedenceAdjoint: pBar.map { DNCKernels.float($0.baseAddress!) },
          weightsAdjoint: wBar.map { DNCKernels.float($0.baseAddress!) },
          storeLinkAdjoint: linkBar?.overwrite ?? false)
        return
      }
      let linkBar = context.inputAdjoint(0)
      let pBar = context.inputAdjoint(1)
      let wBar = context.inputAdjoint(2)
      for batch in 0..<b {
        let base = batch * n * n
        for i in 0..<n {
          let wi = w[batch * n + i]
          for j in 0..<n where i != j {
            let ij = base + i * n + j
            let wj = w[batch * n + j]
            linkBar?[ij] += g[ij] * (1 - wi - wj)
            wBar?[batch * n + i] += g[ij] * (p[batch * n + j] - link[ij])
            wBar?[batch * n + j] -= g[ij] * link[ij]
            pBar?[batch * n + j] += g[ij] * wi
          }
        }
      }
    }
  }

  /// The new read weights in one operation,
  /// ŵ_k = π_{k,b}·(w_k L) + π_{k,f}·(w_k Lᵀ) + π_{k,c}·c_k for every row k:
  /// previous read weights w B×K×N, link L B×N×N, modes π in any shape of
  /// B·K·3 elements (order [backward, forward, content], already a
  /// softmax) and content weights c B×K×N → B×K×N.
  ///
  /// Why: it is exactly ``dncBatchedMatmul(_:_:transposeB:shape:)`` twice
  /// (b = w·L, f = w·Lᵀ) followed by the mix π_b·b + π_f·f + π_c·c, but that
  /// composition keeps b and f on the tape with their adjoints, four B×K×N
  /// buffers per step that are only ever mixed. Here nothing is saved beyond
  /// the output: the backward pass needs no directional weighting, only the
  /// products of the adjoint with L, recomputed memory by memory in a few
  /// N-long rows (and, for L̄, two K×N blocks) of stack scratch that stay in
  /// L1, so the tape holds one B×K×N value and adjoint instead of three.
  ///
  /// Backward, with g = ∂ℓ/∂ŵ and dℓ = Σ_k ⟨g_k, dŵ_k⟩:
  /// - the modes enter linearly: π̄_{k,b} = ⟨g_k, w_k L⟩, π̄_{k,f} = ⟨g_k, w_k Lᵀ⟩,
  ///   π̄_{k,c} = ⟨g_k, c_k⟩. Moving L to the other side,
  ///   ⟨g_k, w_k L⟩ = Σ_ij w_ki L_ij g_kj = ⟨w_k, h_b⟩ with h_b = g_k Lᵀ, and
  ///   likewise ⟨g_k, w_k Lᵀ⟩ = ⟨w_k, h_f⟩ with h_f = g_k L;
  /// - w enters through w_k L and w_k Lᵀ: w̄_k += π_{k,b} h_b + π_{k,f} h_f,
  ///   i.e. w̄ += G_b Lᵀ + G_f L with G_b = diag(π_b) g, G_f = diag(π_f) g — the
  ///   same h_b and h_f, so the backward pass never forms w·L or w·Lᵀ;
  /// - c̄_k += π_{k,c} g_k;
  /// - L: ⟨g_k, π_{k,b} w_k dL⟩ = Σ_ij π_{k,b} w_ki g_kj dL_ij and
  ///   ⟨g_k, π_{k,f} w_k dLᵀ⟩ = Σ_ij π_{k,f} g_ki w_kj dL_ij, so
  ///   L̄ += wᵀ G_b + G_fᵀ w (summed over the K rows of the memory).
  ///
  /// Only the adjoints that exist are added to (a constant previous
  /// weighting, as at the first step, costs no w̄).
  @inlinable
  public func dncReadWeights(
    previous: Variable<Scalar>, link: Variable<Scalar>, modes: Variable<Scalar>, content: Variable<Scalar>
  ) -> Variable<Scalar> {
    precondition(
      previous.shape.rank == 3 && content.shape == previous.shape
        && link.shape == [previous.shape[0], previous.shape[2], previous.shape[2]]
        && modes.shape.count == previous.shape[0] * previous.shape[1] * 3,
      "Tape.dncReadWeights: previous \(previous.shape), link \(link.shape), modes \(modes.shape), "
        + "content \(content.shape)")
    let (b, k, n) = (previous.shape[0], previous.shape[1], previous.shape[2])
    return custom(inputs: [previous, link, modes, content], shape: previous.shape) { c in
      DNCKernels.readWeights(
        batch: b, heads: k, slots: n, previous: c.input(0).baseAddress!, link: c.input(1).baseAddress!,
        modes: c.input(2).baseAddress!, content: c.input(3).baseAddress!, result: c.output.baseAddress!)
    } backward: { context in
      let (b, k, n) = (context.inputShape(0)[0], context.inputShape(0)[1], context.inputShape(0)[2])
      DNCKernels.readWeightsBackward(
        batch: b, heads: k, slots: n, previous: context.input(0).baseAddress!, link: context.input(1).baseAddress!,
        modes: context.input(2).baseAddress!, content: context.input(3).baseAddress!,
        resultAdjoint: context.outputAdjoint.baseAddress!, previousAdjoint: context.inputAdjoint(0)?.baseAddress,
        linkAdjoint: context.inputAdjoint(1)?.baseAddress, modesAdjoint: context.inputAdjoint(2)?.baseAddress,
        contentAdjoint: context.inputAdjoint(3)?.baseAddress)
    }
  }

  /// The read heads' whole step from their raw interface: read weights
  /// ŵ_k = π_{k,b}(w_k L) + π_{k,f}(w_k Lᵀ) + π_{k,c} C(M, key_k, β_k)_k with
  /// β_k = 1 + softplus(x_k) and π_k = softmax of the head's three mode
  /// logits ([backward, forward, content]).
  ///
  /// `interface` is the per-coordinate read interface, B·n rows of R(W+4)
  /// columns: R keys of W, R strength logits, R·3 mode logits (the layout of
  /// ``DNCOptimizerWeights``' read-interface layer, so one affine map makes
  /// all of it). memory B×N×W, previous weights B×K×N with K = nR, links
  /// B×N×N → B×K×N.
  ///
  /// The function is exactly ``dncReadWeights(previous:link:modes:content:)``
  /// of ``softmax(_:)`` modes and ``dncContentWeights(memory:keys:strengths:)``
  /// with oneplus strengths, each on its slice of the interface — which is
  /// how it is recorded for scalars other than `Float` (so the Double
  /// gradient checks validate it op by op). For `Float` it is one node
  /// (`dnc_read_f32`): that composition puts on the tape per step the three
  /// slices, the softplus, the + 1, the softmax and the content weights,
  /// each with its value and adjoint (two B×K×N buffers for the content
  /// weights alone), and walks each in its own pass over memory. Fused, every
  /// memory goes through interface → content weights → read weights with its
  /// blocks in L1, and the backward pass chains c̄ into the content
  /// addressing's backward pass in a K×N stack scratch. Saved for that: the
  /// strengths and modes (B×K, B×K×3), the content weights and cosines
  /// (B×K×N each) and the norms.
  ///
  /// Backward beyond the two operations it fuses (their derivations above):
  /// x̄_β = β̄·σ(x) (softplus' = σ) and, with π = softmax(z),
  /// z̄_m = π_m(π̄_m − Σ_l π_l π̄_l).
  @inlinable
  public func dncRead(
    memory: Variable<Scalar>, interface: Variable<Scalar>, readHeads r: Int, previous: Variable<Scalar>,
    link: Variable<Scalar>
  ) -> Variable<Scalar> {
    precondition(
      memory.shape.rank == 3 && previous.shape.rank == 3 && interface.shape.rank == 2 && r > 0
        && previous.shape[0] == memory.shape[0] && previous.shape[2] == memory.shape[1]
        && interface.shape[1] == r * (memory.shape[2] + 4) && interface.shape[0] * r == previous.shape[0] * previous.shape[1]
        && link.shape == [memory.shape[0], memory.shape[1], memory.shape[1]],
      "Tape.dncRead: memory \(memory.shape), interface \(interface.shape) (R = \(r)), previous \(previous.shape), "
        + "link \(link.shape)")
    let (b, n, w) = (memory.shape[0], memory.shape[1], memory.shape[2])
    let k = previous.shape[1]
    guard Scalar.self == Float.self else {
      let rows = interface.shape[0]
      let keys = slice(interface, columns: 0..<(r * w))
      let strengths = add(softplus(slice(interface, columns: (r * w)..<(r * w + r))), constant(Scalar(1)))
      let modes = softmax(reshape(slice(interface, columns: (r * w + r)..<(r * w + 4 * r)), to: .matrix(rows * r, 3)))
      let content = dncContentWeights(memory: memory, keys: keys, strengths: strengths)
      return dncReadWeights(previous: previous, link: link, modes: modes, content: content)
    }
    let saved = 5 * b * k + 2 * b * k * n + b * n
    return custom(inputs: [memory, interface, previous, link], shape: previous.shape, savedCount: saved) { c in
      let s = DNCKernels.float(c.saved.baseAddress!)
      DNCKernels.readFloat(
        batch: b, slots: n, width: w, heads: k, readHeads: r, memory: DNCKernels.float(c.input(0).baseAddress!),
        interface: DNCKernels.float(c.input(1).baseAddress!), previous: DNCKernels.float(c.input(2).baseAddress!),
        link: DNCKernels.float(c.input(3).baseAddress!), result: DNCKernels.float(c.output.baseAddress!), saved: s)
    } backward: { context in
      let (b, n, w) = (context.inputShape(0)[0], context.inputShape(0)[1], context.inputShape(0)[2])
      let k = context.inputShape(2)[1]
      let r = context.inputShape(1)[1] / (w + 4)
      // The interface (an affine map's output read only here) gets each
      // element of its adjoint once: stored unzeroed on its first contribution.
      let interfaceBar = context.inputAdjointForOverwrite(1)
      DNCKernels.readBackwardFloat(
        batch: b, slots: n, width: w, heads: k, readHeads: r,
        memory: DNCKernels.float(context.input(0).baseAddress!),
        interface: DNCKernels.float(context.input(1).baseAddress!),
        previous: DNCKernels.float(context.input(2).baseAddress!), link: DNCKernels.float(context.input(3).baseAddress!),
        resultAdjoint: DNCKernels.float(context.outputAdjoint.baseAddress!),
        saved: DNCKernels.float(context.saved.baseAddress!),
        memoryAdjoint: context.inputAdjoint(0).map { DNCKernels.float($0.baseAddress!) },
        interfaceAdjoint: interfaceBar.map { DNCKernels.float($0.buffer.baseAddress!) },
        previousAdjoint: context.inputAdjoint(2).map { DNCKernels.float($0.baseAddress!) },
        linkAdjoint: context.inputAdjoint(3).map { DNCKernels.float($0.baseAddress!) },
        storeInterfaceAdjoint: interfaceBar?.overwrite ?? false)
    }
  }

  /// op(A_b)·op(B_b) for each b of two batches of matrices (rank 3): the
  /// directional reads f = w Lᵀ, b = w L and the read words r = w M.
  /// Backward as for ``matmul``, one GEMM per batch element and operand.
  ///
  /// `shape` (default batch×m×n) may name any shape of batch·m·n elements
  /// for the row-major result, e.g. the read words as B·n×R·W rows, which
  /// saves a reshape (a copy on the tape).
  @inlinable
  public func dncBatchedMatmul(
    _ a: Variable<Scalar>, _ b: Variable<Scalar>, transposeB: Bool = false, shape: Shape? = nil
  ) -> Variable<Scalar> {
    precondition(
      a.shape.rank == 3 && b.shape.rank == 3 && a.shape[0] == b.shape[0]
        && a.shape[2] == (transposeB ? b.shape[2] : b.shape[1]),
      "Tape.dncBatchedMatmul: \(a.shape) · \(b.shape)\(transposeB ? "ᵀ" : "")")
    let (batch, m, k) = (a.shape[0], a.shape[1], a.shape[2])
    let n = transposeB ? b.shape[1] : b.shape[2]
    let outputShape = shape ?? [batch, m, n]
    precondition(
      outputShape.count == batch * m * n,
      "Tape.dncBatchedMatmul: result shape \(outputShape) for a \(batch)×\(m)×\(n) product")
    let y = custom(inputs: [a, b], shape: outputShape, savedCount: 1) { c in
      // The flag travels in `saved` (a square B cannot tell it by shape).
      c.saved[0] = transposeB ? 1 : 0
      DNCKernels.batchedMatmul(
        batch: batch, m: m, n: n, k: k, a: c.input(0).baseAddress!, transposeA: false,
        b: c.input(1).baseAddress!, transposeB: transposeB, c: c.output.baseAddress!)
    } backward: { context in
      let (batch, m, k) = (context.inputShape(0)[0], context.inputShape(0)[1], context.inputShape(0)[2])
      let n = context.output.count / (batch * m)
      let transposed = context.saved[0] != 0
      let yBar = context.outputAdjoint.baseAddress!
      let bValue = context.input(1).baseAddress!
      let aValue = context.input(0).baseAddress!
      // Ā = Ȳ·op(B)ᵀ.
      if let aBar = context.inputAdjoint(0)?.baseAddress {
        DNCKernels.batchedMatmul(
          batch: batch, m: m, n: k, k: n, a: yBar, transposeA: false, b: bValue, transposeB: !transposed,
          c: aBar, accumulate: true)
      }
      // B̄ = Aᵀ·Ȳ, or (Aᵀ·Ȳ)ᵀ = Ȳᵀ·A when B was transposed.
      if let bBar = context.inputAdjoint(1)?.baseAddress {
        if transposed {
          DNCKernels.batchedMatmul(
            batch: batch, m: n, n: k, k: m, a: yBar, transposeA: true, b: aValue, transposeB: false,
            c: bBar, accumulate: true)
        } else {
          DNCKernels.batchedMatmul(
            batch: batch, m: k, n: n, k: m, a: aValue, transposeA: true, b: yBar, transposeB: false,
            c: bBar, accumulate: true)
        }
      }
    }
    return y
  }
}

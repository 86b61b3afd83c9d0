/// An explicitly vectorised `Float` version of the LSTM cell's backward
/// elementwise pass, four units at a time, the remaining H mod 4 units with
/// the scalar formulas. (The generic loop does not vectorise: it touches too
/// many buffers for the compiler's aliasing checks.)
extension LSTMKernels {
  static func backward(_ p: LSTMBackwardOperands<Float>) {
    guard p.hiddenAdjoint != nil || p.cellAdjoint != nil else {
      p.gateAdjoint.update(repeating: 0, count: p.batch * 4 * p.hiddenSize)
      return
    }
    let h = p.hiddenSize
    let vectorEnd = h - h % 4
    for r in 0..<p.batch {
      let row = r * h
      let i = UnsafePointer(p.gates + r * 4 * h)
      let f = i + h
      let g = i + 2 * h
      let o = i + 3 * h
      let di = p.gateAdjoint + r * 4 * h
      let df = di + h
      let dg = di + 2 * h
      let dO = di + 3 * h
      let tanhC = p.cellTanh + row
      let cPrev = p.previousCell + row
      let dh = p.hiddenAdjoint.map { $0 + row }
      let dc = p.cellAdjoint.map { $0 + row }
      let dcPrev = p.previousCellAdjoint.map { $0 + row }
      var j = 0
      while j < vectorEnd {
        let vi = load(i + j)
        let vf = load(f + j)
        let vg = load(g + j)
        let vo = load(o + j)
        let tc = load(tanhC + j)
        let vdh = dh.map { load($0 + j) } ?? .zero
        var vdc = dc.map { load($0 + j) } ?? .zero
        vdc += vdh * vo * (1 - tc * tc)
        store(vdc * vg * vi * (1 - vi), di + j)
        store(vdc * load(cPrev + j) * vf * (1 - vf), df + j)
        store(vdc * vi * (1 - vg * vg), dg + j)
        store(vdh * tc * vo * (1 - vo), dO + j)
        if let dcPrev { store(load(dcPrev + j) + vdc * vf, dcPrev + j) }
        j += 4
      }
      while j < h {
        let tc = tanhC[j]
        let vdh = dh?[j] ?? 0
        let vdc = (dc?[j] ?? 0) + vdh * o[j] * (1 - tc * tc)
        di[j] = vdc * g[j] * i[j] * (1 - i[j])
        df[j] = vdc * cPrev[j] * f[j] * (1 - f[j])
        dg[j] = vdc * i[j] * (1 - g[j] * g[j])
        dO[j] = vdh * tc * o[j] * (1 - o[j])
        dcPrev?[j] += vdc * f[j]
        j += 1
      }
    }
  }

  @inline(__always)
  private static func load(_ p: UnsafePointer<Float>) -> SIMD4<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self)
  }

  @inline(__always)
  private static func store(_ v: SIMD4<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Float>.self)
  }
}

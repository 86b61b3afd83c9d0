/// Proximal operators of sparsity penalties as tape operations, so an
/// unrolled learned optimizer can end every step with
/// `θ_{t+1} = prox_{τΩ}(θ_t + Δθ_t)` and still be differentiated.
///
/// The input holds B segments of equal length n (B problems side by side,
/// B·n elements in any shape); `thresholds` is a B-vector, t_b for segment
/// b. The Jacobians, per segment, away from the kinks |x| = t (where the maps
/// are not differentiable and a one-sided derivative is taken):
/// - soft: `∂y_i/∂x_i = [|x_i| > t]` (a 0/1 mask), `∂y_i/∂t = −sign(x_i)·[|x_i| > t]`;
/// - hard: `∂y_i/∂x_i = [|x_i| > t]`, `∂y_i/∂t = 0` (the map jumps by ±t at
///   the kink and is flat elsewhere in t, so the derivative is zero almost
///   everywhere and undefined at the jump);
/// - block soft, where ‖v‖ > t for the block v = x_g:
///   `∂y_g/∂v = (1 − t/‖v‖)·I + t·v vᵀ/‖v‖³` (symmetric), `∂y_g/∂t = −v/‖v‖`;
///   zero where ‖v‖ ≤ t.
///
/// The thresholds must be non-negative. They may be constants (the usual
/// case: τλ from the problem) or differentiable nodes (learned thresholds).
extension Tape {
  /// `prox` of the penalty named by `kind` applied to each segment of `x`
  /// with its own threshold.
  @_specialize(where Scalar == Float)
  public func proximal(_ x: Variable<Scalar>, kind: ProximalKind, thresholds: Variable<Scalar>) -> Variable<Scalar> {
    switch kind {
    case .softThreshold: softThreshold(x, thresholds: thresholds)
    case .hardThreshold: hardThreshold(x, thresholds: thresholds)
    case .blockSoftThreshold(let size): blockSoftThreshold(x, thresholds: thresholds, blockSize: size)
    }
  }

  /// `sign(x)·max(|x| − t_b, 0)` per segment b.
  @_specialize(where Scalar == Float)
  public func softThreshold(_ x: Variable<Scalar>, thresholds: Variable<Scalar>) -> Variable<Scalar> {
    _ = Self.segmentLength(x, thresholds, operation: "softThreshold")  // checks the shapes
    return custom(inputs: [x, thresholds], shape: x.shape) { context in
      Self.mapSegments(context.input(0), thresholds: context.input(1), into: context.output, operation: "softThreshold") {
        v, threshold in
        let shrunk = Swift.abs(v) - threshold
        return shrunk > 0 ? (v > 0 ? shrunk : -shrunk) : 0
      }
    } backward: { context in
      // y ≠ 0 exactly where |x| > t, and then sign(y) = sign(x).
      let output = context.output
      let outputAdjoint = context.outputAdjoint
      if let adjoint = context.inputAdjoint(0) {
        for i in 0..<adjoint.count where output[i] != 0 { adjoint[i] += outputAdjoint[i] }
      }
      if let thresholdAdjoint = context.inputAdjoint(1) {
        let segment = output.count / thresholdAdjoint.count
        for b in 0..<thresholdAdjoint.count {
          var sum: Scalar = 0
          for i in (b * segment)..<((b + 1) * segment) {
            if output[i] > 0 { sum -= outputAdjoint[i] } else if output[i] < 0 { sum += outputAdjoint[i] }
          }
          thresholdAdjoint[b] += sum
        }
      }
    }
  }

  /// `x·[|x| > t_b]` per segment b.
  @_specialize(where Scalar == Float)
  public func hardThreshold(_ x: Variable<Scalar>, thresholds: Variable<Scalar>) -> Variable<Scalar> {
    _ = Self.segmentLength(x, thresholds, operation: "hardThreshold")  // checks the shapes
    return custom(inputs: [x, thresholds], shape: x.shape) { context in
      Self.mapSegments(context.input(0), thresholds: context.input(1), into: context.output, operation: "hardThreshold") {
        v, threshold in Swift.abs(v) > threshold ? v : 0
      }
    } backward: { context in
      // The threshold's derivative is zero almost everywhere: nothing to add.
      guard let adjoint = context.inputAdjoint(0) else { return }
      let input = context.input(0)
      let t = context.input(1)
      let outputAdjoint = context.outputAdjoint
      let segment = input.count / t.count
      for b in 0..<t.count {
        for i in (b * segment)..<((b + 1) * segment) where Swift.abs(input[i]) > t[b] {
          adjoint[i] += outputAdjoint[i]
        }
      }
    }
  }

  /// `max(1 − t_b/‖x_g‖, 0)·x_g` over consecutive blocks g of `blockSize`
  /// entries within each segment b.
  @_specialize(where Scalar == Float)
  public func blockSoftThreshold(
    _ x: Variable<Scalar>, thresholds: Variable<Scalar>, blockSize: Int
  ) -> Variable<Scalar> {
    let segment = Self.segmentLength(x, thresholds, operation: "blockSoftThreshold")
    precondition(blockSize >= 1, "Tape.blockSoftThreshold: block size \(blockSize) must be at least 1")
    // The block size travels to the capture-free backward in `saved`.
    return custom(inputs: [x, thresholds], shape: x.shape, savedCount: 1) { context in
      context.saved[0] = Scalar(Swift.min(blockSize, segment))
      let input = context.input(0)
      let t = context.input(1)
      let output = context.output
      for b in 0..<t.count {
        let threshold = t[b]
        precondition(
          threshold >= 0, "Tape.blockSoftThreshold: threshold \(threshold) of segment \(b) is negative")
        var start = b * segment
        let end = (b + 1) * segment
        while start < end {
          let stop = Swift.min(start + blockSize, end)
          var squares: Scalar = 0
          for i in start..<stop { squares += input[i] * input[i] }
          let norm = squares.squareRoot()
          let factor: Scalar = norm > threshold ? 1 - threshold / norm : 0
          for i in start..<stop { output[i] = factor * input[i] }
          start = stop
        }
      }
    } backward: { context in
      let inputAdjoint = context.inputAdjoint(0)
      let thresholdAdjoint = context.inputAdjoint(1)
      if inputAdjoint == nil && thresholdAdjoint == nil { return }
      let input = context.input(0)
      let t = context.input(1)
      let outputAdjoint = context.outputAdjoint
      let blockSize = Int(context.saved[0])
      let segment = input.count / t.count
      for b in 0..<t.count {
        let threshold = t[b]
        var start = b * segment
        let end = (b + 1) * segment
        while start < end {
          let stop = Swift.min(start + blockSize, end)
          var squares: Scalar = 0
          var dot: Scalar = 0
          for i in start..<stop {
            squares += input[i] * input[i]
            dot += input[i] * outputAdjoint[i]
          }
          let norm = squares.squareRoot()
          if norm > threshold {
            // J ȳ = (1 − t/‖v‖)·ȳ + t·(vᵀȳ)/‖v‖³·v, J symmetric.
            if let adjoint = inputAdjoint {
              let factor = 1 - threshold / norm
              let radial = threshold * dot / (norm * norm * norm)
              for i in start..<stop { adjoint[i] += factor * outputAdjoint[i] + radial * input[i] }
            }
            thresholdAdjoint?[b] -= dot / norm
          }
          start = stop
        }
      }
    }
  }

  /// The forward pass of the elementwise thresholds: `output[i] =
  /// map(input[i], t_b)` for every element i of segment b, after checking
  /// t_b ≥ 0 (`operation` names the map in the failure).
  @inline(__always)
  private static func mapSegments(
    _ input: UnsafeBufferPointer<Scalar>, thresholds t: UnsafeBufferPointer<Scalar>,
    into output: UnsafeMutableBufferPointer<Scalar>, operation: String, _ map: (Scalar, Scalar) -> Scalar
  ) {
    let segment = input.count / t.count
    for b in 0..<t.count {
      let threshold = t[b]
      precondition(threshold >= 0, "Tape.\(operation): threshold \(threshold) of segment \(b) is negative")
      for i in (b * segment)..<((b + 1) * segment) { output[i] = map(input[i], threshold) }
    }
  }

  /// n, the length of each of the B segments of `x` (B = the thresholds'
  /// count), checking that the shapes agree.
  private static func segmentLength(
    _ x: Variable<Scalar>, _ thresholds: Variable<Scalar>, operation: String
  ) -> Int {
    let count = x.shape.count
    let segments = thresholds.shape.count
    precondition(
      segments >= 1 && count % segments == 0,
      "Tape.\(operation): \(count) elements do not split into \(segments) segments (one per threshold)")
    return count / segments
  }
}

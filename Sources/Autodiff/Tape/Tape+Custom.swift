/// What a custom operation's forward step sees: its inputs' values, the
/// output to fill and an optional saved buffer for its backward step.
public struct CustomForwardContext<Scalar: TensorScalar> {
  let tape: Tape<Scalar>
  let node: Int
  let record: CustomRecord<Scalar>

  /// The number of inputs.
  public var inputCount: Int { record.inputs.count }

  /// The shape of input `k`.
  @_specialize(where Scalar == Float)
  public func inputShape(_ k: Int) -> Shape { tape.nodes[record.inputs[k]].shape }

  /// The value of input `k`.
  @_specialize(where Scalar == Float)
  public func input(_ k: Int) -> UnsafeBufferPointer<Scalar> {
    let node = tape.nodes[record.inputs[k]]
    return UnsafeBufferPointer(start: node.value, count: node.shape.count)
  }

  /// The output, to be filled completely.
  public var output: UnsafeMutableBufferPointer<Scalar> {
    let storage = tape.storage(of: node)
    return UnsafeMutableBufferPointer(start: storage.value, count: storage.count)
  }

  /// `savedCount` elements kept for the backward step (uninitialised until
  /// written).
  public var saved: UnsafeMutableBufferPointer<Scalar> {
    UnsafeMutableBufferPointer(start: record.saved, count: record.savedCount)
  }
}

/// What a custom operation's backward step sees: the adjoint of its output
/// and access to its inputs' adjoints.
public struct CustomBackwardContext<Scalar: TensorScalar> {
  let tape: Tape<Scalar>
  let node: Int
  let record: CustomRecord<Scalar>

  /// The number of inputs.
  public var inputCount: Int { record.inputs.count }

  /// The shape of input `k`.
  @_specialize(where Scalar == Float)
  public func inputShape(_ k: Int) -> Shape { tape.nodes[record.inputs[k]].shape }

  /// The value of input `k`.
  @_specialize(where Scalar == Float)
  public func input(_ k: Int) -> UnsafeBufferPointer<Scalar> {
    let node = tape.nodes[record.inputs[k]]
    return UnsafeBufferPointer(start: node.value, count: node.shape.count)
  }

  /// The output computed by the forward step.
  public var output: UnsafeBufferPointer<Scalar> {
    let storage = tape.storage(of: node)
    return UnsafeBufferPointer(start: storage.value, count: storage.count)
  }

  /// The buffer the forward step saved.
  public var saved: UnsafeBufferPointer<Scalar> {
    UnsafeBufferPointer(start: record.saved, count: record.savedCount)
  }

  /// ∂loss/∂output.
  public var outputAdjoint: UnsafeBufferPointer<Scalar> {
    let storage = tape.storage(of: node)
    return UnsafeBufferPointer(start: storage.adjoint, count: storage.count)
  }

  /// ∂loss/∂(input k), to be added to (never overwritten: other consumers of
  /// the input contribute too); nil when input `k` needs no gradient.
  @_specialize(where Scalar == Float)
  public func inputAdjoint(_ k: Int) -> UnsafeMutableBufferPointer<Scalar>? {
    let index = record.inputs[k]
    guard let target = tape.accumulationTarget(index) else { return nil }
    return UnsafeMutableBufferPointer(start: target, count: tape.nodes[index].shape.count)
  }

  /// ∂loss/∂(input k) for a backward step that writes every element of it
  /// exactly once, with whether to store rather than add: `overwrite` is
  /// true when this is the adjoint's first contribution in this backward
  /// pass (the buffer was not zeroed and holds stale values, so every
  /// element must be stored), false when it must be added to as with
  /// ``inputAdjoint(_:)``; nil when input `k` needs no gradient.
  ///
  /// Why: zeroing an adjoint only for its first consumer to add onto the
  /// zeros costs a pass over memory per node (a tenth of a DNC
  /// meta-iteration went to zero-filling its B×N×W memories' and B×N×N
  /// links' adjoints). Ask for it before any other adjoint of this step:
  /// when another input shares input k's storage, it answers like
  /// ``inputAdjoint(_:)`` (`overwrite` false), as that input's additions
  /// would otherwise land on stale values.
  @_specialize(where Scalar == Float)
  public func inputAdjointForOverwrite(_ k: Int) -> (buffer: UnsafeMutableBufferPointer<Scalar>, overwrite: Bool)? {
    let index = record.inputs[k]
    let storage = tape.storageIndex(index)
    for (j, other) in record.inputs.enumerated() where j != k && tape.storageIndex(other) == storage {
      return inputAdjoint(k).map { ($0, false) }
    }
    guard let (target, beta) = tape.overwriteTarget(index) else { return nil }
    return (UnsafeMutableBufferPointer(start: target, count: tape.nodes[index].shape.count), beta == 0)
  }

  /// ∂loss/∂(input k) += α·source, with a loop specialised for the scalar
  /// type (generic callers should prefer it to their own loop). `source`
  /// must have input k's element count. Does nothing when input `k` needs no
  /// gradient.
  @_specialize(where Scalar == Float)
  public func accumulate(into k: Int, _ source: UnsafeBufferPointer<Scalar>, scaledBy alpha: Scalar = 1) {
    precondition(
      source.count == inputShape(k).count,
      "CustomBackwardContext.accumulate: \(source.count) elements for an input of \(inputShape(k))")
    guard let target = inputAdjoint(k)?.baseAddress, let base = source.baseAddress else { return }
    Scalar.run(.axpy(y: target, x: base, count: source.count, alpha: alpha))
  }
}

extension Tape {
  /// Records an operation defined by the caller: `forward` computes the
  /// output from the inputs, `backward` adds the inputs' adjoints given the
  /// output's.
  ///
  /// This is how an optimizee's loss joins the graph without the tape
  /// knowing the problem: with θ a tape tensor, record f(θ) with
  /// `forward` writing f into `output[0]` and ∇f(θ) into `saved`, and
  /// `backward` adding ȳ·∇f to θ's adjoint — second derivatives dropped, as
  /// in Andrychowicz et al. (2016):
  ///
  /// ```swift
  /// let loss = tape.custom(inputs: [theta], shape: .scalar, savedCount: n) { context in
  ///   context.output[0] = problem.loss(context.input(0), gradient: context.saved)
  /// } backward: { context in
  ///   context.accumulate(into: 0, context.saved, scaledBy: context.outputAdjoint[0])
  /// }
  /// ```
  ///
  /// Keep `backward` free of captured variables (pass what it needs through
  /// `saved`): a closure that captures nothing costs no allocation when it is
  /// recorded step after step. `backward` runs only when the output received
  /// an adjoint and some input needs a gradient.
  ///
  /// - Parameters:
  ///   - inputs: the tensors the output depends on.
  ///   - shape: the output's shape.
  ///   - savedCount: elements of tape storage kept for `backward`.
  public func custom<E: Error>(
    inputs: [Variable<Scalar>], shape: Shape, savedCount: Int = 0,
    forward: (CustomForwardContext<Scalar>) throws(E) -> Void,
    backward: @escaping (CustomBackwardContext<Scalar>) -> Void
  ) throws(E) -> Variable<Scalar> {
    let (y, record) = appendCustom(inputs: inputs, shape: shape, savedCount: savedCount, backward: backward)
    try forward(CustomForwardContext(tape: self, node: y.index, record: record))
    return y
  }

  /// The bookkeeping of ``custom(inputs:shape:savedCount:forward:backward:)``
  /// apart from its error type, so it can carry `@_specialize` (the
  /// compiler cannot yet specialise over the typed-throws parameter; see
  /// the note on ``Tape``).
  @_specialize(where Scalar == Float)
  func appendCustom(
    inputs: [Variable<Scalar>], shape: Shape, savedCount: Int,
    backward: @escaping (CustomBackwardContext<Scalar>) -> Void
  ) -> (Variable<Scalar>, CustomRecord<Scalar>) {
    var differentiable = false
    for x in inputs {
      check(x)
      differentiable = differentiable || requiresGradient(x)
    }
    precondition(savedCount >= 0, "Tape.custom: negative savedCount \(savedCount)")
    let record = CustomRecord(
      inputs: inputs.map { $0.index }, saved: arena.allocate(savedCount), savedCount: savedCount,
      backward: backward)
    let y = appendNode(shape: shape, operation: .custom(record), requiresGradient: differentiable)
    return (y, record)
  }
}

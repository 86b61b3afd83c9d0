/// A reverse-mode automatic differentiation tape over contiguous tensors.
///
/// Operations are recorded in the order they are called; each produces a
/// ``Variable`` whose value is computed at once (the tape is eager) and kept
/// for the backward pass. ``backward(from:)`` then walks the record in
/// reverse, accumulating adjoints ∂loss/∂v into per-node buffers, and the
/// gradients of the differentiable leaves can be read with
/// ``gradient(of:)``.
///
/// Storage comes from an arena that ``reset()`` recycles: rebuilding the
/// same graph after a reset — one meta-iteration after another — allocates
/// no tensor storage. Values are valid until the next reset.
///
/// ```swift
/// let tape = Tape<Float>()
/// let w = tape.variable(Tensor(shape: [2, 1], scalars: [0.5, -1]))
/// let x = tape.constant(Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6]))
/// let loss = tape.sum(tape.square(tape.matmul(x, w)))
/// tape.backward(from: loss)
/// let dw = tape.gradient(of: w)   // 2·xᵀ(x·w)
/// ```
///
/// A tape is single-threaded mutable state: build and differentiate a graph
/// on one thread (each meta-training engine owns its tape).
///
/// Why the `@_specialize(where Scalar == Float)` on the recording
/// operations, `backward(from:)` and the bookkeeping they share: the tape is
/// generic, its callers (the unrolls in MetaLearning, the optimizees) live
/// in other modules, and a generic function called across modules runs
/// unspecialised — every `nodes[i]` a copy through `Node`'s value
/// witnesses, every kernel a witness-table call, metadata looked up at run
/// time. The attribute compiles a `Float` body inside this module (its
/// internal callees specialised with it) and makes the generic entry point
/// jump to it after one type check, so meta-training's `Tape<Float>` runs
/// specialised code without exposing the tape's internals as `@inlinable`.
/// `Double` (the gradient checks) keeps the generic path.
public final class Tape<Scalar: TensorScalar> {
  var nodes: [Node<Scalar>] = []
  var arena = Arena<Scalar>()
  /// Bumped by every reset; variables remember the epoch they were made in.
  private(set) var epoch = 0
  private var scratchBuffers: [(pointer: UnsafeMutablePointer<Scalar>, capacity: Int)] = []

  /// An empty tape.
  public init() {}

  deinit {
    for buffer in scratchBuffers { buffer.pointer.deallocate() }
  }

  /// Forgets every recorded operation and invalidates all variables, keeping
  /// the memory for the next graph.
  @_specialize(where Scalar == Float)
  public func reset() {
    nodes.removeAll(keepingCapacity: true)
    arena.reset()
    epoch += 1
  }

  /// ``reset()`` that also frees the tape's memory (arena and scratch), for
  /// a caller done with graphs of this size for a while — `mnemo train`
  /// before its final race, which would otherwise hold the last unroll's
  /// storage (hundreds of megabytes on MNIST) beside the race's. The tape
  /// stays usable; its next graph allocates afresh.
  public func releaseMemory() {
    reset()
    nodes = []
    arena.release()
    for buffer in scratchBuffers { buffer.pointer.deallocate() }
    scratchBuffers = []
  }

  /// The number of recorded nodes (leaves and operation results).
  public var nodeCount: Int { nodes.count }

  /// The bytes of tensor storage the tape holds (arena and scratch), a
  /// measure of the memory a graph of this size needs.
  public var storageBytes: Int {
    arena.bytes + scratchBuffers.reduce(0) { $0 + $1.capacity } * MemoryLayout<Scalar>.stride
  }

  // MARK: Leaves

  /// A differentiable leaf holding a copy of `tensor`; its gradient can be
  /// read after ``backward(from:)``. Parameters enter the tape this way.
  @_specialize(where Scalar == Float)
  public func variable(_ tensor: Tensor<Scalar>) -> Variable<Scalar> {
    leaf(tensor, differentiable: true)
  }

  /// A constant leaf holding a copy of `tensor`: no gradient flows into it.
  @_specialize(where Scalar == Float)
  public func constant(_ tensor: Tensor<Scalar>) -> Variable<Scalar> {
    leaf(tensor, differentiable: false)
  }

  /// A constant scalar (rank 0), e.g. to broadcast against a tensor.
  @_specialize(where Scalar == Float)
  public func constant(_ value: Scalar) -> Variable<Scalar> {
    let v = appendNode(shape: .scalar, operation: .leaf, requiresGradient: false)
    nodes[v.index].value[0] = value
    return v
  }

  /// A leaf whose elements `fill` writes straight into tape storage (it must
  /// write all `shape.count` of them), so a caller's per-step data — a
  /// gradient computed outside the tape, say — enters without an
  /// intermediate array.
  @_specialize(where Scalar == Float)
  public func leaf(
    shape: Shape, differentiable: Bool, _ fill: (UnsafeMutableBufferPointer<Scalar>) -> Void
  ) -> Variable<Scalar> {
    let v = appendNode(shape: shape, operation: .leaf, requiresGradient: differentiable)
    fill(UnsafeMutableBufferPointer(start: nodes[v.index].value, count: shape.count))
    return v
  }

  @_specialize(where Scalar == Float)
  private func leaf(_ tensor: Tensor<Scalar>, differentiable: Bool) -> Variable<Scalar> {
    let v = appendNode(shape: tensor.shape, operation: .leaf, requiresGradient: differentiable)
    tensor.scalars.withUnsafeBufferPointer { source in
      if let base = source.baseAddress {
        Scalar.run(.copy(x: base, y: nodes[v.index].value, count: source.count))
      }
    }
    return v
  }

  // MARK: Reading values and gradients

  /// A copy of the value of `v`.
  @_specialize(where Scalar == Float)
  public func value(of v: Variable<Scalar>) -> Tensor<Scalar> {
    withValue(of: v) { Tensor(shape: v.shape, scalars: Array($0)) }
  }

  /// Calls `body` with the value of `v` in place (valid only inside `body`).
  public func withValue<R, E: Error>(
    of v: Variable<Scalar>, _ body: (UnsafeBufferPointer<Scalar>) throws(E) -> R
  ) throws(E) -> R {
    check(v)
    return try body(UnsafeBufferPointer(start: nodes[v.index].value, count: v.shape.count))
  }

  /// A copy of ∂loss/∂v from the last ``backward(from:)``: zeros when the
  /// loss does not depend on `v` or no backward pass has run since the
  /// variable was recorded.
  @_specialize(where Scalar == Float)
  public func gradient(of v: Variable<Scalar>) -> Tensor<Scalar> {
    withGradient(of: v) { Tensor(shape: v.shape, scalars: Array($0)) }
  }

  /// Calls `body` with ∂loss/∂v in place, zeros as for ``gradient(of:)``.
  public func withGradient<R, E: Error>(
    of v: Variable<Scalar>, _ body: (UnsafeBufferPointer<Scalar>) throws(E) -> R
  ) throws(E) -> R {
    check(v)
    let count = v.shape.count
    let index = storageIndex(v.index)
    guard let adjoint = nodes[index].adjoint else {
      // A constant: no storage of its own to lend.
      let zeros = [Scalar](repeating: 0, count: count)
      return try zeros.withUnsafeBufferPointer { (buffer) throws(E) -> R in try body(buffer) }
    }
    if !nodes[index].adjointLive { Scalar.run(.fill(y: adjoint, count: count, value: 0)) }
    return try body(UnsafeBufferPointer(start: adjoint, count: count))
  }

  // MARK: Backward

  /// Computes ∂loss/∂v for every recorded v that the scalar `loss` depends on
  /// through differentiable leaves, seeding ∂loss/∂loss = 1.
  ///
  /// Each call starts from zero adjoints, so calling it twice does not
  /// accumulate. Nodes recorded after `loss` are ignored.
  @_specialize(where Scalar == Float)
  public func backward(from loss: Variable<Scalar>) {
    check(loss)
    precondition(
      loss.shape.count == 1,
      "Tape.backward(from:): the loss must be a scalar, not shape \(loss.shape); "
        + "reduce it first (sum or mean)")
    for i in nodes.indices { nodes[i].adjointLive = false }
    guard let seed = accumulationTarget(loss.index) else { return }
    seed[0] = 1
    for i in stride(from: loss.index, through: 0, by: -1) where nodes[i].adjointLive {
      propagate(i)
    }
  }

  // MARK: Internals for the operations

  static var forwardSlot: Int { 0 }
  static var backwardSlot: Int { 1 }
  static var weightGradientSlot: Int { 2 }

  /// Stops with a message when `v` belongs to another tape or an earlier
  /// epoch of this one.
  @inline(__always)
  func check(_ v: Variable<Scalar>) {
    precondition(v.tape == ObjectIdentifier(self), "Variable used on a tape that did not record it")
    precondition(v.epoch == epoch, "Variable used after Tape.reset(): record it again")
  }

  /// Appends a node with fresh value (and, if needed, adjoint) storage.
  @_specialize(where Scalar == Float)
  func appendNode(
    shape: Shape, operation: Operation<Scalar>, requiresGradient: Bool
  ) -> Variable<Scalar> {
    let count = shape.count
    let value = arena.allocate(count)
    let adjoint = requiresGradient ? arena.allocate(count) : nil
    nodes.append(Node(shape: shape, value: value, adjoint: adjoint, operation: operation))
    return Variable(shape: shape, index: nodes.count - 1, tape: ObjectIdentifier(self), epoch: epoch)
  }

  /// A node sharing `x`'s value and adjoint storage under `shape` (same
  /// element count): see ``Operation/view(base:)``.
  @_specialize(where Scalar == Float)
  func appendView(of x: Variable<Scalar>, shape: Shape) -> Variable<Scalar> {
    let base = storageIndex(x.index)
    nodes.append(
      Node(shape: shape, value: nodes[base].value, adjoint: nodes[base].adjoint, operation: .view(base: base)))
    return Variable(shape: shape, index: nodes.count - 1, tape: ObjectIdentifier(self), epoch: epoch)
  }

  /// The node that owns node `index`'s storage: its base when it is a view,
  /// else itself.
  @inline(__always)
  func storageIndex(_ index: Int) -> Int {
    if case .view(let base) = nodes[index].operation { return base }
    return index
  }

  /// Whether `v` needs an adjoint (it depends on a differentiable leaf).
  @inline(__always)
  func requiresGradient(_ v: Variable<Scalar>) -> Bool { nodes[v.index].requiresGradient }

  @inline(__always)
  func value(_ index: Int) -> UnsafeMutablePointer<Scalar> { nodes[index].value }

  /// Node `index`'s value and adjoint pointers and element count, for the
  /// custom operations' contexts: their computed properties cannot carry
  /// `@_specialize`, and reading `nodes[index]` in unspecialised code copies
  /// the whole generic `Node` through its value witnesses.
  @_specialize(where Scalar == Float)
  func storage(of index: Int) -> (value: UnsafeMutablePointer<Scalar>, adjoint: UnsafeMutablePointer<Scalar>?, count: Int) {
    (nodes[index].value, nodes[index].adjoint, nodes[index].shape.count)
  }

  /// The adjoint buffer of node `index` ready for `+=`, zeroed on its first
  /// use in this backward pass; nil when the node needs no gradient.
  @_specialize(where Scalar == Float)
  func accumulationTarget(_ node: Int) -> UnsafeMutablePointer<Scalar>? {
    let index = storageIndex(node)
    guard let adjoint = nodes[index].adjoint else { return nil }
    if !nodes[index].adjointLive {
      // A literal zero store loop, not `KernelCall.fill` (whose value
      // arrives at run time): the optimiser turns it into `memset`, whose
      // wide stores zero the large DNC adjoints (B×N×W memory, B×N×N links)
      // several times faster than the generic fill's 16-byte loop.
      adjoint.update(repeating: 0, count: nodes[index].shape.count)
      nodes[index].adjointLive = true
    }
    return adjoint
  }

  /// Like ``accumulationTarget(_:)``, for a consumer that writes its whole
  /// contribution in one product: with the β to use, 1 when the adjoint
  /// already holds contributions, 0 when this is the first (the buffer is
  /// then marked live without being zeroed, and β = 0 overwrites whatever it
  /// held). Saves a fill of the adjoint per node.
  @_specialize(where Scalar == Float)
  func overwriteTarget(_ node: Int) -> (UnsafeMutablePointer<Scalar>, Scalar)? {
    let index = storageIndex(node)
    guard let adjoint = nodes[index].adjoint else { return nil }
    if nodes[index].adjointLive { return (adjoint, 1) }
    // A view shares its base's adjoint but covers all of it (same count),
    // so overwriting it whole is safe.
    guard nodes[index].shape.count == nodes[node].shape.count else {
      return accumulationTarget(node).map { ($0, 1) }
    }
    nodes[index].adjointLive = true
    return (adjoint, 0)
  }

  /// A per-tape buffer of at least `count` elements for temporaries that do
  /// not outlive one operation (or one node's backward step).
  @_specialize(where Scalar == Float)
  func scratch(slot: Int, count: Int) -> UnsafeMutablePointer<Scalar> {
    while scratchBuffers.count <= slot {
      scratchBuffers.append((UnsafeMutablePointer<Scalar>.allocate(capacity: 1), 1))
    }
    if scratchBuffers[slot].capacity < count {
      scratchBuffers[slot].pointer.deallocate()
      scratchBuffers[slot] = (UnsafeMutablePointer<Scalar>.allocate(capacity: count), count)
    }
    return scratchBuffers[slot].pointer
  }
}

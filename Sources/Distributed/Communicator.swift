#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `MPI_COMM_WORLD` of an Open MPI job: this process's rank, the number of
/// ranks, and the collectives data-parallel meta-training needs.
///
/// A reference type because it stands for MPI's process-wide state: it is
/// initialised once, finalised once, and used from the training thread only.
/// MPI's default error handler (errors are fatal) stays in place, so a
/// failed collective ends the whole job rather than leaving ranks waiting.
public final class Communicator {
  /// `MPI_IN_PLACE` in Open MPI's `mpi.h`: `((void *) 1)`.
  private static var inPlace: UnsafeRawPointer? { UnsafeRawPointer(bitPattern: 1) }

  private let runtime: MPIRuntime
  /// This process's rank in 0..<size.
  public let rank: Int
  /// The number of ranks.
  public let size: Int
  private var isFinalized = false

  /// Initialises MPI (unless the process already did) and reads rank and
  /// size.
  public init(runtime: MPIRuntime) throws(DistributedError) {
    self.runtime = runtime
    var flag: Int32 = 0
    try Self.check(runtime.initialized(&flag), "MPI_Initialized")
    if flag == 0 { try Self.check(runtime.initialize(nil, nil), "MPI_Init") }
    var value: Int32 = 0
    try Self.check(runtime.commRank(runtime.commWorld, &value), "MPI_Comm_rank")
    rank = Int(value)
    try Self.check(runtime.commSize(runtime.commWorld, &value), "MPI_Comm_size")
    size = Int(value)
  }

  /// Loads Open MPI and joins the job.
  public convenience init() throws(DistributedError) {
    try self.init(runtime: MPIRuntime.load())
  }

  /// Whether this is rank 0, the one that writes the session and talks.
  public var isRoot: Bool { rank == 0 }

  /// Replaces every entry by its sum over all ranks (`MPI_Allreduce`,
  /// `MPI_SUM`, in place).
  public func allReduceSum(_ values: inout [Float]) throws(DistributedError) {
    try allReduce(&values, type: runtime.float, op: runtime.sum)
  }

  /// Replaces every entry by its sum over all ranks.
  public func allReduceSum(_ values: inout [Double]) throws(DistributedError) {
    try allReduce(&values, type: runtime.double, op: runtime.sum)
  }

  /// Replaces every entry by its maximum over all ranks.
  public func allReduceMax(_ values: inout [Double]) throws(DistributedError) {
    try allReduce(&values, type: runtime.double, op: runtime.max)
  }

  /// Copies rank `root`'s values to every rank (`MPI_Bcast`).
  public func broadcast(_ values: inout [Double], root: Int = 0) throws(DistributedError) {
    let count = Int32(values.count)
    let code = values.withUnsafeMutableBytes { buffer in
      runtime.bcast(buffer.baseAddress, count, runtime.double, Int32(root), runtime.commWorld)
    }
    try Self.check(code, "MPI_Bcast")
  }

  /// Seconds on MPI's wall clock (`MPI_Wtime`).
  public func time() -> Double { runtime.wtime() }

  /// Ends every rank of the job with `code` (`MPI_Abort`): what a rank that
  /// cannot go on does, so the others do not wait for it forever.
  public func abort(code: Int32 = 1) -> Never {
    _ = runtime.abort(runtime.commWorld, code)
    exit(code)
  }

  /// Leaves MPI (once; later calls do nothing).
  public func finalize() {
    guard !isFinalized else { return }
    isFinalized = true
    var flag: Int32 = 0
    _ = runtime.finalized(&flag)
    if flag == 0 { _ = runtime.finalize() }
  }

  private func allReduce<Scalar>(_ values: inout [Scalar], type: OpaquePointer, op: OpaquePointer)
    throws(DistributedError)
  {
    let count = Int32(values.count)
    let code = values.withUnsafeMutableBytes { buffer in
      runtime.allreduce(Self.inPlace, buffer.baseAddress, count, type, op, runtime.commWorld)
    }
    try Self.check(code, "MPI_Allreduce")
  }

  private static func check(_ code: Int32, _ function: String) throws(DistributedError) {
    guard code == 0 else { throw .callFailed(function: function, code: code) }
  }
}

/// Why data-parallel training cannot start or must stop; each message says
/// what to do.
public enum DistributedError: Error, Equatable, CustomStringConvertible {
  /// No MPI library could be loaded (the sonames tried, and `dlerror`'s last
  /// word).
  case libraryNotFound(tried: [String], reason: String)
  /// An MPI library was found but it is not Open MPI (MPICH and its
  /// derivatives use integer handles that this binding does not speak).
  case unsupportedImplementation(library: String)
  /// A symbol the binding needs is missing from the library.
  case missingSymbol(name: String, library: String)
  /// An MPI call returned an error code.
  case callFailed(function: String, code: Int32)
  /// More ranks than problems in the meta-batch: some rank would have none.
  case batchTooSmall(batch: Int, ranks: Int)
  /// The replicas of φ disagree: the ranks whose checksum differs from
  /// rank 0's at a meta-iteration.
  case replicaMismatch(iteration: Int, ranks: [Int], checksums: [UInt64])
  /// A rank failed; the job is aborted with its reason.
  case rankFailed(rank: Int, reason: String)

  public var description: String {
    switch self {
    case .libraryNotFound(let tried, let reason):
      return """
        --distributed needs Open MPI, which could not be loaded (tried \(tried.joined(separator: ", ")): \
        \(reason)). Install it with `apt-get install libopenmpi-dev openmpi-bin`, then launch \
        `mpirun -np N mnemo train … --distributed`.
        """
    case .unsupportedImplementation(let library):
      return """
        \(library) is not Open MPI (it has no ompi_mpi_comm_world; MPICH-family libraries use integer \
        handles, which Mnemo's run-time MPI binding does not support). Install Open MPI with \
        `apt-get install libopenmpi-dev openmpi-bin` and launch with its `mpirun`.
        """
    case .missingSymbol(let name, let library):
      return
        "\(library) has no symbol \(name): the Open MPI installation looks incomplete; "
        + "reinstall libopenmpi-dev."
    case .callFailed(let function, let code):
      return "\(function) failed with MPI error code \(code)."
    case .batchTooSmall(let batch, let ranks):
      return
        "a meta-batch of \(batch) problems cannot be shared by \(ranks) ranks: use --batch \(ranks) or more."
    case .replicaMismatch(let iteration, let ranks, let checksums):
      let list = checksums.enumerated().map { "rank \($0.offset): \(String($0.element, radix: 16))" }
      return """
        the optimizer weights differ between ranks at meta-iteration \(iteration) (ranks \
        \(ranks.map(String.init).joined(separator: ", ")) disagree with rank 0; \
        \(list.joined(separator: ", "))). \
        The ranks must run the same mnemo build with the same arguments; the run stops rather than train \
        diverging copies.
        """
    case .rankFailed(let rank, let reason):
      return "rank \(rank) failed: \(reason)"
    }
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Open MPI, loaded at run time with `dlopen`.
///
/// Why not a SwiftPM system-library target: such a target fails to compile
/// where `mpi.h` is missing, and would make every build of Mnemo need MPI.
/// Loading `libmpi` when `--distributed` asks for it keeps MPI out of the
/// build entirely and inside this module alone: the rest of Mnemo builds and
/// runs without it, and `--distributed` says how to install it.
///
/// Open MPI's handles (`MPI_COMM_WORLD`, `MPI_FLOAT`, `MPI_SUM`, …) are
/// pointers to exported globals (`ompi_mpi_comm_world`, …), so they are
/// resolved with `dlsym` like the functions. MPICH-family libraries use
/// compile-time integer handles instead; they are recognised (they have
/// `MPI_Init` but no `ompi_mpi_comm_world`) and refused with a message.
public struct MPIRuntime {
  typealias InitFunction = @convention(c) (OpaquePointer?, OpaquePointer?) -> Int32
  typealias FlagFunction = @convention(c) (UnsafeMutablePointer<Int32>) -> Int32
  typealias CommIntFunction = @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int32>) -> Int32
  typealias AllreduceFunction =
    @convention(c) (
      UnsafeRawPointer?, UnsafeMutableRawPointer?, Int32, OpaquePointer?, OpaquePointer?, OpaquePointer?
    ) -> Int32
  typealias BcastFunction =
    @convention(c) (UnsafeMutableRawPointer?, Int32, OpaquePointer?, Int32, OpaquePointer?)
    -> Int32
  typealias AbortFunction = @convention(c) (OpaquePointer?, Int32) -> Int32
  typealias FinalizeFunction = @convention(c) () -> Int32
  typealias TimeFunction = @convention(c) () -> Double

  /// The shared-object names tried, in order (Open MPI 3–5, the unversioned
  /// development link, MPICH's soname to recognise and refuse it).
  public static let sonames = ["libmpi.so.40", "libmpi.so", "libmpi.so.12", "libmpi.dylib"]

  /// The library that was loaded.
  public let library: String
  let initialize: InitFunction
  let initialized: FlagFunction
  let finalized: FlagFunction
  let commRank: CommIntFunction
  let commSize: CommIntFunction
  let allreduce: AllreduceFunction
  let bcast: BcastFunction
  let abort: AbortFunction
  let finalize: FinalizeFunction
  let wtime: TimeFunction
  let commWorld: OpaquePointer
  let float: OpaquePointer
  let double: OpaquePointer
  let sum: OpaquePointer
  let max: OpaquePointer

  /// Loads the first Open MPI library found. `RTLD_GLOBAL` because Open MPI
  /// `dlopen`s its own components, which resolve symbols against libmpi.
  public static func load(sonames: [String] = MPIRuntime.sonames) throws(DistributedError) -> MPIRuntime {
    var reason = "no library name to try"
    for name in sonames {
      guard let handle = dlopen(name, RTLD_NOW | RTLD_GLOBAL) else {
        reason = dlerror().map { String(cString: $0) } ?? "not found"
        continue
      }
      guard dlsym(handle, "ompi_mpi_comm_world") != nil else {
        if dlsym(handle, "MPI_Init") != nil { throw .unsupportedImplementation(library: name) }
        reason = "\(name) is not an MPI library"
        continue
      }
      return try MPIRuntime(handle: handle, library: name)
    }
    throw .libraryNotFound(tried: sonames, reason: reason)
  }

  private init(handle: UnsafeMutableRawPointer, library: String) throws(DistributedError) {
    func symbol(_ name: String) throws(DistributedError) -> UnsafeMutableRawPointer {
      guard let address = dlsym(handle, name) else { throw .missingSymbol(name: name, library: library) }
      return address
    }
    func function<F>(_ name: String, as type: F.Type) throws(DistributedError) -> F {
      unsafeBitCast(try symbol(name), to: type)
    }
    self.library = library
    initialize = try function("MPI_Init", as: InitFunction.self)
    initialized = try function("MPI_Initialized", as: FlagFunction.self)
    finalized = try function("MPI_Finalized", as: FlagFunction.self)
    commRank = try function("MPI_Comm_rank", as: CommIntFunction.self)
    commSize = try function("MPI_Comm_size", as: CommIntFunction.self)
    allreduce = try function("MPI_Allreduce", as: AllreduceFunction.self)
    bcast = try function("MPI_Bcast", as: BcastFunction.self)
    abort = try function("MPI_Abort", as: AbortFunction.self)
    finalize = try function("MPI_Finalize", as: FinalizeFunction.self)
    wtime = try function("MPI_Wtime", as: TimeFunction.self)
    commWorld = OpaquePointer(try symbol("ompi_mpi_comm_world"))
    float = OpaquePointer(try symbol("ompi_mpi_float"))
    double = OpaquePointer(try symbol("ompi_mpi_double"))
    sum = OpaquePointer(try symbol("ompi_mpi_op_sum"))
    max = OpaquePointer(try symbol("ompi_mpi_op_max"))
  }
}

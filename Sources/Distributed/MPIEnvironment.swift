/// What the launcher says about this process: whether it is one rank of a
/// multi-process MPI job, so `mnemo train` goes data-parallel without
/// `--distributed`.
public struct MPIEnvironment: Sendable, Equatable {
  /// The job's size as the launcher announced it, nil outside a launcher.
  public var worldSize: Int?

  /// Reads Open MPI's `mpirun` (`OMPI_COMM_WORLD_SIZE`), PMI launchers
  /// (`PMI_SIZE`: MPICH's Hydra, Slurm's PMI) and Slurm job steps
  /// (`SLURM_STEP_NUM_TASKS`, set by `srun` — not `SLURM_NTASKS`, which a
  /// batch script itself sees before any `srun`).
  public init(environment: [String: String]) {
    let keys = ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_STEP_NUM_TASKS"]
    worldSize = keys.lazy.compactMap { environment[$0].flatMap { Int($0) } }.first
  }

  /// Whether the launcher started more than one rank.
  public var isMultiRank: Bool { (worldSize ?? 1) > 1 }
}

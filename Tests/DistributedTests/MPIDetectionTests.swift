import Testing

@testable import Distributed

@Suite struct MPIDetectionTests {
  @Test(
    arguments: [
      (["OMPI_COMM_WORLD_SIZE": "4"], 4, true),
      (["PMI_SIZE": "2"], 2, true),
      (["SLURM_STEP_NUM_TASKS": "8"], 8, true),
      (["OMPI_COMM_WORLD_SIZE": "1"], 1, false),
      (["SLURM_NTASKS": "8"], nil, false),
      ([:], nil, false),
    ] as [([String: String], Int?, Bool)])
  func launcherVariablesGiveTheWorldSize(environment: [String: String], size: Int?, multiRank: Bool) {
    let detected = MPIEnvironment(environment: environment)
    #expect(detected.worldSize == size)
    #expect(detected.isMultiRank == multiRank)
  }

  @Test func aMissingLibrarySaysHowToInstallOpenMPI() {
    do {
      _ = try MPIRuntime.load(sonames: ["libmnemo-no-such-mpi.so.99"])
      Issue.record("loading a library that does not exist succeeded")
    } catch {
      guard case .libraryNotFound(let tried, _) = error else {
        Issue.record("unexpected error \(error)")
        return
      }
      #expect(tried == ["libmnemo-no-such-mpi.so.99"])
      #expect(error.description.contains("apt-get install libopenmpi-dev openmpi-bin"))
      #expect(error.description.contains("mpirun -np N"))
    }
  }

  @Test func aLibraryThatIsNotMPIIsNotTakenForOne() {
    #expect(throws: DistributedError.self) { try MPIRuntime.load(sonames: ["libm.so.6"]) }
  }
}

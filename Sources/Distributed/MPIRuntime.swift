// Distributed module: the MPI runtime arrives with the data-parallel trainer.

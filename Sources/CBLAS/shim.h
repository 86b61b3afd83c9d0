// OpenBLAS's CBLAS interface (Debian: libopenblas-dev). No stable Swift API:
// only LinearAlgebra imports this module.
#include <cblas.h>
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);

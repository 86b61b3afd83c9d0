// OpenBLAS's CBLAS interface (Debian: libopenblas-dev). No stable Swift API:
// only LinearAlgebra imports this module.
#include <cblas.h>
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
// OpenBLAS's run-time kernel dispatch (DYNAMIC_ARCH builds, as Debian's):
// re-reading OPENBLAS_CORETYPE after start-up. Used once, before any other
// thread exists, by LinearAlgebra's kernel selection.
void gotoblas_dynamic_init(void);
void gotoblas_dynamic_quit(void);

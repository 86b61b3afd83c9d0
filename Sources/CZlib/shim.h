// zlib (Debian: zlib1g-dev), used only to read gzipped MNIST IDX files.
#include <zlib.h>

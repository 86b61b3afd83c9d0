#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// The C math library under short internal names, so that the problem files
// need neither Foundation nor a platform import of their own.

@inline(__always) func libmExp(_ x: Float) -> Float { expf(x) }
@inline(__always) func libmExp(_ x: Double) -> Double { exp(x) }
@inline(__always) func libmLog(_ x: Float) -> Float { logf(x) }
@inline(__always) func libmLog(_ x: Double) -> Double { log(x) }
@inline(__always) func libmLog1p(_ x: Float) -> Float { log1pf(x) }
@inline(__always) func libmLog1p(_ x: Double) -> Double { log1p(x) }
@inline(__always) func libmTanh(_ x: Float) -> Float { tanhf(x) }

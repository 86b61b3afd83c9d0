#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// libm in Double, under names that do not clash with the Float overloads
// Swift's overlay adds.
@inline(__always) func mathLog(_ x: Double) -> Double { log(x) }
@inline(__always) func mathExp(_ x: Double) -> Double { exp(x) }
@inline(__always) func mathLog10(_ x: Double) -> Double { log10(x) }

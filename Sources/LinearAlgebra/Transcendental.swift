#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// Double-precision libm entry points, named so that the rest of the module can
// call them without importing Foundation.
@inline(__always) func _log(_ x: Double) -> Double { log(x) }
@inline(__always) func _sin(_ x: Double) -> Double { sin(x) }
@inline(__always) func _cos(_ x: Double) -> Double { cos(x) }

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The C math library, in one place for every module.
///
/// Swift's standard library has no `exp` or `log`; the platform modules
/// (Glibc, Darwin) do, but importing them or Foundation into every file ties
/// numerics and drawing code to a platform and, for Foundation, to a large
/// dependency. These forwarders are `@inlinable`, so a call compiles to the
/// libm call itself in the caller's module.
public enum Libm {
  @inlinable public static func exp(_ x: Float) -> Float { expf(x) }
  @inlinable public static func exp(_ x: Double) -> Double { cExp(x) }
  @inlinable public static func log(_ x: Float) -> Float { logf(x) }
  @inlinable public static func log(_ x: Double) -> Double { cLog(x) }
  @inlinable public static func log1p(_ x: Float) -> Float { log1pf(x) }
  @inlinable public static func log1p(_ x: Double) -> Double { cLog1p(x) }
  @inlinable public static func log10(_ x: Double) -> Double { cLog10(x) }
  @inlinable public static func tanh(_ x: Float) -> Float { tanhf(x) }
  @inlinable public static func pow(_ x: Double, _ y: Double) -> Double { cPow(x, y) }
  @inlinable public static func sin(_ x: Double) -> Double { cSin(x) }
  @inlinable public static func cos(_ x: Double) -> Double { cCos(x) }
}

// The Double entry points under names the enum's members do not shadow.
@usableFromInline func cExp(_ x: Double) -> Double { exp(x) }
@usableFromInline func cLog(_ x: Double) -> Double { log(x) }
@usableFromInline func cLog1p(_ x: Double) -> Double { log1p(x) }
@usableFromInline func cLog10(_ x: Double) -> Double { log10(x) }
@usableFromInline func cPow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
@usableFromInline func cSin(_ x: Double) -> Double { sin(x) }
@usableFromInline func cCos(_ x: Double) -> Double { cos(x) }

import CBLAS

#if canImport(Glibc)
  import Glibc
#endif

/// Choosing OpenBLAS's kernels when its own CPU detection falls short.
///
/// Debian's OpenBLAS (0.3.21) picks its kernels at load time from the CPU
/// model. On a CPU newer than the library (this project's machines report
/// Intel family 6 model 207) the detection falls back to the generic
/// `Prescott` SSE3 kernels, which run the learned optimizer's products 3–4×
/// slower than the AVX-512 (`SkylakeX`) or AVX2 (`Haswell`) kernels the CPU
/// supports (`docs/autodiff.md` has the measurements). OpenBLAS re-reads
/// `OPENBLAS_CORETYPE` when its dispatch is re-initialised, so the
/// executable can choose once, at start-up.
///
/// The choice is conservative: nothing changes when `OPENBLAS_CORETYPE` is
/// already set (an administrator who set it knows better — some machines set
/// it on purpose because newer kernels misbehave there), when OpenBLAS did
/// recognise the CPU, when the CPU lacks the instructions, or when
/// `MNEMO_BLAS_KERNELS=keep`.
extension BLAS {
  /// The kernel family OpenBLAS dispatches to (`Prescott`, `Haswell`,
  /// `SkylakeX`, …).
  public static var kernelName: String {
    guard let name = openblas_get_corename() else { return "unknown" }
    return String(cString: name)
  }

  /// What ``selectKernelsForThisCPU(environment:cpuFlags:)`` did.
  public enum KernelSelection: Equatable, Sendable, CustomStringConvertible {
    /// Switched from the first family to the second.
    case switched(from: String, to: String)
    /// Left as it was, and why.
    case kept(String, reason: String)

    public var description: String {
      switch self {
      case .switched(let from, let to): "OpenBLAS kernels: \(to) (detected \(from))"
      case .kept(let name, let reason): "OpenBLAS kernels: \(name) (\(reason))"
      }
    }
  }

  /// The kernel family this CPU can run, from its feature flags: `SkylakeX`
  /// with AVX-512 F/BW/DQ/VL, `Haswell` with AVX2 and FMA, nil otherwise.
  public static func bestKernel(cpuFlags: Set<String>) -> String? {
    if ["avx512f", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(cpuFlags.contains) { return "SkylakeX" }
    if ["avx2", "fma"].allSatisfy(cpuFlags.contains) { return "Haswell" }
    return nil
  }

  /// Switches OpenBLAS to the best kernels for this CPU when it fell back to
  /// the generic ones (see the extension's discussion). Call once at
  /// start-up, before any other thread uses BLAS.
  @discardableResult
  public static func selectKernelsForThisCPU(
    environment: [String: String], cpuFlags: Set<String>? = nil
  ) -> KernelSelection {
    let current = kernelName
    if environment["MNEMO_BLAS_KERNELS"] == "keep" { return .kept(current, reason: "MNEMO_BLAS_KERNELS=keep") }
    if let set = environment["OPENBLAS_CORETYPE"], !set.isEmpty {
      return .kept(current, reason: "OPENBLAS_CORETYPE=\(set) is set")
    }
    guard current.lowercased() == "prescott" else { return .kept(current, reason: "detected by OpenBLAS") }
    guard let flags = cpuFlags ?? Self.cpuFlags(), let best = bestKernel(cpuFlags: flags) else {
      return .kept(current, reason: "no AVX2 or AVX-512 on this CPU")
    }
    setenv("OPENBLAS_CORETYPE", best, 1)
    gotoblas_dynamic_quit()
    gotoblas_dynamic_init()
    unsetenv("OPENBLAS_CORETYPE")
    let now = kernelName
    return now.lowercased() == best.lowercased()
      ? .switched(from: current, to: now) : .kept(now, reason: "OpenBLAS refused \(best)")
  }

  /// The CPU's feature flags from /proc/cpuinfo (Linux), nil elsewhere.
  static func cpuFlags() -> Set<String>? {
    guard let file = fopen("/proc/cpuinfo", "r") else { return nil }
    defer { fclose(file) }
    var line: UnsafeMutablePointer<CChar>?
    var capacity = 0
    defer { free(line) }
    while getline(&line, &capacity, file) > 0 {
      guard let line else { continue }
      let text = String(cString: line)
      if text.hasPrefix("flags") {
        let list = text.split(separator: ":", maxSplits: 1).last ?? ""
        return Set(list.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init))
      }
    }
    return nil
  }
}

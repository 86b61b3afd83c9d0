extension ErrorCurve {
  /// The first step t with `e_t ≤ threshold`, nil if the curve never gets
  /// there.
  ///
  /// The threshold is the tolerance itself (``ConvergenceTolerance/absolute(_:)``)
  /// or the tolerance times e₀ (``ConvergenceTolerance/relative(_:)``). Step 0
  /// is the starting point, so a run that starts within tolerance reports 0.
  /// This is a first-passage time: a run that later climbs back above the
  /// threshold still reports its first arrival.
  ///
  /// The floor plays no part here (an error at the floor is within any
  /// tolerance above it). NaN errors never satisfy the test, so a run that
  /// diverges before reaching the tolerance reports nil; with a relative
  /// tolerance and a non-finite e₀ the threshold is undefined and the answer
  /// is nil.
  public func steps(toReach tolerance: ConvergenceTolerance) -> Int? {
    guard let initial = errors.first else { return nil }
    if case .relative = tolerance, !initial.isFinite { return nil }
    let threshold = tolerance.threshold(initialError: initial)
    guard !threshold.isNaN else { return nil }
    return errors.firstIndex { $0 <= threshold }
  }
}

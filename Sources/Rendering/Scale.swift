/// A map from data values to a position along an axis, as a fraction:
/// 0 at the lower end of the domain, 1 at the upper end.
///
/// Two implementations: ``LinearScale`` and ``LogScale``. Charts pick one
/// per axis through ``AxisKind``.
public protocol Scale: Sendable {
  /// The values that map to [0, 1].
  var domain: ClosedRange<Double> { get }

  /// Where `value` falls. Finite values outside the domain give fractions
  /// outside [0, 1] (charts clip them); see ``Projection`` for the rest.
  func project(_ value: Double) -> Projection

  /// The value at `fraction` along the axis (the inverse of ``project(_:)``
  /// inside the domain), e.g. for a cursor readout.
  func value(atFraction fraction: Double) -> Double

  /// "Nice" tick positions inside the domain, at most `maxCount` of them
  /// (at least two are asked for), with compact labels.
  func ticks(maxCount: Int) -> [Tick]
}

/// Where a value lands on a scale.
public enum Projection: Hashable, Sendable {
  /// A finite value at this fraction of the axis.
  case inside(Double)
  /// A value ≤ 0 on a logarithmic scale, which has no position there. It is
  /// drawn at the axis floor (fraction 0) and must be reported to the user —
  /// never silently dropped — because a loss that reached exactly zero is
  /// news, not noise.
  case clampedToFloor
  /// NaN or ±∞: no position. A line chart breaks its line here (a racer
  /// that diverged).
  case nonFinite

  /// The fraction to draw at, or `nil` for ``nonFinite``.
  public var fraction: Double? {
    switch self {
    case .inside(let f): f
    case .clampedToFloor: 0
    case .nonFinite: nil
    }
  }
}

/// A tick mark: its value and the label printed next to it.
public struct Tick: Hashable, Sendable {
  public var value: Double
  public var label: String

  public init(value: Double, label: String) {
    self.value = value
    self.label = label
  }
}

/// The kind of axis a chart uses; it builds the matching ``Scale`` from
/// the data.
public enum AxisKind: String, Hashable, Sendable, CaseIterable {
  case linear
  /// Base-10 logarithmic: values ≤ 0 are clamped to the floor and reported.
  case log
}

import Foundation

/// The ranges of every size and count Mnemo accepts, in one place, used both
/// by the command-line parsers and by the readers of files (session.json,
/// histories, weights headers), so that a value the CLI would reject is
/// rejected from a file too.
///
/// The bounds are what this machine class can run in minutes with memory to
/// spare, not what the types can hold: a hidden size of 100,000 is a valid
/// `Int` but a 480 GB allocation; a horizon of 10⁹ is a valid `Int` but a
/// race that never ends. Raising one is a deliberate change made here, with
/// the memory it costs in mind (docs/sessions.md lists them).
public enum Limits {
  /// Problems per meta-batch (B).
  public static let batch = 1...4096
  /// Hidden units per LSTM layer (also the DNC controller's).
  public static let hidden = 1...256
  /// LSTM layers.
  public static let layers = 1...8
  /// DNC memory slots N, word size W and read heads R.
  public static let memorySlots = 1...256
  public static let wordSize = 1...256
  public static let readHeads = 1...16
  /// Episode horizon T (also the steps of a session's races and of the
  /// dashboard's races).
  public static let horizon = 1...10_000
  /// Steps per truncated unroll K (also LISTA's unrolled steps).
  public static let unroll = 1...10_000
  /// Meta-iterations completed or requested: far more than any run makes,
  /// small enough that `iteration × batch` never overflows.
  public static let metaIteration = 0...1_000_000_000
  /// Optimizer steps of a `mnemo race`.
  public static let raceSteps = 1...100_000
  /// Held-out instances of a race (and tuning instances).
  public static let instances = 1...10_000
  /// LISTA's training pool and validation instances.
  public static let listaInstances = 1...100_000
  /// The largest matrix one problem instance may hold (rows × columns):
  /// 2²⁰ Float32 values, 4 MB per instance, so a 100-instance race stays
  /// under half a gigabyte and the reference solve (O(n³)) under a few
  /// seconds.
  public static let problemElements = 1 << 20
  /// Seconds a headless run may be asked to last (a year).
  public static let duration = 0.001...31_536_000.0

  /// Describes `range` for a message: "1…4096".
  public static func describe(_ range: ClosedRange<Int>) -> String {
    "\(range.lowerBound)…\(range.upperBound)"
  }

  /// Parses `text` as an integer in `range`; nil when it is not one (no
  /// sign tricks, no fractions, no overflow).
  public static func integer(_ text: String, in range: ClosedRange<Int>) -> Int? {
    guard let value = Int(text), range.contains(value) else { return nil }
    return value
  }

  /// Whether `rows × columns` fits ``problemElements`` (overflow-safe).
  public static func fitsProblemElements(_ rows: Int, _ columns: Int) -> Bool {
    let (product, overflow) = rows.multipliedReportingOverflow(by: columns)
    return !overflow && product <= problemElements
  }
}

/// The memory one sampled instance of a problem class holds, for checking a
/// run's needs before sampling (a race holds every instance at once, a
/// meta-batch every problem of the batch).
public protocol InstanceFootprint {
  /// Bytes of one instance (its matrices and vectors, Float32).
  var instanceBytes: Int { get }
}

extension QuadraticClass: InstanceFootprint {
  public var instanceBytes: Int { 4 * (rows * dimension + rows + 3 * dimension) }
}

extension SparseCodingClass: InstanceFootprint {
  public var instanceBytes: Int { 4 * (rows * dimension + rows + 3 * dimension) }
}

extension LogisticRegressionClass: InstanceFootprint {
  public var instanceBytes: Int { 4 * (points * features + points + 3 * features) }
}

extension Limits {
  /// The most memory the instances of one run may take: half the machine's.
  public static var instanceMemoryBudget: Int {
    Int(clamping: ProcessInfo.processInfo.physicalMemory / 2)
  }

  /// The bytes `count` instances of `problemClass` take, when the class
  /// knows its footprint (MNIST shares one data set among its instances).
  public static func instanceMemory(_ problemClass: any ProblemClass, count: Int) -> Int? {
    guard let footprint = problemClass as? InstanceFootprint else { return nil }
    let (bytes, overflow) = footprint.instanceBytes.multipliedReportingOverflow(by: count)
    return overflow ? Int.max : bytes
  }
}

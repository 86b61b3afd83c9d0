import Optimizees
import Optimizers

/// The one check every `session.json` passes before anything uses it: each
/// field present is in the range the command line accepts (``Limits``), the
/// weights file is a plain name inside the session's folder, numbers are
/// finite. Presence of the fields an architecture needs is left to the
/// configuration readers, which name the missing tensor or field.
///
/// Why here and not at each use: the manifest is read by `race`, `train`,
/// `watch`, `sessions` and the dashboard; checking once at decode time means
/// none of them can trap on a value the CLI would have refused.
extension SessionManifest {
  /// The weights file names Mnemo writes: `weights-N.bin`, a plain name, so a
  /// manifest can never point outside its folder (`../victim/…`).
  public static func isWeightsFileName(_ name: String) -> Bool {
    guard name.hasPrefix("weights-"), name.hasSuffix(".bin") else { return false }
    let digits = name.dropFirst("weights-".count).dropLast(".bin".count)
    return !digits.isEmpty && digits.count <= 19 && digits.allSatisfy { $0.isASCII && $0.isNumber }
  }

  /// Throws ``SessionError/invalidField(path:field:value:expected:)`` for the
  /// first field out of range (`path` is the manifest's file).
  public func validate(path: String) throws(SessionError) {
    func fail(_ field: String, _ value: String, _ expected: String) -> SessionError {
      .invalidField(path: path, field: field, value: value, expected: expected)
    }
    func integer(_ record: [String: String], _ section: String, _ key: String, _ range: ClosedRange<Int>)
      throws(SessionError)
    {
      guard let text = record[key] else { return }
      guard Limits.integer(text, in: range) != nil else {
        throw fail("\(section).\(key)", text, "an integer in \(Limits.describe(range))")
      }
    }
    func real(_ record: [String: String], _ section: String, _ key: String, _ expected: String,
      _ isValid: (Float) -> Bool) throws(SessionError)
    {
      guard let text = record[key] else { return }
      guard let value = Float(text), value.isFinite, isValid(value) else {
        throw fail("\(section).\(key)", text, expected)
      }
    }

    guard Self.isWeightsFileName(weightsFile) else {
      throw fail("weightsFile", weightsFile, "a file name of the form weights-N.bin in the session's own folder")
    }
    guard Limits.metaIteration.contains(metaIteration) else {
      throw fail("metaIteration", String(metaIteration), "an integer in \(Limits.describe(Limits.metaIteration))")
    }
    for (kind, rate) in tunedLearningRates.sorted(by: { $0.key < $1.key }) {
      guard rate.isFinite, rate > 0 else {
        throw fail("tunedLearningRates.\(kind)", String(rate), "a positive finite learning rate (as --optimizers \(kind)@RATE)")
      }
    }
    switch optimizer["architecture"].flatMap(LearnedArchitecture.init(rawValue:)) {
    case .lstm, .dnc:
      try integer(optimizer, "optimizer", "hidden", Limits.hidden)
      try integer(optimizer, "optimizer", "layers", Limits.layers)
      try integer(optimizer, "optimizer", "slots", Limits.memorySlots)
      try integer(optimizer, "optimizer", "word", Limits.wordSize)
      try integer(optimizer, "optimizer", "reads", Limits.readHeads)
      try real(optimizer, "optimizer", "scale", "a finite number", { _ in true })
      if let text = optimizer["preprocessing"], GradientPreprocessing(parsing: text) == nil {
        throw fail("optimizer.preprocessing", text, "none, log-sign[:k] or rnnprop[:b1:b2]")
      }
      guard MetaObjective(rawValue: objective) != nil else {
        throw fail("objective", objective, MetaObjective.allCases.map(\.rawValue).joined(separator: ", "))
      }
      try integer(training, "training", "horizon", Limits.horizon)
      try integer(training, "training", "unroll", Limits.unroll)
      try integer(training, "training", "batch", Limits.batch)
      try real(training, "training", "learning-rate", "a positive finite number", { $0 > 0 })
      try real(training, "training", "clip-norm", "a positive finite number", { $0 > 0 })
      try real(training, "training", "random-scaling", "a finite number in 0…10", { (0...10).contains($0) })
    case .lista:
      try integer(optimizer, "optimizer", "layers", 1...10_000)
      guard LISTAObjective(rawValue: objective) != nil else {
        throw fail("objective", objective, LISTAObjective.allCases.map(\.rawValue).joined(separator: ", "))
      }
      try integer(training, "training", "batch", Limits.batch)
      try integer(training, "training", "unroll", Limits.unroll)
      try integer(training, "training", "pool", Limits.listaInstances)
      try integer(training, "training", "validation", Limits.listaInstances)
      try real(training, "training", "learning-rate", "a positive finite number", { $0 > 0 })
    case nil:
      // A plug-in architecture (the report's contender registry loads
      // them): its own loader reads its record; the shared training
      // settings still keep to the CLI's ranges.
      try integer(training, "training", "horizon", Limits.horizon)
      try integer(training, "training", "unroll", Limits.unroll)
      try integer(training, "training", "batch", Limits.batch)
    }
  }
}

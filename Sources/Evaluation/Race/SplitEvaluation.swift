import Optimizees

/// Every racer's final iterates on an MNIST classifier (the MLP, the CNN:
/// any ``MNISTClassifierProblem``) evaluated on a data split
/// (`mnemo race --evaluate test`): the loss and accuracy of each instance's
/// θ_T on the split's images, then their mean over instances with a 95 %
/// bootstrap interval — the figure the headline claim ("a learned optimizer
/// trains a better network") is about, which the training loss of the last
/// minibatch only estimates.
public struct SplitEvaluation: Sendable {
  /// One racer's figures.
  public struct Row: Sendable {
    public var racer: String
    public var loss: BootstrapInterval
    public var accuracy: BootstrapInterval
    /// Instances whose final iterate was not finite (counted as NaN loss).
    public var diverged: Int
  }

  public var split: DataSplit
  /// Images evaluated per instance.
  public var examples: Int
  public var rows: [Row]

  /// Evaluates `result`'s final parameters (the race must have been run
  /// with `keepingFinalParameters`) on `split` of each instance. Nil when
  /// the instances are not MNIST classifiers.
  public init?(result: RaceResult, instances: [any Problem], split: DataSplit, examples: Int? = nil) {
    let networks = instances.compactMap { $0 as? any MNISTClassifierProblem }
    guard !networks.isEmpty, networks.count == instances.count else { return nil }
    self.split = split
    self.examples = min(examples ?? Int.max, networks[0].dataset.split(split).count)
    rows = result.traces.map { trace in
      var losses: [Double] = []
      var accuracies: [Double] = []
      var diverged = 0
      for (index, theta) in (trace.finalParameters ?? []).enumerated() where index < networks.count {
        guard theta.count == networks[index].dimension, theta.allSatisfy(\.isFinite) else {
          diverged += 1
          continue
        }
        let evaluation = networks[index].evaluate(at: theta, split: split, examples: examples)
        losses.append(Double(evaluation.meanLoss))
        accuracies.append(Double(evaluation.accuracy))
      }
      return Row(
        racer: trace.name, loss: BootstrapInterval(values: diverged > 0 ? losses + [.nan] : losses),
        accuracy: BootstrapInterval(values: accuracies), diverged: diverged)
    }
  }

  /// A Markdown table: mean loss and accuracy with their intervals, best
  /// mean loss marked.
  public var markdown: String {
    let best = rows.map(\.loss.mean).filter(\.isFinite).min()
    var lines = [
      "\(split.rawValue)-split evaluation of the final iterates (\(examples) images per instance; 95 % bootstrap intervals over instances)",
      "",
      "| optimizer | \(split.rawValue) loss | 95 % interval | accuracy | 95 % interval | diverged |",
      "| --- | --- | --- | --- | --- | --- |",
    ]
    func number(_ x: Double, _ digits: Int = 4) -> String { x.isFinite ? String(format: "%.\(digits)f", x) : "—" }
    for row in rows {
      let mark = row.loss.mean == best ? " **best**" : ""
      lines.append(
        "| \(row.racer)\(mark) | \(number(row.loss.mean)) | \(number(row.loss.lower))–\(number(row.loss.upper)) | "
          + "\(number(100 * row.accuracy.mean, 2)) % | \(number(100 * row.accuracy.lower, 2))–\(number(100 * row.accuracy.upper, 2)) % | \(row.diverged) |")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// The rows as JSON objects (a JSON array).
  public var json: String {
    func number(_ x: Double) -> String { x.isFinite ? String(x) : "null" }
    let objects = rows.map { row in
      "{\"optimizer\": \"\(row.racer)\", \"split\": \"\(split.rawValue)\", \"examples\": \(examples), "
        + "\"loss\": \(number(row.loss.mean)), \"loss_lower\": \(number(row.loss.lower)), "
        + "\"loss_upper\": \(number(row.loss.upper)), \"accuracy\": \(number(row.accuracy.mean)), "
        + "\"accuracy_lower\": \(number(row.accuracy.lower)), \"accuracy_upper\": \(number(row.accuracy.upper)), "
        + "\"diverged\": \(row.diverged)}"
    }
    return "[" + objects.joined(separator: ", ") + "]"
  }
}

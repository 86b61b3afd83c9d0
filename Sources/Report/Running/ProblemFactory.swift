import Optimizees

/// Builds the study's problem classes, loading MNIST once (cut to a subset
/// in the quick study) and sharing it between every MNIST variant (of the
/// MLP and of the CNN).
struct ProblemFactory {
  /// The MNIST data, when loaded.
  let mnist: MNISTDataset?
  /// Why MNIST is unavailable, when it is.
  let mnistProblem: String?

  /// Loads MNIST only when `needed`; a missing or corrupt data set is
  /// remembered as the reason its experiments are skipped.
  init(needed: Bool, directory: String?, subset: (train: Int, test: Int)?) {
    guard needed else {
      mnist = nil
      mnistProblem = "not needed"
      return
    }
    do {
      let full = try MNISTDataset.load(directory: directory)
      if let subset {
        mnist = MNISTDataset(
          train: full.train.prefix(subset.train), test: full.test.prefix(subset.test),
          directory: full.directory)
      } else {
        mnist = full
      }
      mnistProblem = nil
    } catch {
      mnist = nil
      mnistProblem = error.description
    }
  }

  /// The class of `spec`, or why it cannot be built.
  func make(_ spec: ProblemSpec) -> Result<any ProblemClass, FactoryError> {
    guard spec.needsMNIST else {
      do {
        return .success(try ProblemCatalog.make(spec.name, options: spec.options))
      } catch {
        return .failure(FactoryError(message: error.description))
      }
    }
    guard let mnist else {
      return .failure(FactoryError(message: "MNIST is not available (\(mnistProblem ?? "not loaded"))"))
    }
    if spec.name == MNISTCNNClass.profile.name {
      do {
        return .success(try MNISTCNNClass(options: spec.options, dataset: mnist))
      } catch {
        return .failure(FactoryError(message: error.description))
      }
    }
    guard spec.name == MNISTMLPClass.profile.name else {
      return .failure(FactoryError(message: "\(spec.name) cannot be built on the study's shared MNIST copy"))
    }
    let valid = ["activation", "batch", "hidden", "layers"]
    if let unknown = spec.options.keys.sorted().first(where: { !valid.contains($0) }) {
      return .failure(FactoryError(message: "mnist-mlp has no option '\(unknown)'; valid: \(valid.joined(separator: ", "))"))
    }
    func integer(_ key: String, _ fallback: Int, minimum: Int) -> Int? {
      guard let text = spec.options[key] else { return fallback }
      guard let value = Int(text), value >= minimum else { return nil }
      return value
    }
    guard let hidden = integer("hidden", 20, minimum: 1), let layers = integer("layers", 1, minimum: 0),
      let batch = integer("batch", 128, minimum: 1),
      let activation = Activation(rawValue: spec.options["activation"] ?? "sigmoid")
    else {
      return .failure(FactoryError(message: "invalid mnist-mlp options \(spec.options)"))
    }
    return .success(
      MNISTMLPClass(dataset: mnist, hidden: hidden, layers: layers, activation: activation, batchSize: batch))
  }

  struct FactoryError: Error {
    var message: String
  }
}

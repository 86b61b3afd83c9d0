import Evaluation
import MetaLearning
import Optimizers

/// The whole study as data: sections of experiments, the recipes of the
/// learned optimizers they race, and the shared settings (seed, tuning,
/// MNIST subset). ``full(seed:)`` is the study the README reports;
/// ``quick(seed:)`` is the same study shrunk until it runs in seconds, which
/// CI uses to exercise every code path and write every file.
public struct Study: Sendable {
  /// "full" or "quick".
  public var name: String
  /// The run seed of every race, tuning and recipe.
  public var seed: UInt64
  public var sections: [StudySection]
  /// Recipes by session name.
  public var recipes: [String: TrainingRecipe]
  /// Instances per candidate learning rate when tuning.
  public var tuningInstances: Int
  /// The candidate learning rates.
  public var tuningGrid: [Float]
  /// When set, MNIST is cut to its first `train` and `test` examples.
  public var mnistSubset: (train: Int, test: Int)?
  /// Test-split examples each MNIST evaluation reads (nil: all).
  public var testExamples: Int?

  public init(
    name: String, seed: UInt64, sections: [StudySection], recipes: [TrainingRecipe], tuningInstances: Int,
    tuningGrid: [Float], mnistSubset: (train: Int, test: Int)? = nil, testExamples: Int? = nil
  ) {
    self.name = name
    self.seed = seed
    self.sections = sections
    self.recipes = Dictionary(recipes.map { ($0.session, $0) }, uniquingKeysWith: { first, _ in first })
    self.tuningInstances = tuningInstances
    self.tuningGrid = tuningGrid
    self.mnistSubset = mnistSubset
    self.testExamples = testExamples
  }

  /// The section ids, in order.
  public var sectionIDs: [String] { sections.map(\.id) }

  /// Only the named sections (in study order); unknown names throw, listing
  /// the valid ones.
  public func selecting(_ ids: [String]) throws(ReportError) -> Study {
    let unknown = ids.filter { !sectionIDs.contains($0) }
    guard unknown.isEmpty else { throw .unknownSection(name: unknown[0], valid: sectionIDs) }
    var copy = self
    copy.sections = sections.filter { ids.contains($0.id) }
    return copy
  }

  /// The full study of issue #6.
  public static func full(seed: UInt64 = 0) -> Study {
    build(name: "full", seed: seed, scale: .full)
  }

  /// The same study in miniature: a few instances, short horizons, a few
  /// meta-iterations per learned optimizer, an MNIST subset.
  public static func quick(seed: UInt64 = 0) -> Study {
    build(name: "quick", seed: seed, scale: .quick)
  }

  /// The sizes that distinguish the full study from the quick one.
  struct Scale {
    var horizon: Int
    var longHorizon: Int
    /// The objective study's long MNIST race (the quick study keeps it short:
    /// three LSTMs on 16k coordinates dominate its time).
    var mnistLongHorizon: Int
    var instances: Int
    var mnistInstances: Int
    var variantInstances: Int
    var stabilitySteps: Int
    var stabilityInstances: Int
    var tuningInstances: Int
    var grid: [Float]
    /// Meta-iterations of each recipe by problem class (quick: a couple).
    var iterations: (quadratic: Int, dnc: Int, sparse: Int, mnist: Int, lista: Int)
    var trainingHorizon: Int
    var unroll: Int
    var batch: Int?
    var validationInstances: Int
    /// LISTA's unrolled steps T and validation instances.
    var listaUnroll: Int
    var listaValidation: Int
    var mnistSubset: (train: Int, test: Int)?
    var testExamples: Int?

    static let full = Scale(
      horizon: 100, longHorizon: 1000, mnistLongHorizon: 1000, instances: 100, mnistInstances: 50, variantInstances: 20,
      stabilitySteps: 10_000, stabilityInstances: 3, tuningInstances: 20, grid: LearningRateGrid.halfDecades,
      iterations: (4000, 4000, 3000, 1000, 3000), trainingHorizon: 100, unroll: 20, batch: nil, validationInstances: 20,
      listaUnroll: 16, listaValidation: 64, mnistSubset: nil, testExamples: nil)

    static let quick = Scale(
      horizon: 5, longHorizon: 50, mnistLongHorizon: 10, instances: 3, mnistInstances: 2, variantInstances: 1, stabilitySteps: 40,
      stabilityInstances: 1, tuningInstances: 2, grid: [1e-3, 1e-2, 1e-1], iterations: (2, 2, 2, 1, 2),
      trainingHorizon: 5, unroll: 5, batch: 2, validationInstances: 2, listaUnroll: 5, listaValidation: 2,
      mnistSubset: (512, 256), testExamples: 256)
  }

  static func build(name: String, seed: UInt64, scale: Scale) -> Study {
    let gradientBaselines: [Contender] = [.baseline(.sgd), .baseline(.momentum), .baseline(.nag), .baseline(.rmsprop), .baseline(.adam)]
    let h = scale.horizon, long = scale.longHorizon
    var recipes: [TrainingRecipe] = []
    func recipe(
      _ session: String, _ problem: ProblemSpec, architecture: String = LearnedArchitecture.lstm.rawValue, objective: String = "loss-sum",
      iterations: Int, horizon: Int? = nil, unroll: Int? = nil, batch: Int? = nil, metaLearningRate: Float? = nil,
      validationInstances: Int? = nil, preprocessing: String? = nil, outputScale: Float? = nil,
      imitation: Imitation? = nil
    ) {
      // The MNIST sessions use RNNprop's scale-free features with a small
      // output scale (the choices measured in docs/mnist.md).
      let mnist = problem.needsMNIST && architecture == LearnedArchitecture.lstm.rawValue
      recipes.append(
        TrainingRecipe(
          session: session, problem: problem, architecture: architecture, objective: objective,
          iterations: iterations, seed: seed, horizon: horizon ?? scale.trainingHorizon, unroll: unroll ?? scale.unroll,
          batch: problem.needsMNIST ? batch : (scale.batch ?? batch), preprocessing: preprocessing ?? (mnist ? "rnnprop" : nil),
          outputScale: outputScale ?? (mnist ? 0.03 : nil), metaLearningRate: metaLearningRate, imitation: imitation,
          validationInstances: validationInstances ?? scale.validationInstances,
          validateEvery: max(1, min(100, iterations))))
    }
    func iterations(for problem: String) -> Int {
      switch problem {
      case "quadratic": scale.iterations.quadratic
      case "mnist-mlp": scale.iterations.mnist
      default: scale.iterations.sparse
      }
    }

    // 1. Quadratics: the paper's task, LSTM and DNC against the tuned baselines.
    let quadratic = ProblemSpec("quadratic")
    recipe("quadratic", quadratic, iterations: scale.iterations.quadratic)
    recipe("quadratic-dnc", quadratic, architecture: LearnedArchitecture.dnc.rawValue, iterations: scale.iterations.dnc)
    let quadraticContenders: [Contender] = [.learned(session: "quadratic"), .learned(session: "quadratic-dnc")] + gradientBaselines
    let quadraticMetrics: [Metric] = [.meanLoss, .geometricMeanLoss, .convergence]
    let quadraticSection = StudySection(
      id: "quadratic", title: "Quadratics",
      summary: "f(θ) = ‖Wθ − y‖² with W (10×10) and y Gaussian. The learned optimizers (LSTM session `quadratic`, "
        + "DNC session `quadratic-dnc`) against hand-designed ones tuned for the horizon, at the training "
        + "horizon and ten times beyond it.",
      experiments: [h, long].map { steps in
        Experiment(
          id: "quadratic-\(steps)", title: "quadratic, \(steps) steps", problem: quadratic, steps: steps,
          instances: scale.instances,
          contenders: steps == long
            ? quadraticContenders + [.guarded(session: "quadratic", fallback: .adam)] : quadraticContenders,
          metrics: quadraticMetrics,
          plot: steps == long ? "quadratic" : nil)
      })

    // 2. Sparse and group-sparse regression.
    var sparseExperiments: [Experiment] = []
    for name in ["lasso", "sparse-l0", "group-lasso"] {
      let problem = ProblemSpec(name)
      // ℓ0's session is trained on log-loss: loss-sum only matched ISTA
      // there (docs/proximal.md).
      recipe(name, problem, objective: name == "sparse-l0" ? "log-loss" : "loss-sum", iterations: scale.iterations.sparse)
      var contenders: [Contender] = [.learned(session: name)]
      // LISTA as sessions/NAME-lista were trained: 16 layers with momentum,
      // T = 16 unrolled steps, batches of 32, the log relative error (on ℓ0
      // its thresholds learn through the smoothed-gate surrogate).
      recipe(
        "\(name)-lista", problem, architecture: LearnedArchitecture.lista.rawValue, objective: "log-relative",
        iterations: scale.iterations.lista, unroll: scale.listaUnroll, batch: 32,
        validationInstances: scale.listaValidation)
      contenders.append(.learned(session: "\(name)-lista"))
      contenders += [.baseline(.ista), .baseline(.fista), .baseline(.adam)]
      for steps in [h, long] {
        sparseExperiments.append(
          Experiment(
            id: "\(name)-\(steps)", title: "\(name), \(steps) steps", problem: problem, steps: steps,
            instances: scale.instances, contenders: contenders,
            metrics: [.meanLoss, .relativeError, .support, .nmse], plot: steps == long ? name : nil))
      }
    }
    let sparseSection = StudySection(
      id: "sparse", title: "Sparse and group-sparse regression",
      summary: "Sparse coding ½‖y − DΓ‖² + λΩ(Γ) with D 25×50 (unit-norm columns) and a 10%-sparse true code Γ*: "
        + "Ω = ℓ1 (`lasso`), ℓ0 (`sparse-l0`) and group ℓ1,2 (`group-lasso`). Every optimizer is followed by "
        + "the proximal operator of Ω, so every iterate is feasible; ISTA and FISTA step 1/L.",
      experiments: sparseExperiments)

    // 3. MNIST: the paper's task, its generalisation tests, stability.
    let mnist = ProblemSpec("mnist-mlp")
    recipe("mnist-mlp", mnist, iterations: scale.iterations.mnist)
    let mnistContenders: [Contender] =
      [.learned(session: "mnist-mlp"), .baseline(.adam), .baseline(.rmsprop), .baseline(.nag), .baseline(.sgd)]
    // Far beyond the training horizon, the learned rule also races behind a
    // loss guard that hands over to tuned Adam: with and without the guard.
    let stabilityContenders: [Contender] =
      [.learned(session: "mnist-mlp"), .guarded(session: "mnist-mlp", fallback: .adam)] + mnistContenders.dropFirst()
    var mnistExperiments = [
      Experiment(
        id: "mnist-mlp-\(h)", title: "mnist-mlp (784→20→10 sigmoid), \(h) steps", problem: mnist, steps: h,
        instances: scale.mnistInstances, contenders: mnistContenders, metrics: [.meanLoss, .testLoss],
        plot: "mnist-mlp"),
      Experiment(
        id: "mnist-mlp-steps-\(2 * h)", title: "generalisation: \(2 * h) steps", problem: mnist, steps: 2 * h,
        instances: scale.variantInstances, contenders: mnistContenders, metrics: [.meanLoss, .testLoss]),
    ]
    for (key, value) in [("hidden", "40"), ("layers", "2"), ("activation", "relu")] {
      mnistExperiments.append(
        Experiment(
          id: "mnist-mlp-\(key)-\(value)", title: "generalisation: \(key)=\(value), \(h) steps",
          problem: ProblemSpec("mnist-mlp", options: [key: value]), steps: h, instances: scale.variantInstances,
          contenders: mnistContenders, metrics: [.meanLoss, .testLoss]))
    }
    mnistExperiments.append(
      Experiment(
        id: "mnist-mlp-stability", title: "stability: \(scale.stabilitySteps) steps (rates tuned for \(h))",
        problem: mnist, steps: scale.stabilitySteps, instances: scale.stabilityInstances, tuningSteps: h,
        contenders: stabilityContenders, metrics: [.meanLoss, .testLoss], plot: "mnist-mlp-stability"))
    let mnistSection = StudySection(
      id: "mnist-mlp", title: "MNIST",
      summary: "The L2L paper's task: an MLP 784→20→10 (sigmoid, softmax cross-entropy, minibatch 128) trained "
        + "from N(0, 0.01²) weights. Final loss on the test split; the paper's generalisation variants "
        + "(longer horizon, wider, deeper, ReLU) and a run far beyond the training horizon.",
      experiments: mnistExperiments)

    // 4. The objective study.
    var objectiveExperiments: [Experiment] = []
    for name in ["quadratic", "lasso", "mnist-mlp"] {
      let problem = ProblemSpec(name)
      var contenders: [Contender] = []
      for objective in MetaObjective.allCases {
        let session = "\(name)-\(objective.rawValue)"
        // The lasso objective sessions were trained at Adam 1e-3 on φ (the
        // class default is 3e-3), so the three objectives share every
        // setting but the objective.
        recipe(
          session, problem, objective: objective.rawValue, iterations: iterations(for: name),
          metaLearningRate: name == "lasso" ? 1e-3 : nil)
        contenders.append(.learned(session: session))
      }
      contenders.append(.baseline(.adam))
      let instances = name == "mnist-mlp" ? scale.variantInstances : scale.instances
      let longer = name == "mnist-mlp" ? scale.mnistLongHorizon : long
      for steps in [h, longer] {
        objectiveExperiments.append(
          Experiment(
            id: "objectives-\(name)-\(steps)", title: "meta-objectives on \(name), \(steps) steps", problem: problem,
            steps: steps, instances: instances, tuningSteps: nil, contenders: contenders,
            metrics: [.meanLoss, .geometricMeanLoss, .convergence], plot: steps == longer ? "objectives-\(name)" : nil))
      }
    }
    let objectiveSection = StudySection(
      id: "objectives", title: "Meta-objectives: loss-sum, log-loss, rate",
      summary: "The same LSTM trained with each meta-objective (sessions `<class>-loss-sum`, `<class>-log-loss`, "
        + "`<class>-rate`), raced at the training horizon and ten times beyond it, with tuned Adam for scale.",
      experiments: objectiveExperiments)

    // 5. Deep networks as optimizees, and the transfers users ask about: the
    // MNIST MLP's optimizer on the CNN, the copy-task LSTM's on the DNC.
    let lstmCopy = ProblemSpec("lstm-copy")
    let dncCopy = ProblemSpec("dnc-copy")
    // As sessions/lstm-copy was trained: log-loss over episodes of 200 steps.
    recipe("lstm-copy", lstmCopy, objective: "log-loss", iterations: scale.iterations.mnist, horizon: 2 * scale.trainingHorizon)
    // The MNIST recipe (docs/recipe.md) on the copy task, as
    // sessions/lstm-copy-imitation and sessions/dnc-copy were trained: Adam's
    // features, imitation of the tuned Adam (0.0316 on both classes at 200
    // steps) on half the episodes; the DNC's 600 meta-iterations are 3/5 of
    // the LSTM's 1,000.
    let copyImitation = Imitation(learningRate: 0.031622775, weight: 0.5, probability: 0.5)
    recipe(
      "lstm-copy-imitation", lstmCopy, objective: "log-loss", iterations: scale.iterations.mnist,
      horizon: 2 * scale.trainingHorizon, preprocessing: "momenta", outputScale: 0.03, imitation: copyImitation)
    recipe(
      "dnc-copy", dncCopy, objective: "log-loss", iterations: max(1, scale.iterations.mnist * 3 / 5),
      horizon: 2 * scale.trainingHorizon, preprocessing: "momenta", outputScale: 0.03, imitation: copyImitation)
    let copyBaselines: [Contender] = gradientBaselines + [.baseline(.adagrad)]
    let deepExperiments = [
      Experiment(
        id: "deep-lstm-copy-\(2 * h)", title: "lstm-copy (its own optimizers), \(2 * h) steps", problem: lstmCopy,
        steps: 2 * h, instances: scale.variantInstances,
        contenders: [.learned(session: "lstm-copy"), .learned(session: "lstm-copy-imitation")] + copyBaselines,
        metrics: [.meanLoss, .geometricMeanLoss], plot: "deep-lstm-copy"),
      Experiment(
        id: "deep-dnc-copy-\(2 * h)", title: "dnc-copy (its own optimizer; transfers from lstm-copy), \(2 * h) steps",
        problem: dncCopy, steps: 2 * h, instances: scale.variantInstances,
        contenders: [
          .learned(session: "dnc-copy"), .learned(session: "lstm-copy-imitation"), .learned(session: "lstm-copy"),
        ] + copyBaselines, metrics: [.meanLoss, .geometricMeanLoss],
        plot: "deep-dnc-copy"),
      Experiment(
        id: "deep-mnist-cnn-\(h)", title: "mnist-cnn (transfer from mnist-mlp-log-loss), \(h) steps",
        problem: ProblemSpec("mnist-cnn"), steps: h, instances: scale.variantInstances,
        contenders: [.learned(session: "mnist-mlp-log-loss")] + copyBaselines, metrics: [.meanLoss, .testLoss],
        plot: "deep-mnist-cnn"),
    ]
    let deepSection = StudySection(
      id: "deep", title: "Deep networks as optimizees",
      summary: "A convolutional network on MNIST (`mnist-cnn`), an LSTM and a DNC on the copy task (`lstm-copy`, "
        + "`dnc-copy`), each trained by tuned hand-designed optimizers and by learned ones: optimizers meta-trained "
        + "on the copy tasks themselves, and optimizers raced unchanged on an architecture they were not trained on.",
      experiments: deepExperiments)

    return Study(
      name: name, seed: seed, sections: [quadraticSection, sparseSection, mnistSection, objectiveSection, deepSection],
      recipes: recipes, tuningInstances: scale.tuningInstances, tuningGrid: scale.grid,
      mnistSubset: scale.mnistSubset, testExamples: scale.testExamples)
  }
}

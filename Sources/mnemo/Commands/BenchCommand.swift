import ArgumentParser
import Autodiff
import Dashboard
import Engine
import Evaluation
import Foundation
import LinearAlgebra
import MetaLearning
import Optimizees
import Optimizers
import Sessions

/// `mnemo bench`: the speed of the parts that decide how long a session
/// takes. JSON on standard output (for scripts), a table on standard error.
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Measure meta-training, learned-optimizer and optimizee speed on this machine.",
    discussion: """
      Every figure is the median of repeated runs after a warm-up. Run on a quiet machine: the \
      medians shrug off a few interruptions, not a busy neighbour.
      """)

  @Option(help: "Timed repeats per measurement (after the warm-up).")
  var repeats: Int = 21

  @Option(help: ArgumentHelp("Directory holding the MNIST IDX files (for the MLP and CNN figures).", valueName: "dir"))
  var mnist: String?

  @Flag(help: "Measure only the two meta-iterations (LSTM and DNC, in paired rounds) and their ratio (--figures quadratic).")
  var metaIterationsOnly = false

  @Option(
    help: ArgumentHelp(
      "Comma-separated figure groups to measure: \(BenchFigure.allCases.map(\.rawValue).joined(separator: ", ")) (default: all).",
      valueName: "list"))
  var figures: String?

  @Option(help: "Instances of the MNIST race figure (100 in the published figures).")
  var raceInstances: Int = 100

  @Flag(
    help: """
      Time the meta-iterations in process CPU time (all threads) instead of wall time: steadier when \
      other work shares the machine.
      """)
  var cpuTime = false

  @Option(help: "Threads for the tape's large elementwise kernels and row-split products (default: online processors, at most 4).")
  var kernelThreads: Int?

  func validate() throws {
    guard repeats >= 3 else { throw ValidationError("--repeats must be at least 3.") }
    if let kernelThreads, !(1...64).contains(kernelThreads) {
      throw ValidationError("--kernel-threads must be between 1 and 64.")
    }
    guard (1...10_000).contains(raceInstances) else {
      throw ValidationError("--race-instances must be between 1 and 10000.")
    }
    _ = try selectedFigures()
  }

  /// The figure groups asked for.
  func selectedFigures() throws -> Set<BenchFigure> {
    if metaIterationsOnly { return [.quadratic] }
    guard let figures else { return Set(BenchFigure.allCases) }
    var selected: Set<BenchFigure> = []
    for name in figures.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
      guard let figure = BenchFigure(rawValue: name) else {
        throw ValidationError(
          "unknown figure group '\(name)' for --figures; choose from \(BenchFigure.allCases.map(\.rawValue).joined(separator: ", ")).")
      }
      selected.insert(figure)
    }
    guard !selected.isEmpty else { throw ValidationError("--figures needs at least one figure group.") }
    return selected
  }

  func run() throws {
    let selected = try selectedFigures()
    var results: [BenchResult] = []
    let report = { (result: BenchResult) in
      let label = result.label.padding(toLength: 60, withPad: " ", startingAt: 0)
      printError("\(label) \(String(format: "%12.3f", result.value)) \(result.unit)")
    }
    func add(_ result: BenchResult) {
      results.append(result)
      report(result)
    }
    if let kernelThreads { KernelThreads.count = kernelThreads }
    let metaClock: BenchClock = cpuTime ? .processCPU : .wall
    printError(
      "mnemo bench: medians of \(repeats) runs after a warm-up (OpenBLAS \(BLAS.kernelName) kernels, "
        + "\(BLAS.threadCount) BLAS threads; \(KernelDispatch.instructionSet) C kernels, "
        + "\(KernelThreads.count) kernel threads\(cpuTime ? "; meta-iterations in CPU time" : ""))")
    add(BenchResult(name: "kernel_threads", label: "kernel threads", value: Double(KernelThreads.count), unit: ""))
    add(BenchResult(name: "blas_threads", label: "OpenBLAS threads", value: Double(BLAS.threadCount), unit: ""))

    if selected.contains(.quadratic) {
      // One meta-iteration of the paper's quadratic configuration, with the
      // LSTM (2×20) and with the shared-memory DNC (N=16, W=8, R=2, H=20).
      let quadratic = try ProblemCatalog.make("quadratic")
      let trainer = MetaTrainer(
        problemClass: quadratic,
        configuration: MetaTrainingConfiguration(horizon: 100, unroll: 20, batch: 128),
        weights: LSTMOptimizerWeights(configuration: LSTMOptimizerConfiguration(), seed: 0))
      let dncTrainer = MetaTrainer(
        problemClass: quadratic,
        configuration: MetaTrainingConfiguration(horizon: 100, unroll: 20, batch: 128),
        weights: .dnc(DNCOptimizerWeights(configuration: DNCOptimizerConfiguration(), seed: 0)))
      let paired = Self.pairedMedians(
        warmUp: 5, rounds: repeats, clock: metaClock, { trainer.step() }, { dncTrainer.step() })
      add(BenchResult(
        name: "meta_iteration_quadratic_ms", label: "meta-iteration, quadratic (B=128, n=10, K=20, 2×20)",
        value: paired.first * 1e3, unit: "ms"))
      add(BenchResult(
        name: "meta_iteration_quadratic_dnc_ms",
        label: "meta-iteration, quadratic, DNC (N=16, W=8, R=2, H=20)", value: paired.second * 1e3, unit: "ms"))
      add(BenchResult(
        name: "meta_iteration_dnc_over_lstm", label: "DNC / LSTM meta-iteration time (paired rounds)",
        value: paired.ratio, unit: "×"))
    }

    if selected.contains(.lstmForward) {
      for n in [10, 16_000] {
        var rng = RandomSource(seed: 1)
        let gradient = rng.gaussianArray(count: n, standardDeviation: 0.1)
        var theta = [Float](repeating: 0, count: n)
        var optimizer = LSTMOptimizer(
          weights: LSTMOptimizerWeights(configuration: LSTMOptimizerConfiguration(), seed: 0), dimension: n)
        let seconds = Self.median(warmUp: 5, repeats: repeats, inner: n < 1000 ? 1000 : 1) {
          optimizer.step(parameters: &theta, gradient: gradient)
        }
        add(BenchResult(
          name: "lstm_forward_step_n\(n)_ms", label: "LSTM optimizer forward step, n = \(n)",
          value: seconds * 1e3, unit: "ms"))
        add(BenchResult(
          name: "lstm_steps_per_second_n\(n)", label: "LSTM optimizer steps/s, n = \(n)", value: 1 / seconds,
          unit: "steps/s"))
      }
    }

    if !selected.isDisjoint(with: [.mnist, .mnistRace]) {
      do {
        let mnistClass = try ProblemCatalog.make("mnist-mlp", mnistDirectory: mnist)
        let lstmConfiguration = LSTMOptimizerConfiguration.defaults(forProblem: "mnist-mlp")
        if selected.contains(.mnist) {
          // One meta-iteration on the MNIST MLP: one network (15,910
          // coordinates), K = 20, the class's default LSTM (2×20, log-sign).
          let mnistTrainer = MetaTrainer(
            problemClass: mnistClass, configuration: MetaTrainingConfiguration.defaults(forProblem: "mnist-mlp"),
            weights: LSTMOptimizerWeights(configuration: lstmConfiguration, seed: 0))
          let metaSeconds = Self.median(warmUp: 2, repeats: max(3, repeats / 3), clock: metaClock) {
            mnistTrainer.step()
          }
          add(BenchResult(
            name: "meta_iteration_mnist_ms", label: "meta-iteration, mnist-mlp (1 network, 15,910 coords, K=20)",
            value: metaSeconds * 1e3, unit: "ms"))
          let seconds = Self.forwardBackwardSeconds(of: mnistClass, repeats: repeats)
          add(BenchResult(
            name: "mnist_mlp_forward_backward_ms", label: "mnist-mlp forward+backward (batch 128, 784→20→10)",
            value: seconds * 1e3, unit: "ms"))
        }
        if selected.contains(.mnistRace) {
          // The race at the end of `mnemo train --problem mnist-mlp`: the six
          // baselines and the LSTM, 100 steps, timed once (it is long).
          let racers = [OptimizerKind.sgd, .momentum, .nag, .rmsprop, .adam, .adagrad].map {
            Racer(OptimizerConfiguration(kind: $0, learningRate: 0.01))
          } + [MetaTrainer.racer(weights: LSTMOptimizerWeights(configuration: lstmConfiguration, seed: 0))]
          let start = BenchClock.wall.now()
          var run = RaceRun(
            problemClass: mnistClass, racers: racers,
            configuration: RaceConfiguration(steps: 100, instances: raceInstances))
          _ = run.run()
          add(BenchResult(
            name: "mnist_race_s",
            label: "mnist-mlp race, 6 baselines + LSTM, \(raceInstances) instances × 100 steps (1 run)",
            value: BenchClock.wall.now() - start, unit: "s"))
        }
      } catch {
        printError("mnist-mlp: skipped (\(error))")
      }
    }

    if selected.contains(.lstmCopy) {
      // One forward + backward (BPTT) of the copy-task LSTM at the default
      // size: 16 sequences of 5 six-bit vectors, 11 steps, 32 units (5,318
      // coordinates); each call draws its minibatch, as in a race.
      let seconds = Self.forwardBackwardSeconds(of: try ProblemCatalog.make("lstm-copy"), repeats: repeats)
      add(BenchResult(
        name: "lstm_copy_forward_backward_ms", label: "lstm-copy forward+backward (batch 16, 5×6 bits, H=32)",
        value: seconds * 1e3, unit: "ms"))
    }

    if selected.contains(.dncCopy) {
      // The same task with the DNC as the network: one forward on the tape
      // and its backward pass at the default size (16 sequences of 5 six-bit
      // vectors, 11 steps; controller 32 units, memory 16 × 8, one read
      // head: 7,710 coordinates).
      let seconds = Self.forwardBackwardSeconds(of: try ProblemCatalog.make("dnc-copy"), repeats: repeats)
      add(BenchResult(
        name: "dnc_copy_forward_backward_ms",
        label: "dnc-copy forward+backward (batch 16, 5×6 bits, 16×8 memory)",
        value: seconds * 1e3, unit: "ms"))
    }

    if selected.contains(.mnistCNN) {
      do {
        // One forward + backward of the default CNN (conv 3×3 1→8, pool,
        // conv 3×3 8→16, pool, linear 784→10; 9,098 parameters) on a
        // minibatch of 128: what each racer's step costs on mnist-cnn.
        let seconds = Self.forwardBackwardSeconds(
          of: try ProblemCatalog.make("mnist-cnn", mnistDirectory: mnist), repeats: repeats)
        add(BenchResult(
          name: "mnist_cnn_forward_backward_ms", label: "mnist-cnn forward+backward (batch 128, conv 8→16, 784→10)",
          value: seconds * 1e3, unit: "ms"))
      } catch {
        printError("mnist-cnn: skipped (\(error))")
      }
    }

    if selected.contains(.frame) {
      // One dashboard frame at 200×60: a real race (the six baselines and
      // an LSTM) with a real meta-training curve and memory view.
      let frame = try Self.frameRenderSeconds(repeats: repeats)
      add(BenchResult(
        name: "dashboard_frame_200x60_ms", label: "dashboard frame render, 200×60 (7 racers)", value: frame * 1e3,
        unit: "ms"))
    }

    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    add(BenchResult(
      name: "peak_memory_mb", label: "peak resident memory of this run", value: Double(usage.ru_maxrss) / 1024,
      unit: "MB"))

    Self.printJSON(results)
  }

  /// The figures as one JSON object on standard output.
  static func printJSON(_ results: [BenchResult]) {
    let fields = results.map { "  \"\($0.name)\": \(String(format: "%.6g", $0.value))" }
    print("{\n" + fields.joined(separator: ",\n") + "\n}")
  }

  /// The median time in seconds of `body` (averaged over `inner` calls per
  /// timed run), by the wall clock or the process's CPU time.
  static func median(
    warmUp: Int, repeats: Int, inner: Int = 1, clock: BenchClock = .wall, _ body: () -> Void
  ) -> Double {
    for _ in 0..<warmUp { body() }
    var samples: [Double] = []
    for _ in 0..<repeats {
      let start = clock.now()
      for _ in 0..<inner { body() }
      samples.append(clock.now() - start)
    }
    samples.sort()
    return samples[samples.count / 2] / Double(inner)
  }

  /// Two bodies timed in paired rounds: each round runs `first` once
  /// untimed (so its caches are as warm as in a run of its own) and once
  /// timed, then the same for `second`. Returns the median time of each and
  /// the median of the rounds' ratios second/first.
  ///
  /// Why rounds: on a shared machine the speed drifts over tens of seconds,
  /// so timing all of one body and then all of the other can put them in
  /// different weather; a ratio taken within each round sees both under
  /// the same conditions.
  static func pairedMedians(
    warmUp: Int, rounds: Int, clock: BenchClock, _ first: () -> Void, _ second: () -> Void
  ) -> (first: Double, second: Double, ratio: Double) {
    for _ in 0..<warmUp {
      first()
      second()
    }
    func timed(_ body: () -> Void) -> Double {
      body()
      let start = clock.now()
      body()
      return clock.now() - start
    }
    var times: ([Double], [Double], [Double]) = ([], [], [])
    for _ in 0..<rounds {
      let a = timed(first)
      let b = timed(second)
      times.0.append(a)
      times.1.append(b)
      times.2.append(b / a)
    }
    func median(_ x: [Double]) -> Double { x.sorted()[x.count / 2] }
    return (median(times.0), median(times.1), median(times.2))
  }
}

/// The groups of figures `mnemo bench --figures` can select.
extension BenchCommand {
  /// The median seconds of one objective-and-gradient evaluation at θ₀ of
  /// the class's seed-0 instance (each call draws its own minibatch, as in
  /// a race): what one racer's step costs on that class.
  static func forwardBackwardSeconds(of problemClass: any ProblemClass, repeats: Int) -> Double {
    var problem = problemClass.sample(seed: 0)
    let theta = problem.initialParameters
    var gradient = [Float](repeating: 0, count: problem.dimension)
    return median(warmUp: 5, repeats: repeats, inner: 10) {
      _ = problem.objective(at: theta, gradient: &gradient)
    }
  }
}

enum BenchFigure: String, CaseIterable {
  /// The quadratic meta-iterations, LSTM and DNC, in paired rounds.
  case quadratic
  /// The LSTM optimizer's race-time step at n = 10 and 16,000.
  case lstmForward = "lstm-forward"
  /// The MNIST meta-iteration and the MLP's forward + backward.
  case mnist
  /// The MNIST race of the six baselines and the LSTM.
  case mnistRace = "mnist-race"
  /// The default MNIST CNN's forward + backward.
  case mnistCNN = "mnist-cnn"
  /// The copy-task LSTM's forward + backward.
  case lstmCopy = "lstm-copy"
  /// The copy-task DNC's forward + backward.
  case dncCopy = "dnc-copy"
  /// One dashboard frame.
  case frame
}

/// What `mnemo bench` times with.
enum BenchClock {
  /// Monotonic wall time.
  case wall
  /// CPU time of every thread of the process (`CLOCK_PROCESS_CPUTIME_ID`):
  /// time spent waiting for a busy machine's cores does not count.
  case processCPU

  /// The clock's reading in seconds.
  func now() -> Double {
    var time = timespec()
    clock_gettime(self == .wall ? CLOCK_MONOTONIC : CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
  }
}

/// One figure of `mnemo bench`.
struct BenchResult {
  var name: String
  var label: String
  var value: Double
  var unit: String
}

extension BenchCommand {
  /// The median time to lay out and render one full dashboard frame into a
  /// cell grid (everything but the copy to the terminal).
  static func frameRenderSeconds(repeats: Int) throws -> Double {
    let quadratics = try ProblemCatalog.make("quadratic")
    let trainer = MetaTrainer(
      problemClass: quadratics, configuration: MetaTrainingConfiguration(horizon: 100, unroll: 20, batch: 32),
      weights: .lstm(LSTMOptimizerWeights(configuration: LSTMOptimizerConfiguration(), seed: 0)))
    var status = TrainingStatus()
    for _ in 0..<40 {
      let report = trainer.step()
      status.iterations.append(report.iteration)
      status.metaLosses.append(report.metaLoss)
    }
    status.iteration = trainer.iteration
    let racers = [OptimizerKind.sgd, .momentum, .nag, .rmsprop, .adam, .adagrad].map {
      Racer(OptimizerConfiguration(kind: $0, learningRate: 0.01))
    } + [trainer.racer()]
    var run = RaceRun(problemClass: quadratics, racers: racers, configuration: RaceConfiguration(steps: 100, instances: 20))
    let race = run.run()
    let snapshot = Snapshot(
      sequence: 1, problemName: quadratics.name, problemKey: quadratics.configurationKey,
      problemChoices: ProblemCatalog.summaries.map { ProblemChoice(name: $0.name, summary: $0.summary) },
      phase: .training, race: race, summaries: race.summaries(), training: status,
      memory: MemoryView.afterRun(of: trainer.weights, on: quadratics, seed: 0, steps: 100))
    let renderer = DashboardRenderer()
    let state = DashboardState()
    var cellsDrawn = 0  // consumed below, so the renders cannot be optimised away
    let seconds = median(warmUp: 3, repeats: repeats) {
      cellsDrawn &+= renderer.render(snapshot: snapshot, state: state, width: 200, height: 60).cells.count
    }
    precondition(cellsDrawn > 0, "no frame was rendered")
    return seconds
  }
}

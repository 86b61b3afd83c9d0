// swift-tools-version: 6.0
import PackageDescription

/// Mnemo: a terminal laboratory for learned optimizers.
///
/// The arrows point one way: numerics (`LinearAlgebra`, `Autodiff`,
/// `Optimizees`, `Optimizers`, `Sessions`, `Evaluation`, `MetaLearning`)
/// know nothing of the screen; `Rendering` is pure drawing into a cell grid;
/// `TerminalUI` is the only module that touches ncurses, and only the
/// executable links it. Each target declares exactly what it imports
/// (`ManifestTests` checks); docs/architecture.md draws the graph.
let package = Package(
  name: "Mnemo",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "mnemo", targets: ["mnemo"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    // C system libraries (shims; no stable Swift API).
    .systemLibrary(
      name: "CBLAS", pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(
      name: "CZlib", pkgConfig: "zlib",
      providers: [.apt(["zlib1g-dev"])]),
    // No pkgConfig: ncursesw.pc's cflags (-D_DEFAULT_SOURCE -D_XOPEN_SOURCE=600)
    // are flags SwiftPM refuses ("prohibited flag(s)" on every build) and drops
    // anyway; the module map names the libraries and shim.h sets the defines
    // the wide-character API needs, so nothing is lost.
    .systemLibrary(
      name: "CNcursesw",
      providers: [.apt(["libncurses-dev"])]),

    // The C math library's entry points, for every module (no Foundation).
    .target(name: "Libm"),

    // Numerics.
    .target(name: "LinearAlgebra", dependencies: ["CBLAS", "Libm"]),
    // The DNC's hot Float kernels, in C for run-time CPU dispatch (AVX2/FMA
    // and AVX-512 clones picked at load time), which Swift cannot express.
    .target(name: "CDNCKernels"),
    // The LSTM cell's elementwise Float passes, likewise dispatched at run
    // time: they run for every coordinate at every step of every race and
    // meta-iteration.
    .target(name: "CLSTMKernels"),
    .target(name: "Autodiff", dependencies: ["LinearAlgebra", "Libm", "CDNCKernels", "CLSTMKernels"]),
    // Problem classes; `dnc-copy` records its DNC's loss on the tape.
    .target(name: "Optimizees", dependencies: ["LinearAlgebra", "Libm", "CZlib", "Autodiff"]),
    .target(name: "Optimizers", dependencies: ["LinearAlgebra", "Libm", "Autodiff", "Optimizees"]),
    // Session files: manifests, weights, tables, all-or-nothing saves.
    .target(name: "Sessions", dependencies: ["Optimizees", "Optimizers"]),
    // Races, convergence estimates, tuning and the baseline roster: what
    // compares optimizers, with no autodiff (the dashboard draws races
    // without linking the training stack).
    .target(name: "Evaluation", dependencies: ["LinearAlgebra", "Libm", "Optimizees", "Optimizers", "Sessions"]),
    // Meta-training: unrolls, objectives, trainers (LSTM, DNC, LISTA), the
    // one training loop, and how trainers are saved in sessions.
    .target(
      name: "MetaLearning",
      dependencies: ["LinearAlgebra", "Autodiff", "Optimizees", "Optimizers", "Sessions", "Evaluation"]),

    // Data-parallel meta-training over MPI (loaded at run time, so builds
    // without MPI installed still work).
    .target(name: "Distributed", dependencies: ["Evaluation", "MetaLearning"]),

    // The background engine: meta-trains and races, publishes snapshots.
    .target(name: "Engine", dependencies: ["LinearAlgebra", "Optimizees", "Optimizers", "Sessions", "Evaluation", "MetaLearning"]),

    // The reproducible study report: tables (Markdown, CSV) and SVG plots.
    .target(name: "Report", dependencies: ["LinearAlgebra", "Optimizees", "Optimizers", "Sessions", "Evaluation", "MetaLearning"]),

    // Screen.
    .target(name: "Rendering", dependencies: ["Libm"]),
    .target(name: "TerminalUI", dependencies: ["CNcursesw", "Rendering"]),
    .target(
      name: "Dashboard",
      dependencies: ["Engine", "Evaluation", "Sessions", "Rendering"]),

    // The executable.
    .executableTarget(
      name: "mnemo",
      dependencies: [
        "LinearAlgebra", "Autodiff", "Optimizees", "Optimizers", "Sessions", "Evaluation", "MetaLearning", "Engine",
        "Rendering", "TerminalUI", "Dashboard", "Distributed", "Report",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // Tests (Swift Testing), and what they share: scratch folders and a
    // child-process runner (built only with the tests).
    .target(name: "TestSupport", path: "Tests/TestSupport"),
    .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"]),
    .testTarget(name: "AutodiffTests", dependencies: ["Autodiff", "LinearAlgebra"]),
    .testTarget(name: "OptimizeesTests", dependencies: ["Optimizees", "LinearAlgebra", "CZlib", "Autodiff", "TestSupport"]),
    .testTarget(name: "OptimizersTests", dependencies: ["Optimizers", "Optimizees", "LinearAlgebra"]),
    .testTarget(
      name: "MetaLearningTests",
      dependencies: ["MetaLearning", "Evaluation", "Sessions", "Optimizers", "Optimizees", "Autodiff", "LinearAlgebra", "TestSupport"]),
    .testTarget(name: "RenderingTests", dependencies: ["Rendering", "TestSupport"]),
    .testTarget(name: "DistributedTests", dependencies: ["Distributed", "MetaLearning", "Evaluation", "Sessions", "Optimizers", "Optimizees", "TestSupport"]),
    .testTarget(name: "EngineTests", dependencies: ["Engine", "MetaLearning", "Evaluation", "Sessions", "Optimizers", "Optimizees", "TestSupport"]),
    .testTarget(name: "DashboardTests", dependencies: ["Dashboard", "Engine", "MetaLearning", "Evaluation", "Optimizers", "Rendering", "TerminalUI", "TestSupport"]),
    .testTarget(name: "EndToEndTests", dependencies: ["TestSupport"]),
    .testTarget(
      name: "ReportTests", dependencies: ["Report", "MetaLearning", "Evaluation", "Sessions", "Optimizers", "Optimizees", "LinearAlgebra", "TestSupport"]),
  ],
  swiftLanguageModes: [.v6]
)

import Engine
import Foundation
import Rendering
import Testing

@testable import Dashboard

/// Whole frames rendered off-screen and compared line by line with what a
/// user should see (trailing blanks ignored). The race is the closed-form
/// fixture: six racers, one diverging at t = 6, one reaching 0 at t = 10.
///
/// When a deliberate change to a widget alters a frame, run the suite with
/// `MNEMO_GOLDEN_PRINT=1` to print every frame as Swift literals, check them
/// by eye, and paste them here.
@Suite struct FrameGoldenTests {
  static func frame(
    _ width: Int, _ height: Int, keys: [Key] = [],
    snapshot: Snapshot = Fixtures.snapshot(memory: .dnc(Fixtures.dnc))
  ) throws -> [String] {
    var controller = try DashboardController(engine: FakeEngine(snapshot), options: Fixtures.options())
    for key in keys { controller.handle(key) }
    let lines = controller.render(width: width, height: height).lines.map(trimmed)
    if ProcessInfo.processInfo.environment["MNEMO_GOLDEN_PRINT"] != nil {
      print("frame \(width)×\(height) keys \(keys):\n" + lines.map { "        \"\($0)\"," }.joined(separator: "\n"))
    }
    return lines
  }

  static func trimmed(_ line: String) -> String {
    var line = line
    while line.hasSuffix(" ") { line.removeLast() }
    return line
  }

  /// 80×24: chart and table; training and memory dropped. The title bar
  /// flags the clamped zero, the legend and the table mark the divergence.
  @Test func overview80x24() throws {
    #expect(
      try Self.frame(80, 24) == [
        " mnemo · quadratic · training · session demo-session                demo banner",
        "loss · mean loss f(θ_t) ── t 20/20 · 4 instances · log y · lin x · y≤0 clamped ─",
        " 100┤     ⢀⣀⣀⣀⣀⣀⣀⣀⠤⠤⠤⠤⠒×",
        "    │⣒⣶⣭⣭⣭⣥⣤⣤⣤⣤⣤⣤⣤⣤⣤⣤⣤⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀",
        "   1┤    ⠈⠉⠙⠛⠛⠳⠶⠶⣒⣒⠒⠒⠒⠤⠤⠤⠬⠭⠭⠭⠭⠭⠭⠭⣒⣒⣒⣤⣭⣉⣉⣉⣉⣉⣉⣉⣉⣉⣉⣉⣉⣉⡑⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠢⠤⠤⠤⠤⠤⠤⠤⠤⠤⠤⠤⠤⠤",
        "    │              ⠉⠉⠉⠒⠒⠢⠤⢄⣀⡀         ⠈⡆           ⠈⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉",
        "    │                       ⠈⠉⠑⠒⠒⠤⠤⠤⣀⣀ ⢱",
        "0.01┤━ 1 fast                         ⠉⠙⡖⠢⠤⠤⢄⣀⣀",
        "    │━ 2 slow                           ⢱      ⠉⠉⠒⠒⠢⠤⠤⢄⣀⡀",
        "    │━ 3 wild ✗                         ⠈⡆              ⠈⠉⠒⠒⠤⠤⠤⣀⣀⡀",
        "1e-4┤━ 4 exact                           ⢱                       ⠈⠉⠑⠒⠒⠢⠤⠤⣀⣀",
        "    │━ 5 steady                          ⠈⡆                                ⠉⠉⠒⠒⠤",
        "1e-6┤━ 6 flat                             ⢱⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀",
        "    └┬──────┬───────┬──────┬───────┬──────┬──────┬───────┬──────┬───────┬──────┬",
        "     0      2       4      6       8      10     12      14     16      18    20",
        "convergence ───────────────────────────────────── tol e ≤ 0.01·e₀ · 1 diverged ─",
        "# racer     step final loss    ±95% rank geo →best t/step     μ    q    α →tol",
        "1 fast      0.01    9.54e-6 1.87e-6    2   3    20 2.00µs 0.500 1.00 1.09    7",
        "2 slow      0.01       1.22   0.238    4   2     — 2.00µs 0.900 1.00 0.86    —",
        "3 wild         1      ✗ t=6       —    6   6     — 2.00µs 1.500 1.00 1.12    —",
        "4 exact  learned          0       0    1   1    10 1.50ms 0.699 1.35 0.79   10",
        "5 steady     0.1      0.476  0.0933    3   4     — 2.00µs 0.937 0.94 1.14    —",
        "6 flat      1e-4          5    0.98    5   5     — 2.00µs 1.000    — 1.00    —",
        " ? help  q quit  c problem  Space pause  1–9 racers  s side     race 3 finished",
      ])
  }

  /// 40×10, the smallest size that still shows a chart: only the chart, and
  /// the clamp note survives while the other title-bar notes give way.
  @Test func smallest40x10() throws {
    #expect(
      try Self.frame(40, 10) == [
        " mnemo · quadratic · trai…  demo banner",
        "loss · mean loss f(θ_t) ── y≤0 clamped ─",
        "    │⣤⣤⣤⣤⣔⣒⣒⣒×⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀",
        "   1┤  ⠈⠉⠙⠛⠛⠛⠭⢍⣉⣙⣛⠛⠛⠲⡒⠒⠚⠛⠛⠛⠛⠛⠛⠛⠛⠛⠛⠛⠛⠛⠛⠛⠶",
        "    │             ⠉⠉⠒⢧⠤⠤⠤⣀⡀",
        "1e-3┤                ⠘⡄   ⠈⠉⠉⠉⠒⠒⠤⢄⣀⣀⣀",
        "1e-6┤                 ⢣⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣉⣉⣒",
        "    └┬───────┬────────┬────────┬───────┬",
        "     0       5        10       15     20",
        " ? help  q quit         race 3 finished",
      ])
  }

  /// Below the minimum: the sizes needed and present, centred.
  @Test func tooSmall30x8() throws {
    #expect(
      try Self.frame(30, 8) == [
        "",
        "",
        "      terminal too small",
        "    have 30×8, need 40×10",
        " enlarge the window · q quits",
        "",
        "",
        "",
      ])
  }

  @Test func helpOverlay80x24() throws {
    #expect(
      try Self.frame(80, 24, keys: [.character("?")]) == [
        " mnemo · quadratic · training · session demo-session                demo banner",
        "loss┌─ keys ───────────────────────────────────────────────────────────────┐ed ─",
        " 100│ Race                                                                 │",
        "    │   c          pick the problem class to meta-train and race           │⣀⣀⣀⣀",
        "   1│   Space / p  pause / resume the engine                               │⠤⠤⠤⠤",
        "    │   r          race again on new held-out instances (a new seed)       │⠉⠉⠉⠉",
        "    │   1–9        show / hide racer 1–9 (its curve and legend entry)      │",
        "0.01│   0          show every racer again                                  │",
        "    │   w          save the session now (it is also saved on quit)         │",
        "    │                                                                      │",
        "1e-4│ View                                                                 │",
        "    │   s  side by side: one small chart per racer, shared axes            │⠉⠒⠒⠤",
        "1e-6│   v  compare two racers: their curves and the ratio A/B              │⣀⣀⣀⣀",
        "    │   a  compare mode: next racer as A                                   │───┬",
        "    │   b  compare mode: next racer as B                                   │  20",
        "conv│   y  loss axis: log / linear (values ≤ 0 are clamped and flagged)    │ed ─",
        "# ra│   x  step axis: log / linear                                         │ol",
        "1 fa│   m  plotted value: mean loss / geometric-mean loss / error f − f*   │ 7",
        "2 sl│   X  x axis: steps / wall-clock time of the updates (cost)           │ —",
        "3 wi│   e  meta-loss smoothing (EMA): 0 / 0.6 / 0.9 / 0.99                 │ —",
        "4 ex│   g  chart glyphs: braille / blocks / ASCII (if braille looks wrong) │10",
        "5 st│   t  next colour theme                                        more ↓ │ —",
        "6 fl└────────────────────────────────────────────── ↑↓ scroll · Esc close ─┘ —",
        " ? help  q quit  c problem  Space pause  1–9 racers  s side     race 3 finished",
      ])
  }

  @Test func problemPicker80x24() throws {
    #expect(
      try Self.frame(80, 24, keys: [.character("c")]) == [
        " mnemo · quadratic · training · session demo-session                demo banner",
        "loss · mean loss f(θ_t) ── t 20/20 · 4 instances · log y · lin x · y≤0 clamped ─",
        " 100┤     ⢀⣀⣀⣀⣀⣀⣀⣀⠤⠤⠤⠤⠒×",
        "    │⣒⣶⣭⣭⣭⣥⣤⣤⣤⣤⣤⣤⣤⣤⣤⣤⣤⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀",
        "   1┤    ⠈⠉⠙⠛⠛⠳⠶⠶⣒⣒⠒⠒⠒⠤⠤⠤⠬⠭⠭⠭⠭⠭⠭⠭⣒⣒⣒⣤⣭⣉⣉⣉⣉⣉⣉⣉⣉⣉⣉⣉⣉⣉⡑⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠒⠢⠤⠤⠤⠤⠤⠤⠤⠤⠤⠤⠤⠤⠤",
        "    │              ⠉⠉⠉⠒⠒⠢⠤⢄⣀⡀         ⠈⡆           ⠈⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉",
        "    │                       ⠈⠉⠑⠒⠒⠤⠤⠤⣀⣀ ⢱",
        "0.01┤━ 1 fast                         ⠉⠙⡖⠢⠤⠤⢄⣀⣀",
        "    │━ 2 slow                           ⢱      ⠉⠉⠒⠒⠢⠤⠤⢄⣀⡀",
        "    │━ 3 wild ┌─ problem class ─────────────────────────────────┐⡀",
        "1e-4┤━ 4 exact│ 1 ● quadratic  ‖Wθ − y‖²                        │⠈⠉⠑⠒⠒⠢⠤⠤⣀⣀",
        "    │━ 5 stead│ 2   lasso      sparse coding, l1                │          ⠉⠉⠒⠒⠤",
        "1e-6┤━ 6 flat │ 3   mnist-mlp  unavailable: MNIST files missing │⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀",
        "    └┬──────┬─└─────────── ↑↓ move · Enter switch · Esc cancel ─┘───────┬──────┬",
        "     0      2       4      6       8      10     12      14     16      18    20",
        "convergence ───────────────────────────────────── tol e ≤ 0.01·e₀ · 1 diverged ─",
        "# racer     step final loss    ±95% rank geo →best t/step     μ    q    α →tol",
        "1 fast      0.01    9.54e-6 1.87e-6    2   3    20 2.00µs 0.500 1.00 1.09    7",
        "2 slow      0.01       1.22   0.238    4   2     — 2.00µs 0.900 1.00 0.86    —",
        "3 wild         1      ✗ t=6       —    6   6     — 2.00µs 1.500 1.00 1.12    —",
        "4 exact  learned          0       0    1   1    10 1.50ms 0.699 1.35 0.79   10",
        "5 steady     0.1      0.476  0.0933    3   4     — 2.00µs 0.937 0.94 1.14    —",
        "6 flat      1e-4          5    0.98    5   5     — 2.00µs 1.000    — 1.00    —",
        " ? help  q quit  c problem  Space pause  1–9 racers  s side     race 3 finished",
      ])
  }

  /// The picker's row for an unavailable class ends with the whole hint, at
  /// 80 and at 120 columns: the reason the engine gives is the one-line
  /// summary, and the box widens to the screen rather than to a fixed cap.
  @Test(arguments: [80, 120])
  func pickerShowsTheWholeUnavailableHint(width: Int) throws {
    var snapshot = Fixtures.snapshot(memory: .dnc(Fixtures.dnc))
    snapshot.problemChoices[2].reason = "MNIST not found: use --mnist DIR or MNEMO_MNIST"
    let lines = try Self.frame(width, 24, keys: [.character("c")], snapshot: snapshot)
    let row = try #require(lines.first { $0.contains("mnist-mlp") })
    #expect(row.contains("unavailable: MNIST not found: use --mnist DIR or MNEMO_MNIST │"), "\(row)")
  }

  /// 120×40 and 200×60: every panel present, each starting with its title
  /// bar at the row the layout gives it; header and status on the edges.
  @Test(arguments: [(120, 40), (200, 60)])
  func allPanels(width: Int, height: Int) throws {
    let lines = try Self.frame(width, height)
    let layout = DashboardLayout.make(width: width, height: height, racers: 6)
    #expect(layout.dropped.isEmpty)
    let titles: [PanelKind: String] = [
      .loss: "loss · mean loss f(θ_t)", .table: "convergence", .training: "meta-training · lstm",
      .memory: "memory · DNC 16×8",
    ]
    for (panel, rect) in layout.panels {
      let row = Array(lines[rect.y])
      let text = String(row[rect.x..<min(row.count, rect.maxX)])
      #expect(text.hasPrefix(titles[panel] ?? "?"), "\(panel) at row \(rect.y): \(text)")
    }
    #expect(lines[0].hasPrefix(" mnemo · quadratic · training · session demo-session"))
    #expect(lines[0].hasSuffix("demo banner"))
    #expect(lines[height - 1].hasPrefix(" ? help  q quit  c problem  Space pause  1–9 racers"))
    #expect(lines[height - 1].hasSuffix("race 3 finished"))
    // The memory panel shows M, the strips and the link matrix.
    let memory = try #require(layout.panels[.memory])
    let labels = String(Array(lines[memory.y + 1])[memory.x...])
    #expect(labels.hasPrefix("M                u w r1 r2  L"))
  }
}

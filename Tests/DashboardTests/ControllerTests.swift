@testable import Dashboard
import Engine
import Foundation
import Rendering
import TestSupport
import Testing

/// Keys in, engine commands and view changes out, against a fake engine.
@Suite struct ControllerTests {
  func controller(_ snapshot: Snapshot = Fixtures.snapshot()) throws -> (DashboardController, FakeEngine) {
    let engine = FakeEngine(snapshot)
    let controller = try DashboardController(engine: engine, options: Fixtures.options())
    engine.clearCommands()
    return (controller, engine)
  }

  @Test func startupSendsDisplaySettings() throws {
    let engine = FakeEngine(Fixtures.snapshot())
    var options = Fixtures.options()
    options.logX = true
    _ = try DashboardController(engine: engine, options: options)
    #expect(
      engine.commands == [
        .setDisplay(key: "theme", value: "default"), .setDisplay(key: "logX", value: "true"),
        .setDisplay(key: "logY", value: "true"),
      ])
  }

  @Test func unknownThemeIsAnErrorNamingTheChoices() {
    #expect {
      _ = try DashboardController(engine: FakeEngine(), options: Fixtures.options(theme: "no-such-theme"))
    } throws: { error in
      guard let themeError = error as? ThemeError else { return false }
      return themeError.description.contains("no-such-theme") && themeError.description.contains("default")
    }
  }

  struct KeyCase: Sendable, CustomTestStringConvertible {
    var key: Key
    var phase: EnginePhase
    var commands: [EngineCommand]
    var testDescription: String { "\(key) while \(phase.label)" }
  }

  static let keyCases: [KeyCase] = [
    KeyCase(key: .character(" "), phase: .training, commands: [.pause]),
    KeyCase(key: .character("p"), phase: .paused, commands: [.resume]),
    KeyCase(key: .character("r"), phase: .training, commands: [.restartRace]),
    KeyCase(key: .character("w"), phase: .training, commands: [.save]),
    KeyCase(key: .character("y"), phase: .training, commands: [.setDisplay(key: "logY", value: "false")]),
    KeyCase(key: .character("x"), phase: .training, commands: [.setDisplay(key: "logX", value: "true")]),
    KeyCase(
      key: .character("m"), phase: .training,
      commands: [.setDisplay(key: "metric", value: "geometric-mean-loss")]),
    KeyCase(key: .character("g"), phase: .training, commands: [.setDisplay(key: "glyphs", value: "block")]),
    // Keys that change only the view send nothing.
    KeyCase(key: .character("s"), phase: .training, commands: []),
    KeyCase(key: .character("1"), phase: .training, commands: []),
    KeyCase(key: .character("?"), phase: .training, commands: []),
    KeyCase(key: .character("Z"), phase: .training, commands: []),
    // Quitting is the loop's job (it sends quit once, for q and signals).
    KeyCase(key: .character("q"), phase: .training, commands: []),
  ]

  @Test(arguments: keyCases)
  func keySendsCommands(_ c: KeyCase) throws {
    var (controller, engine) = try controller(Fixtures.snapshot(phase: c.phase))
    controller.handle(c.key)
    #expect(engine.commands == c.commands)
  }

  @Test func quitSetsTheFlag() throws {
    var (controller, _) = try controller()
    #expect(!controller.state.quitRequested)
    controller.handle(.character("q"))
    #expect(controller.state.quitRequested)
  }

  @Test func pickerSwitchesProblem() throws {
    var (controller, engine) = try controller()
    controller.handle(.character("c"))
    #expect(controller.state.overlay == .picker(selection: 0))  // the current class
    controller.handle(.down)
    #expect(controller.state.overlay == .picker(selection: 1))
    controller.handle(.enter)
    #expect(engine.commands == [.switchProblem("lasso")])
    #expect(controller.state.overlay == .none)
  }

  @Test func pickerRefusesUnavailableClass() throws {
    var (controller, engine) = try controller()
    controller.handle(.character("c"))
    controller.handle(.up)  // wraps to the last entry: mnist-mlp, unavailable
    controller.handle(.enter)
    #expect(engine.commands.isEmpty)
    #expect(controller.state.overlay == .picker(selection: 2))
    #expect(controller.state.toast?.isError == true)
    #expect(controller.state.toast?.text.contains("MNIST files missing") == true)
  }

  @Test func pickerByDigitAndEscape() throws {
    var (controller, engine) = try controller()
    controller.handle(.character("c"))
    controller.handle(.escape)
    #expect(controller.state.overlay == .none)
    #expect(engine.commands.isEmpty)
    controller.handle(.character("c"))
    controller.handle(.character("2"))
    #expect(engine.commands == [.switchProblem("lasso")])
    // The same digit outside the picker toggles a racer instead.
    controller.handle(.character("2"))
    #expect(controller.state.hiddenRacers == ["slow"])
  }

  @Test func racerToggles() throws {
    var (controller, _) = try controller()
    controller.handle(.character("1"))
    controller.handle(.character("3"))
    #expect(controller.state.hiddenRacers == ["fast", "wild"])
    controller.handle(.character("1"))
    #expect(controller.state.hiddenRacers == ["wild"])
    controller.handle(.character("9"))  // only six racers
    #expect(controller.state.hiddenRacers == ["wild"])
    #expect(controller.state.toast?.isError == true)
    controller.handle(.character("0"))
    #expect(controller.state.hiddenRacers.isEmpty)
  }

  @Test func helpOpensAndAnyKeyCloses() throws {
    var (controller, _) = try controller()
    controller.handle(.function(1))
    #expect(controller.state.overlay == .help(offset: 0))
    controller.handle(.down)
    #expect(controller.state.overlay == .help(offset: 1))
    // At 80×24 the box shows 20 of the help's lines: it stops at the last page.
    _ = controller.frame(snapshot: Fixtures.snapshot(), width: 80, height: 24, now: 0)
    for _ in 0..<100 { controller.handle(.pageDown) }
    let lines = HelpOverlay.lines(.standard).count
    #expect(controller.state.overlay == .help(offset: lines - 20))
    controller.handle(.up)
    #expect(controller.state.overlay == .help(offset: lines - 21))
    controller.handle(.character("q"))  // closes the help, does not quit
    #expect(controller.state.overlay == .none)
    #expect(!controller.state.quitRequested)
    controller.handle(.character("h"))
    controller.handle(.character("Z"))
    #expect(controller.state.overlay == .none)
  }

  @Test func compareStartsWithTheTwoBestAndCycles() throws {
    var (controller, _) = try controller()
    controller.handle(.character("v"))
    #expect(controller.state.view == .compare)
    // Ranks: exact 1, fast 2 (indices 3 and 0).
    #expect(controller.state.compareA == 3)
    #expect(controller.state.compareB == 0)
    controller.handle(.character("a"))
    #expect(controller.state.compareA == 4)
    controller.handle(.character("b"))
    controller.handle(.character("b"))
    controller.handle(.character("b"))
    controller.handle(.character("b"))
    // B skips A (index 4): 0 → 1 → 2 → 3 → 5.
    #expect(controller.state.compareB == 5)
    controller.handle(.character("v"))
    #expect(controller.state.view == .overview)
  }

  @Test func sideBySideToggles() throws {
    var (controller, _) = try controller()
    controller.handle(.character("s"))
    #expect(controller.state.view == .sideBySide)
    controller.handle(.character("v"))
    #expect(controller.state.view == .compare)
    controller.handle(.character("s"))
    #expect(controller.state.view == .sideBySide)
  }

  @Test func toastsExpireOrYieldToNewerEngineMessages() throws {
    var (controller, engine) = try controller()
    controller.handle(.character("w"), now: 10)
    let messages = engine.latestSnapshot().messages
    #expect(controller.state.activeToast(at: 10, messages: messages)?.text == "saving the session…")
    #expect(
      controller.state.activeToast(at: 10 + DashboardController.toastDuration, messages: messages) == nil)
    // The engine answers: its message replaces the toast at once.
    engine.publish(Fixtures.snapshot(messages: messages + ["session saved"]))
    #expect(controller.state.activeToast(at: 11, messages: messages + ["session saved"]) == nil)
    #expect(controller.render(width: 80, height: 24, now: 11).lines[23].hasSuffix("session saved "))
  }

  @Test func resizeOnlyRedraws() throws {
    var (controller, engine) = try controller()
    let before = controller.state
    let revision = controller.revision
    controller.handle(.resize)
    #expect(controller.state == before)
    #expect(controller.revision == revision + 1)
    #expect(engine.commands.isEmpty)
  }

  /// Themes cycle through the folder (sorted, `default` included); the
  /// choice is sent so the session remembers it, and a malformed file is
  /// skipped with a message naming it.
  @Test func themeCycling() throws {
    let folder = try Scratch.directory("themes")
    defer { Scratch.remove(folder) }
    try "theme[text]=\"#ff0000\"\n".write(
      to: folder.appendingPathComponent("alpha.theme"), atomically: true, encoding: .utf8)
    try "theme[text]=\"not a colour\"\n".write(
      to: folder.appendingPathComponent("broken.theme"), atomically: true, encoding: .utf8)
    let engine = FakeEngine(Fixtures.snapshot())
    var controller = try DashboardController(
      engine: engine, options: Fixtures.options(themesDirectory: folder.path))
    engine.clearCommands()
    controller.handle(.character("t"))  // default → alpha (sorted: alpha, broken, default)
    #expect(controller.state.themeName == "alpha")
    #expect(controller.state.theme.text == .rgb(0xFF, 0, 0))
    controller.handle(.character("t"))  // broken is skipped → default
    #expect(controller.state.themeName == "default")
    #expect(controller.state.theme == .default)
    #expect(
      engine.commands == [
        .setDisplay(key: "theme", value: "alpha"), .setDisplay(key: "theme", value: "default"),
      ])
    controller.handle(.character("T"))  // back to alpha, skipping broken
    #expect(controller.state.themeName == "alpha")
  }
}

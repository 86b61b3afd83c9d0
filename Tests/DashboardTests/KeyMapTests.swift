import Rendering
import Testing

@testable import Dashboard

/// The key map is the single source of the help overlay and the status
/// line.
@Suite struct KeyMapTests {
  @Test(arguments: KeyBinding.Context.allCases)
  func noKeyIsBoundTwiceInAContext(_ context: KeyBinding.Context) {
    let keys = KeyMap.standard.bindings.filter { $0.context == context }.flatMap(\.keys)
    #expect(Set(keys).count == keys.count)
  }

  @Test func everyActionOfTheIssueHasAKey() {
    let actions = Set(KeyMap.standard.bindings.filter { $0.context == .main }.flatMap(\.actions))
    let required: [DashboardAction] = [
      .openProblemPicker, .togglePause, .toggleRacer(0), .toggleRacer(8), .toggleSideBySide, .toggleCompare,
      .toggleLogY, .toggleLogX, .restartRace, .nextTheme, .saveSession, .toggleHelp, .quit,
    ]
    for action in required { #expect(actions.contains(action), "\(action) has no key") }
    #expect(KeyMap.standard.action(for: .character("?"), in: .main) == .toggleHelp)
    #expect(KeyMap.standard.action(for: .character("h"), in: .main) == .toggleHelp)
    #expect(KeyMap.standard.action(for: .function(1), in: .main) == .toggleHelp)
    #expect(KeyMap.standard.action(for: .character("q"), in: .main) == .quit)
    #expect(KeyMap.standard.action(for: .character("7"), in: .main) == .toggleRacer(6))
    #expect(KeyMap.standard.action(for: .character("7"), in: .picker) == .chooseEntry(6))
  }

  /// Every binding appears in the help as `keys  description`, under its
  /// group's heading, in table order.
  @Test func helpIsGeneratedFromTheKeyMap() {
    let text = HelpOverlay.text(.standard)
    var position = 0
    for group in KeyBinding.Group.allCases {
      let heading = text[position...].firstIndex(of: group.rawValue)
      #expect(heading != nil, "no heading \(group.rawValue)")
      position = heading ?? position
      for binding in KeyMap.standard.bindings(in: group) {
        let line = text[position...].firstIndex {
          $0.hasPrefix("  " + binding.keysText + " ") && $0.hasSuffix("  " + binding.help)
        }
        #expect(line != nil, "no help line for \(binding.keysText)")
        position = line ?? position
      }
    }
  }

  /// A different key map gives a different help and status line: nothing
  /// is hard-wired in the overlay.
  @Test func customKeyMapDrivesHelpAndStatus() throws {
    let map = KeyMap(bindings: [
      KeyBinding(
        [.character("Q"), .escape], .quit, group: .general, help: "leave", status: "bye", priority: 0),
      KeyBinding(
        [.character("z")], .toggleHelp, group: .general, help: "the help", status: "help", priority: 1),
    ])
    #expect(HelpOverlay.text(map) == ["General", "  Q / Esc  leave", "  z        the help"])
    #expect(map.action(for: .escape, in: .main) == .quit)

    let engine = FakeEngine(Fixtures.snapshot(messages: []))
    var controller = try DashboardController(engine: engine, options: Fixtures.options(), keyMap: map)
    #expect(controller.render(width: 60, height: 20).lines[19].hasPrefix(" Q bye  z help"))
    controller.handle(.character("?"))  // not bound here
    #expect(controller.state.overlay == .none)
    controller.handle(.character("z"))
    let lines = controller.render(width: 60, height: 20).lines
    #expect(lines.contains { $0.contains("Q / Esc  leave") })
    #expect(!lines.contains { $0.contains("Race") })
  }

  /// The status line keeps the most important keys when narrow; help and
  /// quit are always there.
  @Test(arguments: [20, 40, 80, 200])
  func statusHintsByPriority(width: Int) {
    let hints = StatusBar.hints(.standard, width: width)
    let priorities = hints.map(\.statusPriority)
    #expect(priorities == priorities.sorted())
    let all = KeyMap.standard.statusBindings.sorted { $0.statusPriority < $1.statusPriority }
    #expect(hints.map(\.help) == all.prefix(hints.count).map(\.help))
    if width >= 20 {
      #expect(hints.first?.statusLabel == "help")
      #expect(hints.dropFirst().first?.statusLabel == "quit")
    }
    if width >= 200 { #expect(hints.count == all.count) }
  }

  @Test func keyNames() {
    #expect(Key.character(" ").description == "Space")
    #expect(Key.function(1).description == "F1")
    #expect(Key.control("l").description == "Ctrl-L")
    #expect(Key.escape.description == "Esc")
  }
}

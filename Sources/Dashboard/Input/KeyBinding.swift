import Rendering


/// One entry of the key map: the keys, what they do, and how the help
/// overlay and the status line describe them.
public struct KeyBinding: Sendable, Equatable {
  /// Where a binding applies.
  public enum Context: String, Sendable, CaseIterable {
    /// The main screen.
    case main
    /// The help overlay.
    case help
    /// The problem picker.
    case picker
  }

  /// Help overlay sections, in display order.
  public enum Group: String, Sendable, CaseIterable {
    case race = "Race"
    case view = "View"
    case general = "General"
    case help = "In this help"
    case picker = "In the problem picker"
  }

  public var keys: [Key]
  /// The action of each key, parallel to ``keys`` (most bindings repeat
  /// one action; `1`–`9` toggle racers 0–8).
  public var actions: [DashboardAction]
  public var context: Context
  public var group: Group
  /// How the keys are written when listing them all would be noise
  /// (`1–9`); `nil` joins the keys with `/`.
  public var keyLabel: String?
  /// The long description in the help overlay.
  public var help: String
  /// The short label in the status line, or `nil` to leave it out there.
  public var statusLabel: String?
  /// Lower comes first when the status line has to leave hints out.
  public var statusPriority: Int

  public init(
    _ keys: [Key], _ action: DashboardAction, context: Context = .main, group: Group, keyLabel: String? = nil,
    help: String, status: String? = nil, priority: Int = 50
  ) {
    self.init(
      keys, actions: Array(repeating: action, count: keys.count), context: context, group: group,
      keyLabel: keyLabel, help: help, status: status, priority: priority)
  }

  public init(
    _ keys: [Key], actions: [DashboardAction], context: Context = .main, group: Group,
    keyLabel: String? = nil,
    help: String, status: String? = nil, priority: Int = 50
  ) {
    self.keys = keys
    self.actions = actions
    self.context = context
    self.group = group
    self.keyLabel = keyLabel
    self.help = help
    self.statusLabel = status
    self.statusPriority = priority
  }

  /// The keys as the help overlay shows them: `? / h / F1`.
  public var keysText: String {
    keyLabel ?? keys.map(\.description).joined(separator: " / ")
  }

  /// The first key, as the status line shows it.
  public var shortKeysText: String {
    keyLabel ?? keys.first.map(\.description) ?? ""
  }
}

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// A theme ready to use, with where it came from.
public struct LoadedTheme: Hashable, Sendable {
  /// The theme's name: the file name without `.theme`, or `default`.
  public var name: String
  /// The file read, or `nil` for the built-in default.
  public var path: String?
  public var theme: Theme
  /// Skipped lines (unknown keys…), to show once at start-up.
  public var warnings: [ThemeWarning]
}

/// The themes in a directory, plus the built-in default, and the rules for
/// `--theme NAME|PATH`.
///
/// The built-in ``Theme/default`` is always available as `default`, even
/// when the directory is absent, so the binary works with no files around.
/// Reading files is the only thing in `Rendering` that touches the file
/// system.
public struct ThemeLibrary: Hashable, Sendable {
  /// The themes directory (e.g. the repository's `themes/`), or `nil` for
  /// built-ins only.
  public var directory: String?

  /// A library over `directory`, which need not exist.
  public init(directory: String?) {
    self.directory = directory
  }

  /// The file extension of theme files.
  public static let fileExtension = ".theme"

  /// Names of the themes available, sorted, always including `default`.
  public func names() -> [String] {
    var names: Set<String> = ["default"]
    if let directory, let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) {
      for entry in entries where entry.hasSuffix(Self.fileExtension) && entry.count > Self.fileExtension.count
      {
        names.insert(String(entry.dropLast(Self.fileExtension.count)))
      }
    }
    return names.sorted()
  }

  /// Resolves a `--theme` argument.
  ///
  /// - An argument containing `/` or ending in `.theme` is a path.
  /// - Otherwise it is a name: `<directory>/NAME.theme`; `default` falls
  ///   back to the built-in theme when there is no such file.
  ///
  /// - Throws: ``ThemeError`` when the name is unknown (listing the
  ///   available ones), the file cannot be read, or a line is malformed.
  public func load(_ nameOrPath: String) throws(ThemeError) -> LoadedTheme {
    if nameOrPath.contains("/") || nameOrPath.hasSuffix(Self.fileExtension) {
      return try Self.load(path: nameOrPath)
    }
    if let directory {
      let path = directory + (directory.hasSuffix("/") ? "" : "/") + nameOrPath + Self.fileExtension
      if FileManager.default.fileExists(atPath: path) { return try Self.load(path: path) }
    }
    if nameOrPath == "default" {
      return LoadedTheme(name: "default", path: nil, theme: .default, warnings: [])
    }
    let place = directory.map { "in \($0)" } ?? "(no themes directory)"
    throw ThemeError(
      file: nameOrPath,
      message: "no theme named \"\(nameOrPath)\" \(place); available: \(names().joined(separator: ", ")). "
        + "Pass one of these names or the path to a .theme file")
  }

  /// The largest theme file read (a theme is a few hundred bytes).
  public static let sizeLimit = 1 << 20

  /// The text of the theme file at `path`, with a message for each way it
  /// can fail: missing, not a regular file, too large, not UTF-8.
  static func readThemeText(path: String) throws(ThemeError) -> String {
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
      throw ThemeError(file: path, message: "cannot read the theme file: there is no such file (check the path)")
    }
    guard attributes[.type] as? FileAttributeType == .typeRegular else {
      throw ThemeError(file: path, message: "not a regular file: pass the path to a .theme file")
    }
    let size = (attributes[.size] as? Int) ?? Int(clamping: (attributes[.size] as? UInt64) ?? 0)
    guard size <= sizeLimit else {
      throw ThemeError(file: path, message: "\(size) bytes: a theme file is at most \(sizeLimit) bytes")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ThemeError(file: path, message: "cannot read the theme file (check its permissions)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      let offset = String(decoding: data, as: UTF8.self).utf8.count == data.count ? 0 : Self.firstInvalidUTF8(data)
      throw ThemeError(
        file: path, message: "not UTF-8 text (first invalid byte at offset \(offset)): save the file as UTF-8")
    }
    return text
  }

  /// The offset of the first byte that is not part of valid UTF-8.
  static func firstInvalidUTF8(_ data: Data) -> Int {
    var low = 0
    var high = data.count
    // The longest valid prefix, by bisection on whether a prefix decodes
    // (a cut inside a multi-byte character moves the answer by at most 3).
    while low < high {
      let middle = (low + high + 1) / 2
      if String(data: data.prefix(middle), encoding: .utf8) != nil { low = middle } else { high = middle - 1 }
    }
    return low
  }

  /// Reads and parses one theme file.
  public static func load(path: String) throws(ThemeError) -> LoadedTheme {
    let text = try readThemeText(path: path)
    let parsed = try Theme.parse(text, file: path)
    var name = String(path.split(separator: "/").last ?? Substring(path))
    if name.hasSuffix(fileExtension) { name = String(name.dropLast(fileExtension.count)) }
    return LoadedTheme(name: name, path: path, theme: parsed.theme, warnings: parsed.warnings)
  }
}

import Foundation
import Optimizees

/// A sessions folder: one subfolder per session.
///
/// **Saves are all-or-nothing** (docs/sessions.md). ``save(_:as:)`` first
/// writes every file under a temporary name (`.session.json.new`, …,
/// `.weights-N.bin.new`) and flushes them to disk; then it writes a commit
/// marker (`.commit`, itself renamed into place) that lists the files; then it
/// renames each temporary file over its target, `session.json` last; then it
/// deletes the previous weights file and the marker. A crash before the
/// marker exists leaves the old session and some temporary files; a crash
/// after leaves a marker that the next writer rolls forward
/// (``recover(_:)``), giving the new session. The next writer also deletes
/// temporary files without a marker and `weights-N.bin` files the manifest
/// does not name. Readers never write: they see the old or the new manifest,
/// each pointing at weights that exist.
///
/// **Reads are confined and bounded**: a session file is read only when it
/// is a regular file inside the session's folder (not a directory, FIFO,
/// device or link), no larger than its format allows; every field is checked
/// (``SessionManifest/validate(path:)``, ``CSVTable/validateHistory(path:kind:)``,
/// ``WeightsFile/decode(_:path:)``) before use.
///
/// **Shipped sessions are read-only**: a folder's `SHIPPED` file lists the
/// sessions that came with Mnemo; ``save(_:as:)`` refuses them and
/// ``SessionLocation/writable`` redirects training to `local/NAME`.
public struct SessionStore: Sendable, Equatable {
  /// The folder holding the sessions.
  public let directory: URL

  public init(directory: URL) {
    self.directory = directory
  }

  /// The default folder: `$MNEMO_SESSIONS`, else `sessions/` in the current
  /// directory.
  public static func defaultDirectory(
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> URL {
    if let explicit = environment["MNEMO_SESSIONS"], !explicit.isEmpty {
      return URL(fileURLWithPath: explicit)
    }
    return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("sessions")
  }

  /// Whether `name` is usable as a session folder name.
  public static func isValidName(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, first != ".", name.count <= 100 else { return false }
    return name.unicodeScalars.allSatisfy {
      ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
        || $0 == "-" || $0 == "_" || $0 == "."
    }
  }

  /// The file listing the shipped sessions of a sessions folder, one name a
  /// line (`#` starts a comment).
  public static let shippedListName = "SHIPPED"
  /// The subfolder where training from a shipped session continues.
  public static let localFolderName = "local"

  /// The sessions folder where training from this folder's shipped sessions
  /// continues (`DIR/local`; git ignores it).
  public var local: SessionStore {
    SessionStore(directory: directory.appendingPathComponent(Self.localFolderName, isDirectory: true))
  }

  /// Whether session `name` is one shipped with Mnemo, which nothing
  /// writes: listed in this folder's `SHIPPED` file. A list beside the
  /// folders (not a marker inside them) so that `cp -r sessions/quadratic
  /// sessions/mine` makes a writable session, while a copy of the whole
  /// sessions folder stays protected.
  public func isShipped(_ name: String) -> Bool {
    let url = directory.appendingPathComponent(Self.shippedListName)
    guard let data = try? SafeFile.contents(url, limit: 1 << 20) else { return false }
    return String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).contains { line in
      let entry = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
      return entry.trimmingCharacters(in: .whitespaces) == name
    }
  }

  /// Whether this folder has a `SHIPPED` list: it is the sessions folder of
  /// a Mnemo checkout (or a copy of one).
  public var hasShippedList: Bool {
    SafeFile.exists(directory.appendingPathComponent(Self.shippedListName))
  }

  /// The names of the sessions present (folders holding a `session.json`),
  /// sorted.
  public func names() -> [String] {
    let contents = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return contents.filter { Self.isValidName($0) && exists($0) }.sorted()
  }

  /// Whether a session called `name` exists (its folder holds a
  /// `session.json`, whatever state that file is in).
  public func exists(_ name: String) -> Bool {
    guard Self.isValidName(name) else { return false }
    var status = stat()
    return lstat(folder(name).appendingPathComponent("session.json").path, &status) == 0
  }

  /// Reads only the manifest of `name`; its `name` is the folder's (a
  /// copied folder is its own session, whatever its manifest says).
  public func manifest(_ name: String) throws(SessionError) -> SessionManifest {
    guard Self.isValidName(name) else { throw .invalidName(name) }
    let url = folder(name).appendingPathComponent("session.json")
    guard exists(name) else {
      throw .notFound(name: name, directory: directory.path, available: names())
    }
    let data = try SafeFile.contents(url, limit: SafeFile.manifestLimit)
    var manifest = try Self.decodeManifest(data, path: url.path)
    manifest.name = name
    return manifest
  }

  /// Reads the whole session `name`, verifying every file. Writes nothing.
  public func load(_ name: String) throws(SessionError) -> Session {
    let manifest = try manifest(name)
    let base = folder(name)
    let weightsURL = base.appendingPathComponent(manifest.weightsFile)
    guard SafeFile.exists(weightsURL) else {
      throw .corrupt(
        path: weightsURL.path, reason: "the weights file named by session.json (weightsFile) is missing")
    }
    let weights = try WeightsFile.decode(
      try SafeFile.contents(weightsURL, limit: SafeFile.weightsLimit), path: weightsURL.path)
    let training = try readCSV(base.appendingPathComponent("training.csv"), kind: .training)
    let race = try readCSV(base.appendingPathComponent("race.csv"), kind: .race)
    var session = Session(manifest: manifest, weights: weights, trainingHistory: training, raceHistory: race)
    session.folder = base.path
    return session
  }

  /// Writes `session` into folder `name` (default: its manifest's name)
  /// all-or-nothing (see the type's discussion) and returns the manifest as
  /// written (its name, weights file and update time set).
  @discardableResult
  public func save(_ session: Session, as name: String? = nil) throws(SessionError) -> SessionManifest {
    let name = name ?? session.manifest.name
    guard Self.isValidName(name) else { throw .invalidName(name) }
    let base = folder(name)
    guard !isShipped(name) else { throw .readOnly(path: base.path) }
    do {
      try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
    } catch {
      throw .writeFailed(path: base.path, reason: "\(error.localizedDescription)")
    }
    try recover(name)
    var manifest = session.manifest
    manifest.name = name
    let previousWeights = (try? self.manifest(name))?.weightsFile
    guard Limits.metaIteration.contains(manifest.metaIteration) else {
      throw .invalidField(
        path: base.appendingPathComponent("session.json").path, field: "metaIteration",
        value: String(manifest.metaIteration), expected: "an integer in \(Limits.describe(Limits.metaIteration))")
    }
    manifest.weightsFile = "weights-\(manifest.metaIteration).bin"
    manifest.updated = Date()
    let files: [(name: String, data: Data)] = [
      (manifest.weightsFile, WeightsFile.encode(session.weights)),
      ("training.csv", Data(session.trainingHistory.text.utf8)),
      ("race.csv", Data(session.raceHistory.text.utf8)),
      ("session.json", Self.encodeManifest(manifest)),
    ]
    // Every target must be replaceable before anything is staged, so a
    // directory where training.csv should be fails the save cleanly.
    for file in files { try SafeFile.requireReplaceable(base.appendingPathComponent(file.name)) }
    do {
      for file in files { try SafeFile.writeDurably(file.data, to: base.appendingPathComponent(Self.staged(file.name))) }
      let commit = CommitMarker(files: files.map(\.name), previousWeights: previousWeights)
      try SafeFile.writeDurably(commit.encoded, to: base.appendingPathComponent(Self.staged(Self.commitName)))
      try SafeFile.move(
        base.appendingPathComponent(Self.staged(Self.commitName)), to: base.appendingPathComponent(Self.commitName))
    } catch {
      discardStaged(in: base)
      throw error
    }
    try rollForward(in: base)
    // The new session is complete: any other weights file is the previous
    // one or an orphan of an interrupted save. (Only here, never at load
    // time: a damaged manifest naming a missing file must not get the real
    // weights deleted as "unreferenced".)
    let contents = (try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? []
    for file in contents where SessionManifest.isWeightsFileName(file) && file != manifest.weightsFile {
      try? FileManager.default.removeItem(at: base.appendingPathComponent(file))
    }
    return manifest
  }

  /// Finishes (marker present) or discards (no marker) a save that was
  /// interrupted; the next successful save deletes orphaned `weights-N.bin`
  /// files. Only a writer calls this: a reader of a folder that another
  /// process is saving would delete that process's files in flight.
  public func recover(_ name: String) throws(SessionError) {
    guard Self.isValidName(name) else { throw .invalidName(name) }
    let base = folder(name)
    if SafeFile.exists(base.appendingPathComponent(Self.commitName)) {
      try rollForward(in: base)
    } else {
      discardStaged(in: base)
    }
  }

  /// The folder of session `name`.
  public func folder(_ name: String) -> URL {
    directory.appendingPathComponent(name, isDirectory: true)
  }

  // MARK: The commit protocol

  static let commitName = ".commit"

  /// The temporary name of `file` while a save stages it.
  static func staged(_ file: String) -> String { ".\(file).new" }

  /// The files a save may stage: the fixed ones and `weights-N.bin`. A
  /// marker naming anything else (a hostile `.commit`) is ignored.
  static func isSessionFile(_ name: String) -> Bool {
    ["session.json", "training.csv", "race.csv"].contains(name) || SessionManifest.isWeightsFileName(name)
  }

  /// What a save is committing: the files, in rename order, and the weights
  /// file to delete once the new manifest is in place.
  struct CommitMarker: Codable {
    var files: [String]
    var previousWeights: String?

    var encoded: Data { (try? JSONEncoder().encode(self)) ?? Data() }
  }

  /// Renames every staged file of the marker's list into place, deletes the
  /// previous weights and the marker.
  private func rollForward(in base: URL) throws(SessionError) {
    let markerURL = base.appendingPathComponent(Self.commitName)
    let marker = (try? SafeFile.contents(markerURL, limit: 1 << 16)).flatMap {
      try? JSONDecoder().decode(CommitMarker.self, from: $0)
    }
    for file in (marker?.files ?? []) where Self.isSessionFile(file) {
      let staged = base.appendingPathComponent(Self.staged(file))
      if SafeFile.exists(staged) { try SafeFile.move(staged, to: base.appendingPathComponent(file)) }
    }
    if let previous = marker?.previousWeights, SessionManifest.isWeightsFileName(previous),
      !(marker?.files.contains(previous) ?? false)
    {
      try? FileManager.default.removeItem(at: base.appendingPathComponent(previous))
    }
    try? FileManager.default.removeItem(at: markerURL)
    discardStaged(in: base)
  }

  /// Deletes staged files (a save that never reached its marker).
  private func discardStaged(in base: URL) {
    let contents = (try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? []
    for file in contents where file.hasPrefix(".") && (file.hasSuffix(".new") || file.contains(".tmp-")) {
      try? FileManager.default.removeItem(at: base.appendingPathComponent(file))
    }
  }

  // MARK: Encoding

  static func encodeManifest(_ manifest: SessionManifest) -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.dateEncodingStrategy = .iso8601
    // Encoding plain Codable values with string keys cannot fail.
    return (try? encoder.encode(manifest)) ?? Data()
  }

  static func decodeManifest(_ data: Data, path: String) throws(SessionError) -> SessionManifest {
    struct VersionProbe: Decodable { var formatVersion: Int }
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    guard let probe = try? decoder.decode(VersionProbe.self, from: data) else {
      throw .corrupt(path: path, reason: "not valid session JSON (no formatVersion)")
    }
    guard probe.formatVersion == SessionManifest.currentFormatVersion else {
      throw .unsupportedVersion(
        path: path, found: probe.formatVersion, supported: SessionManifest.currentFormatVersion)
    }
    let manifest: SessionManifest
    do {
      manifest = try decoder.decode(SessionManifest.self, from: data)
    } catch {
      throw .corrupt(path: path, reason: "invalid session JSON: \(Self.describe(error))")
    }
    try manifest.validate(path: path)
    return manifest
  }

  private static func describe(_ error: any Error) -> String {
    guard let decoding = error as? DecodingError else { return "\(error)" }
    switch decoding {
    case .keyNotFound(let key, _): return "missing field '\(key.stringValue)'"
    case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
      let field = context.codingPath.map(\.stringValue).joined(separator: ".")
      return field.isEmpty ? context.debugDescription : "field '\(field)': \(context.debugDescription)"
    @unknown default: return "\(error)"
    }
  }

  private func readCSV(_ url: URL, kind: CSVTable.HistoryKind) throws(SessionError) -> CSVTable {
    guard SafeFile.exists(url) else { return CSVTable(header: []) }
    let data = try SafeFile.contents(url, limit: SafeFile.historyLimit)
    guard let text = String(data: data, encoding: .utf8) else {
      throw .corrupt(path: url.path, reason: "not UTF-8 text")
    }
    let table = try CSVTable.parse(text, path: url.path)
    try table.validateHistory(path: url.path, kind: kind)
    return table
  }
}

/// Where a `--session` argument points: a name in the sessions folder
/// (`quadratic`) or a path to a session folder (anything with a `/`:
/// `runs/s`, `./s`, `/tmp/x/s`), for reading and for writing alike.
public struct SessionLocation: Sendable, Equatable {
  /// The folder holding the session, as a store.
  public var store: SessionStore
  /// The session's folder name.
  public var name: String

  public init(store: SessionStore, name: String) {
    self.store = store
    self.name = name
  }

  /// Resolves `argument` against `sessionsDirectory` (used for plain names).
  public static func resolve(_ argument: String, sessionsDirectory: URL) throws(SessionError) -> SessionLocation {
    guard argument.contains("/") else {
      guard SessionStore.isValidName(argument) else { throw .invalidName(argument) }
      return SessionLocation(store: SessionStore(directory: sessionsDirectory), name: argument)
    }
    let url = URL(fileURLWithPath: argument).standardizedFileURL
    let name = url.lastPathComponent
    guard SessionStore.isValidName(name) else { throw .invalidName(argument) }
    return SessionLocation(store: SessionStore(directory: url.deletingLastPathComponent()), name: name)
  }

  /// The session's folder.
  public var folder: URL { store.folder(name) }

  /// Whether a session is there.
  public var exists: Bool { store.exists(name) }

  /// Reads the session (writes nothing).
  public func load() throws(SessionError) -> Session { try store.load(name) }

  /// Saves `session` here (all-or-nothing), whatever its manifest's name.
  @discardableResult
  public func save(_ session: Session) throws(SessionError) -> SessionManifest {
    try store.save(session, as: name)
  }

  /// Whether this is a shipped (read-only) session.
  public var isShipped: Bool { store.isShipped(name) }

  /// Where training from this session writes: here, or `local/NAME` beside
  /// it for a shipped session.
  public var writable: SessionLocation {
    isShipped ? SessionLocation(store: store.local, name: name) : self
  }

  /// Where the dashboard reads and saves the session of problem class
  /// `name`. In a folder with a `SHIPPED` list (a checkout's `sessions/`)
  /// everything it writes goes to `local/NAME`, shipped or not, so running
  /// the dashboard leaves `git status` clean; it reads `local/NAME` when
  /// that exists, else the folder's own session (the shipped weights).
  /// Elsewhere (`--sessions DIR`) it reads and writes `DIR/NAME`.
  public static func dashboard(store: SessionStore, name: String) -> (source: SessionLocation, target: SessionLocation) {
    let named = SessionLocation(store: store, name: name)
    guard store.hasShippedList else { return (named.resumable, named.writable) }
    let local = SessionLocation(store: store.local, name: name)
    return (local.exists || !named.exists ? local : named, local)
  }

  /// The session to continue training: the user's continuation in
  /// `local/NAME` when this is a shipped session that has one, else this.
  public var resumable: SessionLocation {
    let target = writable
    return target != self && target.store.exists(name) ? target : self
  }
}

import Foundation

/// The `sessions/` folder: one subfolder per session.
///
/// Every file is written to a temporary name and renamed into place, and the
/// weights file is named after its meta-iteration and written *before* the
/// manifest that points to it; the previous weights are deleted only after
/// the manifest is in place. Killing the process at any moment therefore
/// leaves either the old session or the new one, never a mixture.
public struct SessionStore: Sendable {
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

  /// The names of the sessions present (folders holding a `session.json`),
  /// sorted.
  public func names() -> [String] {
    let contents = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return contents.filter { name in
      FileManager.default.fileExists(atPath: folder(name).appendingPathComponent("session.json").path)
    }.sorted()
  }

  /// Whether a session called `name` exists.
  public func exists(_ name: String) -> Bool {
    FileManager.default.fileExists(atPath: folder(name).appendingPathComponent("session.json").path)
  }

  /// Reads only the manifest of `name`.
  public func manifest(_ name: String) throws(SessionError) -> SessionManifest {
    guard Self.isValidName(name) else { throw .invalidName(name) }
    let url = folder(name).appendingPathComponent("session.json")
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw .notFound(name: name, directory: directory.path, available: names())
    }
    return try Self.decodeManifest(data, path: url.path)
  }

  /// Reads the whole session `name`, verifying every file.
  public func load(_ name: String) throws(SessionError) -> Session {
    let manifest = try manifest(name)
    let base = folder(name)
    let weightsURL = base.appendingPathComponent(manifest.weightsFile)
    guard let weightsData = FileManager.default.contents(atPath: weightsURL.path) else {
      throw .corrupt(path: weightsURL.path, reason: "the weights file named by session.json is missing")
    }
    let weights = try WeightsFile.decode(weightsData, path: weightsURL.path)
    let training = try readCSV(base.appendingPathComponent("training.csv"))
    let race = try readCSV(base.appendingPathComponent("race.csv"))
    return Session(manifest: manifest, weights: weights, trainingHistory: training, raceHistory: race)
  }

  /// Writes `session` atomically (see the type's discussion) and returns the
  /// manifest as written (its weights file name and update time set).
  @discardableResult
  public func save(_ session: Session) throws(SessionError) -> SessionManifest {
    var manifest = session.manifest
    guard Self.isValidName(manifest.name) else { throw .invalidName(manifest.name) }
    let base = folder(manifest.name)
    do {
      try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
    } catch {
      throw .writeFailed(path: base.path, reason: "\(error.localizedDescription)")
    }
    let previousWeights = (try? self.manifest(manifest.name))?.weightsFile
    manifest.weightsFile = "weights-\(manifest.metaIteration).bin"
    manifest.updated = Date()
    try write(WeightsFile.encode(session.weights), to: base.appendingPathComponent(manifest.weightsFile))
    try write(Data(session.trainingHistory.text.utf8), to: base.appendingPathComponent("training.csv"))
    try write(Data(session.raceHistory.text.utf8), to: base.appendingPathComponent("race.csv"))
    try write(Self.encodeManifest(manifest), to: base.appendingPathComponent("session.json"))
    if let previousWeights, previousWeights != manifest.weightsFile {
      try? FileManager.default.removeItem(at: base.appendingPathComponent(previousWeights))
    }
    return manifest
  }

  /// The folder of session `name`.
  public func folder(_ name: String) -> URL {
    directory.appendingPathComponent(name, isDirectory: true)
  }

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
    do {
      return try decoder.decode(SessionManifest.self, from: data)
    } catch {
      throw .corrupt(path: path, reason: "invalid session JSON: \(Self.describe(error))")
    }
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

  private func readCSV(_ url: URL) throws(SessionError) -> CSVTable {
    guard let data = FileManager.default.contents(atPath: url.path) else { return CSVTable(header: []) }
    return try CSVTable.parse(String(decoding: data, as: UTF8.self), path: url.path)
  }

  private func write(_ data: Data, to url: URL) throws(SessionError) {
    let temporary = url.deletingLastPathComponent()
      .appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
    do {
      try data.write(to: temporary)
      // rename(2) replaces the target atomically: readers see the old file or
      // the new one, never a partial write.
      guard rename(temporary.path, url.path) == 0 else {
        throw SessionError.writeFailed(path: url.path, reason: String(cString: strerror(errno)))
      }
    } catch let error as SessionError {
      try? FileManager.default.removeItem(at: temporary)
      throw error
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw .writeFailed(path: url.path, reason: error.localizedDescription)
    }
  }
}

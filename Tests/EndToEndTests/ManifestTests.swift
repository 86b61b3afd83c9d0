import Foundation
import Testing

/// `Package.swift` declares exactly what each target imports: nothing
/// imported without being declared (SwiftPM on Linux builds such a target
/// only while some other path happens to build the module first, and
/// `--explicit-target-dependency-import-check` does not catch it with this
/// toolchain), nothing declared that is never imported (a dependency that
/// only slows builds and hides the real graph, which `docs/architecture.md`
/// draws).
@Suite(.enabled(if: Manifest.isReadable, "Package.swift is not beside the tests (an installed test bundle)"))
struct ManifestTests {
  @Test func everyTargetDeclaresExactlyWhatItImports() throws {
    let targets = try Manifest.targets()
    #expect(targets.count > 10, "the manifest parser found only \(targets.map(\.name))")
    for target in targets {
      let imported = try Manifest.imports(under: target.path)
      let declared = Set(target.dependencies)
      let undeclared = imported.subtracting(declared).sorted()
      let unused = declared.subtracting(imported).sorted()
      #expect(undeclared.isEmpty, "\(target.name) imports \(undeclared) without declaring them in Package.swift")
      #expect(unused.isEmpty, "\(target.name) declares \(unused) in Package.swift but never imports them")
    }
  }

  /// The parser itself, on a manifest written for the purpose.
  @Test func parserReadsNamesPathsDependenciesAndProducts() throws {
    let text = """
      .target(name: "A", dependencies: ["B", "C"]),
      .systemLibrary(name: "CZ", pkgConfig: "z"),
      .target(name: "B"),
      .executableTarget(
        name: "tool",
        dependencies: [
          "A",
          .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
      .target(name: "Support", path: "Tests/Support"),
      .testTarget(name: "ATests", dependencies: ["A", "Support"]),
      """
    let targets = Manifest.parse(text)
    #expect(targets.map(\.name) == ["A", "B", "tool", "Support", "ATests"])
    #expect(targets.map(\.path) == ["Sources/A", "Sources/B", "Sources/tool", "Tests/Support", "Tests/ATests"])
    #expect(targets.map(\.dependencies) == [["B", "C"], [], ["A", "ArgumentParser"], [], ["A", "Support"]])
  }

  @Test func importScannerSeesEveryKindOfImportAndSkipsTheToolchain() {
    let source = """
      import Foundation
      @testable import Engine
      internal import CDNCKernels
      import struct Rendering.Cell
      #if canImport(Glibc)
        import Glibc
      #endif
      // import NotThis
      let importance = 1
      let text = \"""
        import InAString
        \"""
      """
    #expect(Manifest.imports(in: source) == ["Engine", "CDNCKernels", "Rendering"])
  }
}

/// The manifest as text, and the imports of the Swift files under a folder.
enum Manifest {
  struct Target: Equatable {
    var name: String
    var path: String
    var dependencies: [String]
  }

  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  static var isReadable: Bool { FileManager.default.isReadableFile(atPath: root.appendingPathComponent("Package.swift").path) }

  /// Modules of the Swift toolchain and the platform, never declared.
  static let toolchain: Set<String> = [
    "Foundation", "FoundationEssentials", "FoundationXML", "FoundationNetworking", "Testing", "Glibc", "Musl",
    "Darwin", "Android", "WinSDK", "Dispatch", "Synchronization", "XCTest",
  ]

  static func targets() throws -> [Target] {
    parse(try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8))
  }

  /// Every Swift-source target (system libraries have no Swift files and
  /// are skipped), in order, with its folder and dependency names.
  static func parse(_ text: String) -> [Target] {
    let opening = /\.(target|testTarget|executableTarget|systemLibrary)\(\s*name:\s*"(\w+)"/
    let matches = text.matches(of: opening)
    var targets: [Target] = []
    for (index, match) in matches.enumerated() {
      let end = index + 1 < matches.count ? matches[index + 1].range.lowerBound : text.endIndex
      let body = String(text[match.range.upperBound..<end])
      let kind = String(match.output.1)
      guard kind != "systemLibrary" else { continue }
      let name = String(match.output.2)
      let path = body.firstMatch(of: /path:\s*"([^"]+)"/).map { String($0.output.1) }
        ?? (kind == "testTarget" ? "Tests/\(name)" : "Sources/\(name)")
      var dependencies: [String] = []
      if let list = body.firstMatch(of: /dependencies:\s*\[((?:[^\[\]]|\[[^\]]*\])*)\]/) {
        let products = String(list.output.1).replacing(/\.product\(\s*name:\s*("\w+")[^)]*\)/) { $0.output.1 }
        dependencies = products.matches(of: /"(\w+)"/).map { String($0.output.1) }
      }
      targets.append(Target(name: name, path: path, dependencies: dependencies))
    }
    return targets
  }

  /// The non-toolchain modules the Swift files under `path` import.
  static func imports(under path: String) throws -> Set<String> {
    let folder = root.appendingPathComponent(path)
    guard let files = FileManager.default.enumerator(atPath: folder.path) else { return [] }
    var modules: Set<String> = []
    while let relative = files.nextObject() as? String {
      guard relative.hasSuffix(".swift") else { continue }
      let source = try String(contentsOf: folder.appendingPathComponent(relative), encoding: .utf8)
      modules.formUnion(imports(in: source))
    }
    return modules
  }

  static func imports(in source: String) -> Set<String> {
    let line = /^\s*(?:@testable\s+|@_implementationOnly\s+|internal\s+|public\s+|package\s+)*import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?(\w+)/
    var modules: Set<String> = []
    var inMultilineString = false
    for text in source.split(separator: "\n", omittingEmptySubsequences: true) {
      // Lines of a multi-line string literal are text, not imports.
      if (text.matches(of: /"""/).count - text.matches(of: /\\"""/).count) % 2 == 1 {
        inMultilineString.toggle()
        continue
      }
      if !inMultilineString, let match = text.firstMatch(of: line) { modules.insert(String(match.output.1)) }
    }
    return modules.subtracting(toolchain)
  }
}

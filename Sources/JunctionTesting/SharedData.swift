public import Foundation

/// The external test data in `shared/` beside the checkout (vectors, corpora), or where
/// `JUNCTION_SHARED` points.
public enum SharedData {
    public static let root: URL = {
        if let path = ProcessInfo.processInfo.environment["JUNCTION_SHARED"] { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared")
    }()

    /// The bytes of `relativePath`.
    public static func data(_ relativePath: String) throws -> Data {
        let url = root.appendingPathComponent(relativePath)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw SharedDataMissing(path: url.path) }
        return data
    }

    /// `relativePath` parsed as a JSON object.
    public static func json(_ relativePath: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: data(relativePath)) as? [String: Any] ?? [:]
    }

    /// The names of the files in folder `relativePath`, sorted.
    public static func files(in relativePath: String) throws -> [String] {
        let path = root.appendingPathComponent(relativePath).path
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { throw SharedDataMissing(path: path) }
        return names.sorted()
    }

    public struct SharedDataMissing: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "test data \(path) is missing: the shared/ folder must sit beside the checkout" }
    }
}

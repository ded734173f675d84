import Foundation

/// The project's external test data in `../shared` (or `JUNCTION_SHARED`).
enum SharedData {
    static let root: URL = {
        if let path = ProcessInfo.processInfo.environment["JUNCTION_SHARED"] { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared")
    }()

    static func json(_ relativePath: String) throws -> [String: Any] {
        let url = root.appendingPathComponent(relativePath)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw SharedDataMissing(path: url.path)
        }
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    struct SharedDataMissing: Error, CustomStringConvertible {
        let path: String
        var description: String { "test data \(path) is missing: the shared/ folder must sit beside the checkout" }
    }
}

import Foundation

/// The key-value tables `config`, `pconfig`, `xconfig`, `abconfig` and `iconfig`.
public protocol ConfigRecords: Sendable {
    func configValue(_ scope: ConfigScope, family: String, key: String) async throws -> String?
    func setConfigValue(_ scope: ConfigScope, family: String, key: String, value: String) async throws
    func removeConfigValue(_ scope: ConfigScope, family: String, key: String) async throws
    /// Every key and value of one family in a scope.
    func configValues(_ scope: ConfigScope, family: String) async throws -> [String: String]
}

extension ConfigRecords {
    /// The value of `key` decoded from JSON; nil when unset or not a `T`.
    public func configJSON<T: Decodable>(_ scope: ConfigScope, family: String, key: String, as type: T.Type = T.self) async throws -> T? {
        guard let text = try await configValue(scope, family: family, key: key) else { return nil }
        return try? JSONDecoder().decode(T.self, from: Data(text.utf8))
    }

    /// Stores `value` as JSON (sorted keys) under `key`.
    public func setConfigJSON(_ scope: ConfigScope, family: String, key: String, value: some Encodable) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try await setConfigValue(scope, family: family, key: key, value: String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}

/// The key-value tables `config`, `pconfig`, `xconfig`, `abconfig` and `iconfig`.
public protocol ConfigRecords: Sendable {
    func configValue(_ scope: ConfigScope, family: String, key: String) async throws -> String?
    func setConfigValue(_ scope: ConfigScope, family: String, key: String, value: String) async throws
    func removeConfigValue(_ scope: ConfigScope, family: String, key: String) async throws
    /// Every key and value of one family in a scope.
    func configValues(_ scope: ConfigScope, family: String) async throws -> [String: String]
}

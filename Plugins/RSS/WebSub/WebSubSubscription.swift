import Foundation
import JunctionCore

/// A subscriber's verified subscription to one of a channel's feeds (a WebSub topic). Kept in
/// the channel's `pconfig` (family `websub`, one key per format and callback), with the id of
/// the last item distributed to it, so distribution resumes where it stopped after a restart.
struct WebSubSubscription: Codable, Sendable, Equatable {
    var topic: String
    var callback: String
    var format: String
    /// The subscriber's HMAC secret, nil when none was given.
    var secret: String?
    var leaseExpires: Date
    /// The newest item already queued for this subscriber.
    var cursor: Int64
    var created: Date

    static let family = "websub"

    var key: String { Self.key(format: format, callback: callback) }
    static func key(format: String, callback: String) -> String { "\(format) \(callback)" }

    static func all(channelID: Int64, in session: any StoreSession) async throws -> [WebSubSubscription] {
        try await session.configValues(.channel(channelID), family: family).values
            .compactMap { try? JSONDecoder().decode(WebSubSubscription.self, from: Data($0.utf8)) }
            .sorted { $0.key < $1.key }
    }

    static func find(channelID: Int64, key: String, in session: any StoreSession) async throws -> WebSubSubscription? {
        try await session.configJSON(.channel(channelID), family: family, key: key)
    }

    func save(channelID: Int64, in session: any StoreSession) async throws {
        try await session.setConfigJSON(.channel(channelID), family: Self.family, key: key, value: self)
    }

    func remove(channelID: Int64, in session: any StoreSession) async throws {
        try await session.removeConfigValue(.channel(channelID), family: Self.family, key: key)
    }
}

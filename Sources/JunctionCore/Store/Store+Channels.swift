public import Foundation

extension Store {
    /// Creates a channel for an account: a new Ed25519 key pair, the channel's own xchan
    /// (`handle@domain`), the channel row with its role's limits and its self-connection, all in
    /// one transaction.
    public func createChannel(
        handle: String, accountEmail: String, name: String? = nil, role: ChannelRole = .personal,
        domain: HubDomain, now: Date = Date()
    ) async throws -> Channel {
        let handle = try Handle(handle)
        let email = try EmailAddress(accountEmail)
        let displayName = (name ?? handle.rawValue).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !displayName.isEmpty, displayName.count <= 256 else {
            throw JunctionError.invalidInput("channel name must be 1 to 256 characters long")
        }
        let key = SigningKey()
        let hash = XChan.localHash(for: key.publicKey)
        return try await write { session in
            guard let account = try await session.account(email: email) else {
                throw JunctionError.notFound("no account with email \(email)")
            }
            if try await session.channel(handle: handle) != nil {
                throw JunctionError.conflict("a channel with handle '\(handle)' already exists")
            }
            let url = "\(domain.baseURL)/channel/\(handle)"
            try await session.upsertXChan(XChan(
                hash: hash, address: "\(handle)@\(domain)", name: displayName, network: XChan.localNetwork,
                url: url, publicKey: key.publicKey.base64, created: now, updated: now
            ))
            try await session.upsertHubLoc(HubLoc(
                xchanHash: hash, network: XChan.localNetwork, host: domain.description, endpoint: url, updated: now
            ))
            let channel = try await session.insertChannel(NewChannel(
                accountID: account.id, handle: handle, name: displayName, role: role, xchanHash: hash,
                signingKey: key, created: now
            ))
            _ = try await session.insertABook(ABook(
                channelID: channel.id, xchanHash: hash, myPermissions: Set(Permission.allCases),
                theirPermissions: Set(Permission.allCases), role: .admin, isSelf: true, created: now, updated: now
            ))
            return channel
        }
    }

    /// The channel with `handle`; throws `notFound` when there is none.
    public func channel(handle: String) async throws -> Channel {
        let handle = try Handle(handle)
        guard let channel = try await read({ try await $0.channel(handle: handle) }) else {
            throw JunctionError.notFound("no channel '\(handle)'")
        }
        return channel
    }

    /// Deletes a channel: its pending deliveries are cancelled, its connections, items and
    /// settings removed, and its identity marked deleted, in one transaction.
    public func deleteChannel(handle: String, now: Date = Date()) async throws -> Channel {
        let handle = try Handle(handle)
        return try await write { session in
            guard let channel = try await session.channel(handle: handle) else {
                throw JunctionError.notFound("no channel '\(handle)'")
            }
            try await session.cancelEntries(.channel(channel.id), reason: "the channel was deleted", now: now)
            try await session.deleteChannel(id: channel.id)
            if var xchan = try await session.xchan(hash: channel.xchanHash) {
                xchan.isDeleted = true
                xchan.updated = now
                try await session.upsertXChan(xchan)
            }
            return channel
        }
    }

    /// May `requester` do `permission` on the channel? Loads the requester's connection and asks
    /// ``PermissionPolicy``.
    public func isAllowed(_ permission: Permission, requester: PermissionPolicy.Requester, channelID: Int64) async throws -> Bool {
        try await read { session in
            guard let channel = try await session.channel(id: channelID) else { return false }
            var connection: ABook?
            if case .identity(let hash) = requester {
                connection = try await session.abook(channelID: channelID, xchanHash: hash)
            }
            return PermissionPolicy.isAllowed(permission, requester: requester, channel: channel, connection: connection)
        }
    }
}

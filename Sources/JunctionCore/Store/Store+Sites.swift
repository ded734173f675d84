public import Foundation

extension Store {
    /// Blocks `host`: nothing more is sent to it, and what is queued for it is cancelled.
    /// Returns how many queued entries were cancelled.
    @discardableResult
    public func blockSite(_ host: String, now: Date = Date()) async throws -> Int {
        let host = host.lowercased()
        return try await write { session in
            var site = try await session.site(host: host) ?? Site(host: host)
            site.isBlocked = true
            site.updated = now
            try await session.upsertSite(site)
            return try await session.cancelEntries(.destination(host), reason: "site \(host) is blocked", now: now)
        }
    }

    /// Allows deliveries to a blocked `host` again; throws `notFound` when it is not blocked.
    public func unblockSite(_ host: String, now: Date = Date()) async throws {
        let host = host.lowercased()
        try await write { session in
            guard var site = try await session.site(host: host), site.isBlocked else {
                throw JunctionError.notFound("\(host) is not blocked")
            }
            site.isBlocked = false
            site.updated = now
            try await session.upsertSite(site)
        }
    }

    /// Marks a dead or failing `host` healthy and makes what waits for it due now; throws
    /// `notFound` when nothing was ever sent to it.
    public func reviveSite(_ host: String, now: Date = Date()) async throws {
        let host = host.lowercased()
        try await write { session in
            guard var site = try await session.site(host: host) else {
                throw JunctionError.notFound("no deliveries were ever made to \(host)")
            }
            site.isDead = false
            site.failureStreak = 0
            site.firstFailure = nil
            site.updated = now
            try await session.upsertSite(site)
            try await session.releaseEntries(destination: host, at: now)
        }
    }
}

public import Foundation

/// The queue at a glance: what `junction queue status` and the admin API show.
public struct QueueStatus: Sendable, Codable {
    /// Depth, retries, dead letters and oldest entry per destination and network.
    public var destinations: [DestinationSummary]
    /// Sites that are failing, dead or blocked.
    public var sites: [Site]
}

extension Store {
    /// The queue per destination, with every site that is failing, dead or blocked.
    public func queueStatus(now: Date = Date()) async throws -> QueueStatus {
        try await read { session in
            QueueStatus(destinations: try await session.queueSummary(now: now),
                        sites: try await session.sites().filter(\.isTroubled))
        }
    }

    /// The delivery reports of item `itemID`; throws `notFound` when there is no such item.
    public func deliveryReports(itemID: Int64) async throws -> [DeliveryReport] {
        try await read { session in
            guard try await session.item(id: itemID) != nil else { throw JunctionError.notFound("no item \(itemID)") }
            return try await session.deliveryReports(itemID: itemID)
        }
    }
}

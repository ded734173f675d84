import Foundation
public import JunctionCore
import Logging
import Metrics
public import ServiceLifecycle

/// Publishes the queue's depth per network as gauges, refreshed every `interval`:
/// `junction_queue_depth{network,state}` (pending, retrying, dead_letter) and
/// `junction_queue_oldest_seconds{network}`.
public struct QueueGauges: Service {
    let store: any Store
    let interval: Duration

    public init(store: any Store, interval: Duration = .seconds(10)) {
        self.store = store
        self.interval = interval
    }

    public func run() async throws {
        var networks: Set<String> = []
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let now = Date()
            if let summary = try? await store.read({ try await $0.queueSummary(now: now) }) {
                let byNetwork = Dictionary(grouping: summary, by: \.network)
                for network in networks.union(byNetwork.keys) {
                    let rows = byNetwork[network] ?? []
                    Gauge(label: "junction_queue_depth", dimensions: [("network", network), ("state", "pending")])
                        .record(rows.reduce(0) { $0 + $1.pending })
                    Gauge(label: "junction_queue_depth", dimensions: [("network", network), ("state", "retrying")])
                        .record(rows.reduce(0) { $0 + $1.retrying })
                    Gauge(label: "junction_queue_depth", dimensions: [("network", network), ("state", "dead_letter")])
                        .record(rows.reduce(0) { $0 + $1.deadLetters })
                    let oldest = rows.compactMap(\.oldestCreated).min().map { now.timeIntervalSince($0) } ?? 0
                    Gauge(label: "junction_queue_oldest_seconds", dimensions: [("network", network)]).record(oldest)
                }
                networks.formUnion(byNetwork.keys)
            }
            try? await Task.sleep(for: interval)
        }
    }
}

import Metrics
import Synchronization

/// The queue's delivery metrics, with their handles made once per network and result rather
/// than for every delivery: `junction_deliveries_total` and `junction_delivery_duration_seconds`.
final class DeliveryMetrics: Sendable {
    private struct Handles {
        var counters: [Key: Counter] = [:]
        var timers: [String: Timer] = [:]
    }

    private struct Key: Hashable {
        let network: String
        let result: String
    }

    private let handles = Mutex(Handles())

    /// Counts one delivery to `network` that ended with `result`, after `elapsed`.
    func record(network: String, result: String, elapsed: Duration) {
        let (counter, timer) = handles.withLock { handles in
            let key = Key(network: network, result: result)
            let counter = handles.counters[key] ?? {
                let made = Counter(label: "junction_deliveries_total", dimensions: [("network", network), ("result", result)])
                handles.counters[key] = made
                return made
            }()
            let timer = handles.timers[network] ?? {
                let made = Timer(label: "junction_delivery_duration_seconds", dimensions: [("network", network)], preferredDisplayUnit: .seconds)
                handles.timers[network] = made
                return made
            }()
            return (counter, timer)
        }
        counter.increment()
        timer.recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}

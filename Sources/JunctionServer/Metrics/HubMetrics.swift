import Metrics
public import Prometheus
import Synchronization

/// The process-wide Prometheus registry behind swift-metrics.
public enum HubMetrics {
    private static let bootstrapped = Mutex(false)

    /// The registry `/metrics` renders.
    public static var registry: PrometheusCollectorRegistry { PrometheusMetricsFactory.defaultRegistry }

    /// Routes swift-metrics to Prometheus; safe to call more than once (tests build several apps).
    public static func bootstrap() {
        bootstrapped.withLock { done in
            guard !done else { return }
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            done = true
        }
    }
}

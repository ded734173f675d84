import Prometheus
public import Hummingbird

/// `GET /metrics`: every swift-metrics value in the Prometheus text format.
public struct MetricsRoutes: Sendable {
    public init() {}

    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/metrics") { _, _ in
            var buffer: [UInt8] = []
            HubMetrics.registry.emit(into: &buffer)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }
}

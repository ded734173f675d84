public import Foundation
import Hummingbird
import HTTPTypes
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// An HTTP server on 127.0.0.1 that records what is posted to it and answers with scripted
/// statuses: the other end of a delivery, for tests and benchmarks.
public final class LoopbackSink: Sendable {
    /// One request the sink received.
    public struct Received: Sendable {
        public var method: String
        public var path: String
        public var query: String?
        public var headers: [(name: String, value: String)]
        public var body: Data
    }

    /// What the sink answers.
    public struct Reply: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: Data
        public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
            self.status = status
            self.headers = headers
            self.body = body
        }
    }

    private let state = Mutex<(received: [Received], script: [Reply], fallback: Reply)>(([], [], Reply(status: 202)))
    private let boundPort = Mutex(0)
    private let replyDelay = Mutex(Duration.zero)
    private let responder = Mutex<Responder?>(nil)

    /// The dynamic answer, boxed: a closure kept in a `Mutex` directly is re-wrapped in two
    /// reabstraction thunks each time `withLock` lends it out, so every request would call
    /// through a longer chain than the last.
    private struct Responder: Sendable {
        let reply: @Sendable (Received) -> Reply?
    }

    private init() {}

    /// The port it listens on.
    public var port: Int { boundPort.withLock { $0 } }

    /// Runs a sink for the duration of `body`, on `port` (0: any free port).
    ///
    /// The sink stops gracefully: it takes no new connections and answers what it is answering.
    /// Cancelling a Hummingbird server instead can trap in NIO when a connection was accepted
    /// but not yet served (apple/swift-nio#3481). Answers still delayed a second later are cut short.
    public static func run<T: Sendable>(port: Int = 0, _ body: (LoopbackSink) async throws -> T) async throws -> T {
        let sink = LoopbackSink()
        let router = Router()
        router.post("**") { request, context in try await sink.handle(request, context: context) }
        router.get("**") { request, context in try await sink.handle(request, context: context) }
        var logger = Logger(label: "junction.sink")
        logger.logLevel = .warning
        let (started, start) = AsyncStream<Void>.makeStream()
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in
                sink.boundPort.withLock { $0 = channel.localAddress?.port ?? 0 }
                start.finish()
            },
            logger: logger
        )
        let server = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { start.finish() }
                try await server.run()
            }
            for await _ in started {}
            guard sink.port != 0 else {
                try await group.next()
                throw TestSetupError("the loopback sink did not start")
            }
            let result: Result<T, any Error>
            do {
                result = .success(try await body(sink))
            } catch {
                result = .failure(error)
            }
            await server.triggerGracefulShutdown()
            group.addTask { try await Task.sleep(for: .seconds(1)) }
            _ = try? await group.next()
            group.cancelAll()
            return try result.get()
        }
    }

    /// The base URL, e.g. `http://127.0.0.1:54321`.
    public var url: String { "http://127.0.0.1:\(port)" }
    /// The host with port, as a destination.
    public var host: String { "127.0.0.1:\(port)" }

    /// Everything received so far.
    public var received: [Received] { state.withLock { $0.received } }

    /// Answers the next requests with `replies`, in order.
    public func script(_ replies: [Reply]) { state.withLock { $0.script += replies } }

    /// Answers every request without a scripted reply with `reply` (default 202).
    public func answer(_ reply: Reply) { state.withLock { $0.fallback = reply } }

    /// Answers with `responder`'s reply when it gives one (a feed server, a subscriber echoing a
    /// challenge), else as scripted.
    public func respond(with responder: @escaping @Sendable (Received) -> Reply?) { self.responder.withLock { $0 = Responder(reply: responder) } }

    /// Makes every answer wait `delay` (a slow destination).
    public func delay(_ delay: Duration) { replyDelay.withLock { $0 = delay } }

    /// Runs `count` sinks for the duration of `body`.
    public static func runMany<T: Sendable>(_ count: Int, _ body: ([LoopbackSink]) async throws -> T) async throws -> T {
        func nest(_ sinks: [LoopbackSink]) async throws -> T {
            if sinks.count == count { return try await body(sinks) }
            return try await run { sink in try await nest(sinks + [sink]) }
        }
        return try await nest([])
    }

    /// Waits until at least `count` requests arrived, up to `timeout`.
    @discardableResult
    public func waitFor(_ count: Int, timeout: Duration = .seconds(30)) async throws -> [Received] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let received = self.received
            if received.count >= count { return received }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestSetupError("the sink got \(received.count) requests, expected \(count)")
    }

    func handle(_ request: Request, context: some RequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: 16 * 1024 * 1024)
        let delay = replyDelay.withLock { $0 }
        if delay > .zero { try await Task.sleep(for: delay) }
        let received = Received(method: request.method.rawValue, path: request.uri.path, query: request.uri.query,
                                headers: request.headers.map { ($0.name.canonicalName, $0.value) }, body: Data(body.readableBytesView))
        let dynamic = responder.withLock { $0 }?.reply(received)
        let reply = state.withLock { state -> Reply in
            state.received.append(received)
            if let dynamic { return dynamic }
            return state.script.isEmpty ? state.fallback : state.script.removeFirst()
        }
        var headers = HTTPFields()
        for (name, value) in reply.headers { if let field = HTTPField.Name(name) { headers[field] = value } }
        return Response(status: .init(code: reply.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
    }
}

public import Logging
import Synchronization

/// Where drivers register hook handlers and the hub runs them.
///
/// Handlers run in priority order (higher first, then registration order). A handler that
/// throws is logged and isolated: its changes to the payload are discarded and the next handler
/// runs with the payload as it was.
public final class HookRegistry: Sendable {
    /// A hook handler: may change the payload in place.
    public typealias Handler<Payload> = @Sendable (inout Payload) async throws -> Void

    private struct Registration: @unchecked Sendable {
        // `handler` is a `Handler<Payload>` for the hook's payload type, stored type-erased;
        // `run` casts it back with the same type, so the cast cannot fail.
        let name: String
        let priority: Int
        let order: Int
        let handler: Any
    }

    private let registrations = Mutex<[String: [Registration]]>([:])
    private let failures = Mutex<[String: Int]>([:])
    private let logger: Logger

    public init(logger: Logger) { self.logger = logger }

    /// Registers `handler` for `point`; `name` identifies it in logs (usually the driver's name).
    public func register<Payload>(_ point: HookPoint<Payload>, name: String, priority: Int = 0, _ handler: @escaping Handler<Payload>) {
        registrations.withLock { all in
            let order = all[point.name, default: []].count
            all[point.name, default: []].append(Registration(name: name, priority: priority, order: order, handler: handler))
            all[point.name]!.sort { ($0.priority, -$0.order) > ($1.priority, -$1.order) }
        }
    }

    /// Runs every handler of `point` on `payload` and returns the payload as they left it.
    public func run<Payload>(_ point: HookPoint<Payload>, _ payload: Payload) async -> Payload {
        let handlers = registrations.withLock { $0[point.name] ?? [] }
        var current = payload
        for registration in handlers {
            guard let handler = registration.handler as? Handler<Payload> else { continue }
            var attempt = current
            do {
                try await handler(&attempt)
                current = attempt
            } catch {
                failures.withLock { $0["\(point.name)/\(registration.name)", default: 0] += 1 }
                logger.error("hook handler failed", metadata: [
                    "hook.point": "\(point.name)", "hook.handler": "\(registration.name)", "error": "\(error)",
                ])
            }
        }
        return current
    }

    /// The names of the handlers registered for `point`, in the order they run.
    public func handlerNames<Payload>(_ point: HookPoint<Payload>) -> [String] {
        registrations.withLock { ($0[point.name] ?? []).map(\.name) }
    }

    /// How often each `point/handler` pair failed since start.
    public var failureCounts: [String: Int] { failures.withLock { $0 } }
}

import Foundation
import JunctionCore
import Logging
import ServiceLifecycle

/// The background service of `junction serve` that polls followed feeds when they are due.
///
/// The feed list is re-read at least every ``recheck`` so that follows made by another process
/// (the command line) are picked up within that time.
struct FeedPollerService: Service {
    let poller: FeedPoller
    let logger: Logger
    /// The longest sleep between two looks at the feed list.
    var recheck: Duration = .seconds(30)

    func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let now = Date()
            var sleep = recheck
            do {
                let (_, nextDue) = try await poller.pollDue(now: now)
                if let nextDue {
                    let wait = max(0, min(nextDue.timeIntervalSince(Date()), 30))
                    sleep = .milliseconds(Int64(wait * 1000))
                }
            } catch {
                logger.error("feed polling failed", metadata: ["error": "\(error)"])
            }
            let pause = max(sleep, .milliseconds(200))
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
    }
}

import Foundation
import JunctionCore
import Logging
import ServiceLifecycle

/// Runs ``WebSubDistributor/sweep(now:)`` every ``interval``: catches up on distributions a crash
/// interrupted or another process's posts, and drops expired subscriptions.
struct WebSubSweepService: Service {
    let distributor: WebSubDistributor
    let logger: Logger
    var interval: Duration = .seconds(30)

    func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                try await distributor.sweep()
            } catch {
                logger.error("WebSub sweep failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}

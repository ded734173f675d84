import Foundation

/// Runs `work`, which keeps its thread busy for a long while (password hashing takes a tenth of
/// a second and 64 MiB), on a thread of its own, so that none of Swift concurrency's few
/// cooperative threads (one per core) is held up by it meanwhile. At most one such job per core
/// runs at once; the rest wait their turn, so a flood of logins costs time, not memory.
func runBlocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        blockingWork.addOperation {
            continuation.resume(with: Result { try work() })
        }
    }
}

private let blockingWork: OperationQueue = {
    let queue = OperationQueue()
    queue.name = "junction.blocking-work"
    queue.maxConcurrentOperationCount = max(1, ProcessInfo.processInfo.activeProcessorCount)
    return queue
}()

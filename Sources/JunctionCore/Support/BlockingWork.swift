import Dispatch

/// Runs `work`, which keeps its thread busy for a long while (password hashing takes a tenth of
/// a second and 64 MiB), on a Dispatch thread, so that none of Swift concurrency's few
/// cooperative threads (one per core) is held up by it meanwhile.
func runBlocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try work() })
        }
    }
}

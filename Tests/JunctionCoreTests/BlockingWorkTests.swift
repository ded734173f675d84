import Foundation
@testable import JunctionCore
import Synchronization
import Testing

@Suite("Blocking work")
struct BlockingWorkTests {
    @Test("runs off the cooperative threads, at most one job per core at once, and passes results and errors back")
    func boundedAndFaithful() async throws {
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let running = Running()
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for job in 0..<(cores * 3) {
                group.addTask {
                    try await runBlocking {
                        running.state.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
                        Thread.sleep(forTimeInterval: 0.2)
                        running.state.withLock { $0.now -= 1 }
                        return job
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.sorted() == Array(0..<(cores * 3)))
        #expect(running.state.withLock { $0.most } == cores)
        struct Failed: Error {}
        await #expect(throws: Failed.self) { try await runBlocking { () throws -> Int in throw Failed() } }
    }

    /// Jobs running now, and the most at once.
    final class Running: Sendable {
        let state = Mutex((now: 0, most: 0))
    }
}

import ServiceLifecycle
import Synchronization

/// The registration state behind a lock.
final class SynchronizedState: Sendable {
    struct Contents: @unchecked Sendable {
        // Holds only Sendable values (`any QueueDriver`, `any Service`); the existential
        // array of `Service` is not itself marked Sendable by ServiceLifecycle.
        var queueDrivers: [String: any QueueDriver] = [:]
        var services: [any Service] = []
    }

    private let contents = Mutex(Contents())

    func mutate(_ body: (inout Contents) -> Void) { contents.withLock { body(&$0) } }
    func read<T>(_ body: (Contents) -> T) -> T { contents.withLock { body($0) } }
}


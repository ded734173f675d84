import JunctionCore
import Logging
import NIOPosix
import Synchronization

/// Moves committed pages from the write-ahead log into the database file in the background.
///
/// SQLite does this itself inside whichever commit finds the log past 1,000 pages, and a
/// checkpoint syncs the disk twice: milliseconds during which every other user of the store's
/// one connection waits. Here that commit only signals, and a second connection of the
/// checkpointer's own runs a passive checkpoint on NIO's blocking-I/O pool, beside the writers
/// and never holding them up. The log's pages reach the disk at each checkpoint, as they did.
final class SQLiteCheckpointer: Sendable {
    /// The log's length, in pages, that starts a checkpoint (SQLite's own default).
    static let pages = 1000
    /// The log's length at which the committing connection checkpoints it itself: the
    /// checkpointer copies what was committed when it started, and writers that never pause
    /// would keep the log from ever being started again.
    static let limit = 10 * pages

    private let connection: SQLiteConnection
    private let wake = WakeSignal()
    private let worker = Mutex<Task<Void, Never>?>(nil)

    /// Opens the checkpointer's connection to the database file at `path` and starts it.
    init(path: String, logger: Logger) throws(SQLiteError) {
        connection = try SQLiteConnection(path: path, busyTimeout: .zero)
        let (connection, wake) = (connection, wake)
        worker.withLock {
            $0 = Task.detached {
                while !Task.isCancelled {
                    await wake.wait(timeout: .seconds(3600))
                    guard !Task.isCancelled else { break }
                    do {
                        try await NIOThreadPool.singleton.runIfActive { try connection.checkpoint() }
                    } catch {
                        logger.warning("SQLite checkpoint failed; the next one tries again", metadata: ["error": "\(error)"])
                    }
                }
            }
        }
    }

    /// Called after each commit with the log's length.
    func committed(walPages: Int) {
        if walPages >= Self.pages { wake.signal() }
    }

    /// Stops the checkpointer and closes its connection, after a checkpoint under way ends.
    func stop() async {
        let task = worker.withLock { task in
            defer { task = nil }
            return task
        }
        task?.cancel()
        wake.signal()
        await task?.value
        connection.close()
    }
}

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
    /// The pages added to the log that start a checkpoint (SQLite's own default length).
    static let pages = 1000
    /// The log's length at which the committing connection checkpoints it itself: the
    /// checkpointer copies what was committed when it started, and writers that never pause
    /// would keep the log from ever being started again.
    static let limit = 10 * pages

    private let connection: SQLiteConnection
    private let wake = WakeSignal()
    private let worker = Mutex<Task<Void, Never>?>(nil)
    private let schedule = Schedule()

    /// Opens the checkpointer's connection to the database file at `path` and starts it.
    init(path: String, logger: Logger) throws(SQLiteError) {
        connection = try SQLiteConnection(path: path, busyTimeout: .zero)
        let (connection, wake, schedule) = (connection, wake, schedule)
        worker.withLock {
            $0 = Task.detached {
                while !Task.isCancelled {
                    await wake.wait(timeout: .seconds(3600))
                    guard !Task.isCancelled else { break }
                    // A wake-up can be left over from an earlier signal: only an asked-for
                    // checkpoint runs.
                    guard schedule.take() else { continue }
                    do {
                        try await NIOThreadPool.singleton.runIfActive { try connection.checkpoint() }
                    } catch {
                        logger.warning("SQLite checkpoint failed; the next one tries again", metadata: ["error": "\(error)"])
                    }
                }
            }
        }
    }

    /// Called after each commit with the log's length. A checkpoint is asked for once the log
    /// grew by ``pages`` since the last one: a log that is never quite caught up with (writers
    /// append while a checkpoint copies) stays long, and asking at every commit past its first
    /// thousand pages would copy a few pages and sync the disk twice for each.
    func committed(walPages: Int) {
        if schedule.isDue(walPages: walPages) { wake.signal() }
    }

    /// When a checkpoint is due: each time the log grew by ``pages`` since the last one.
    final class Schedule: Sendable {
        /// The log's length when the last checkpoint was asked for, and whether that one has
        /// not started yet.
        private let state = Mutex((askedAt: 0, asked: false))

        /// Whether a commit that left the log `walPages` long asks for a checkpoint.
        func isDue(walPages: Int) -> Bool {
            state.withLock { state in
                // A shorter log than at the last checkpoint was started again.
                if walPages < state.askedAt { state.askedAt = 0 }
                guard walPages >= state.askedAt + SQLiteCheckpointer.pages else { return false }
                state = (walPages, true)
                return true
            }
        }

        /// Whether a checkpoint was asked for since the last call; the checkpoint starts.
        func take() -> Bool {
            state.withLock { state in
                defer { state.asked = false }
                return state.asked
            }
        }
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

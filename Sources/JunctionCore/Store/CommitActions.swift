/// Work a session defers until its transaction has committed.
public protocol CommitActions: Sendable {
    /// Runs `action` once the session's transaction has committed (at once in a session without
    /// one, ``Store/read(_:)``); never when it rolls back. For effects outside the database that
    /// must not run for changes that were never stored, such as handing queued entries to the
    /// runner.
    func afterCommit(_ action: @escaping @Sendable () -> Void)
}

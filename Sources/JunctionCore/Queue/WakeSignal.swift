import Synchronization

/// Lets one waiter sleep until another task signals, or a timeout passes.
public final class WakeSignal: Sendable {
    public init() {}

    private struct State {
        var signalled = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Wakes the waiter, or the next one to wait.
    public func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.signalled = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns after a signal or after `timeout`, whichever comes first.
    public func wait(timeout: Duration) async {
        // A signal already given is taken without setting up the timeout: a busy runner is
        // signalled by every finished delivery.
        let signalled = state.withLock { state in
            defer { state.signalled = false }
            return state.signalled
        }
        if signalled { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // Signal on timeout and on cancellation alike, so the waiter below always returns
                // (a wake-up left over after a real signal only costs one extra loop).
                try? await Task.sleep(for: timeout)
                self.signal()
            }
            await withCheckedContinuation { continuation in
                let now = state.withLock { state -> Bool in
                    if state.signalled {
                        state.signalled = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if now { continuation.resume() }
            }
            group.cancelAll()
        }
    }
}

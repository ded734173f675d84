import Foundation
import JunctionStore
import JunctionTesting

/// What a finished `junction` run printed.
struct CommandResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// A hub's data directory and database for one test, and a way to run commands against it.
struct TestHub {
    let dataDirectory: String
    let database: String

    static func make(_ backend: TestBackend) async throws -> TestHub {
        let directory = try TemporaryDirectory.make(prefix: "junction-cli")
        let database = backend == .sqlite ? "sqlite:\(directory)/junction.sqlite" : try await backend.makeDatabase().rawText
        return TestHub(dataDirectory: directory, database: database)
    }

    /// The flags that point a command at this hub.
    var flags: [String] { ["--data-dir", dataDirectory, "--database", database] }

    /// Runs `junction ARGS… <flags>` to completion.
    func run(_ arguments: [String], stdin: String? = nil) async throws -> CommandResult {
        try await runJunction(arguments + flags, stdin: stdin)
    }
}

/// Runs the binary to completion with a clean `JUNCTION_*`-free environment, on a thread of its
/// own: a command that waits (a lookup timing out) never holds one of the test pool's threads.
func runJunction(_ arguments: [String], stdin: String? = nil) async throws -> CommandResult {
    let result = try await ExternalProcess.run(junctionBinary, arguments, input: Data((stdin ?? "").utf8),
                                               environment: ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("JUNCTION_") },
                                               separateErrors: true)
    return CommandResult(status: result.status, stdout: result.text, stderr: String(decoding: result.errors, as: UTF8.self))
}

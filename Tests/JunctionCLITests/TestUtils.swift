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
    func run(_ arguments: [String], stdin: String? = nil) throws -> CommandResult {
        try runJunction(arguments + flags, stdin: stdin)
    }
}

/// Runs the binary to completion with a clean `JUNCTION_*`-free environment.
func runJunction(_ arguments: [String], stdin: String? = nil) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: junctionBinary)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("JUNCTION_") }
    let output = Pipe(), errors = Pipe(), input = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                         stderr: String(decoding: err, as: UTF8.self))
}

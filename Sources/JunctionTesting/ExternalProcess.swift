public import Foundation

/// Runs a program to completion on its own thread, never on Swift's cooperative pool, so a long
/// external run (Python feedparser, the corpus runner) cannot starve the tests running beside it.
public enum ExternalProcess {
    /// What a program printed (standard output and error together) and its exit status.
    public struct Result: Sendable {
        public let status: Int32
        public let output: Data
        public var text: String { String(decoding: output, as: UTF8.self) }
    }

    /// Runs `executable` with `arguments`, feeding it `input` on standard input.
    public static func run(_ executable: String, _ arguments: [String], directory: URL? = nil, input: Data = Data()) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: executable)
                    process.arguments = arguments
                    if let directory { process.currentDirectoryURL = directory }
                    let stdin = Pipe()
                    let stdout = Pipe()
                    process.standardInput = stdin
                    process.standardOutput = stdout
                    process.standardError = stdout
                    try process.run()
                    stdin.fileHandleForWriting.write(input)
                    try stdin.fileHandleForWriting.close()
                    let output = stdout.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    continuation.resume(returning: Result(status: process.terminationStatus, output: output))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.start()
        }
    }
}

public import Foundation

/// Runs a program to completion on its own thread, never on Swift's cooperative pool, so a long
/// external run (Python feedparser, the corpus runner) cannot starve the tests running beside it.
public enum ExternalProcess {
    /// What a program printed and its exit status.
    public struct Result: Sendable {
        public let status: Int32
        /// Standard output, with standard error unless it was asked for apart.
        public let output: Data
        /// Standard error, when it was asked for apart.
        public let errors: Data
        public var text: String { String(decoding: output, as: UTF8.self) }
    }

    /// Runs `executable` with `arguments`, feeding it `input` on standard input; `environment`
    /// replaces the inherited one when given.
    public static func run(_ executable: String, _ arguments: [String], directory: URL? = nil, input: Data = Data(),
                           environment: [String: String]? = nil, separateErrors: Bool = false) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: executable)
                    process.arguments = arguments
                    if let directory { process.currentDirectoryURL = directory }
                    if let environment { process.environment = environment }
                    let stdin = Pipe()
                    let stdout = Pipe()
                    let stderr = separateErrors ? Pipe() : stdout
                    process.standardInput = stdin
                    process.standardOutput = stdout
                    process.standardError = stderr
                    try process.run()
                    stdin.fileHandleForWriting.write(input)
                    try stdin.fileHandleForWriting.close()
                    let output = stdout.fileHandleForReading.readDataToEndOfFile()
                    let errors = separateErrors ? stderr.fileHandleForReading.readDataToEndOfFile() : Data()
                    process.waitUntilExit()
                    continuation.resume(returning: Result(status: process.terminationStatus, output: output, errors: errors))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.start()
        }
    }
}

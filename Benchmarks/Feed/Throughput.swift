import BenchmarkSupport
import Foundation
import JunctionRSS

/// One parser over one dataset: a warm-up round (untimed; it counts the items), then whole
/// rounds until at least the minimum CPU time has passed (CPU time, so that other work on a
/// shared machine does not count against either side). feedparser's side reports the same shape
/// (scripts/feedparser-bench.py).
struct Throughput: Decodable {
    var files: Int
    var bytes: Int
    /// Entries found in one round.
    var items: Int
    var rounds: Int
    /// CPU seconds of the timed rounds.
    var seconds: Double
    /// Peak resident set of the measuring process over the warm-up and timed rounds.
    var peakMB: Double

    var megabytesPerSecond: Double { Double(bytes * rounds) / 1_048_576 / seconds }
    var itemsPerSecond: Double { Double(items * rounds) / seconds }

    /// Junction's `FeedParser` over `dataset`.
    static func junction(_ dataset: Dataset, minimumSeconds: Double) throws -> Throughput {
        let documents = try dataset.load()
        PeakMemory.reset()
        let items = documents.reduce(0) { $0 + FeedParser.parse($1.data, transport: $1.transport).entries.count }
        var rounds = 0
        var parsed = 0
        let start = ProcessorTime.seconds()
        repeat {
            for document in documents { parsed += FeedParser.parse(document.data, transport: document.transport).entries.count }
            rounds += 1
        } while ProcessorTime.seconds() - start < minimumSeconds
        let seconds = ProcessorTime.seconds() - start
        guard parsed == items * rounds else { throw BenchmarkError("\(dataset.name): the parser found different entries in different rounds") }
        return Throughput(files: documents.count, bytes: documents.reduce(0) { $0 + $1.data.count }, items: items,
                          rounds: rounds, seconds: seconds, peakMB: PeakMemory.megabytes())
    }

    /// feedparser over every dataset in `manifest`, in one `python` process.
    static func feedparser(python: String, script: URL, manifest: URL) throws -> [String: Throughput] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script.path, manifest.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchmarkError("\(script.lastPathComponent) exited with \(process.terminationStatus)") }
        return try JSONDecoder().decode([String: Throughput].self, from: data)
    }
}

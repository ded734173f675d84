import Foundation
import JunctionTesting
import Testing

/// feedparser's test corpus (`shared/corpus/feedparser`) through `junction feed parse`: the
/// runner evaluates every mappable `Expect:` line and fails when a folder drops below the
/// figures recorded in `docs/protocols/rss-corpus.json` or the total below 95 %.
@Suite("feedparser corpus")
struct CorpusTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("the mappable expectations pass at or above the recorded figures")
    func corpusCheck() async throws {
        let corpus = SharedData.root.appendingPathComponent("corpus/feedparser").path
        try #require(FileManager.default.fileExists(atPath: corpus), "the corpus is missing: \(corpus)")
        let result = try await ExternalProcess.run("/usr/bin/env", [
            "python3", "scripts/feedparser-expect.py", "--corpus", corpus, "--command", "\(junctionBinary) feed parse",
            "--batch", "--check", "docs/protocols/rss-corpus.json", "--show-failures", "0",
        ], directory: Self.repository)
        #expect(result.status == 0, "\(result.text)")
    }
}

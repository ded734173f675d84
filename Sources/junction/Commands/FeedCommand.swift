import ArgumentParser
import Foundation
import JunctionRSS

/// `junction feed …`: feed tools that need no database.
struct FeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed",
        abstract: "Feed tools (no hub needed).",
        subcommands: [FeedParse.self]
    )
}

/// `junction feed parse FILE --json`: parses a feed file and prints the result in feedparser's shape.
struct FeedParse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse feed files (RSS, RDF, Atom, JSON Feed) and print what was read."
    )

    @Flag(help: "Print feedparser 6.0's result shape as JSON.")
    var json = false

    @Flag(help: "Parse every FILE and print one JSON object keyed by FILE.")
    var batch = false

    @Option(help: "The HTTP Content-Type the document came with.")
    var contentType: String?

    @Option(help: "The URL the document came from (the base for relative links).")
    var url: String?

    @Option(help: "An HTTP response header, 'Name: value' (Content-Location, Content-Language).")
    var header: [String] = []

    @Argument(help: "Feed files.")
    var files: [String]

    func validate() throws {
        if !batch, files.count != 1 { throw ValidationError("give one FILE, or --batch") }
    }

    func run() throws {
        var transport = FeedTransport(contentType: contentType, url: url)
        for line in header {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { throw ValidationError("a header is 'Name: value'") }
            switch parts[0].lowercased() {
            case "content-location": transport.contentLocation = parts[1]
            case "content-language": transport.contentLanguage = parts[1]
            case "content-type": transport.contentType = parts[1]
            default: continue
            }
        }
        var results: [String: Any] = [:]
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            let feed = FeedParser.parse(data, transport: transport)
            results[file] = json ? feed.feedparserObject() : summary(of: feed)
        }
        let output: Any = batch ? results : results[files[0]] ?? [:]
        if json || batch {
            let data = try JSONSerialization.data(withJSONObject: output, options: [.sortedKeys, .withoutEscapingSlashes])
            FileHandle.standardOutput.write(data)
            FileHandle.standardOutput.write(Data("\n".utf8))
        } else if let lines = output as? [String] {
            print(lines.joined(separator: "\n"))
        }
    }

    private func summary(of feed: ParsedFeed) -> [String] {
        var lines = ["version   \(feed.version.isEmpty ? "unknown" : feed.version)", "encoding  \(feed.encoding)"]
        if let problem = feed.problem { lines.append("problem   \(problem)") }
        if let title = feed.title?.value { lines.append("title     \(title)") }
        if let link = feed.link { lines.append("link      \(link)") }
        lines.append("entries   \(feed.entries.count)")
        for entry in feed.entries {
            lines.append("- \(entry.title?.value ?? "(untitled)")  \(entry.link ?? "")  \(entry.stableID)")
        }
        return lines
    }
}

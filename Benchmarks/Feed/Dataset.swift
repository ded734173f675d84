import Foundation
import JunctionRSS

/// A named set of feed files, each with the HTTP response headers it is parsed with. Both parsers
/// get the same bytes and the same headers (`Content-Type`, `Content-Location`,
/// `Content-Language`, as `FeedTransport` and feedparser's `response_headers`).
struct Dataset: Encodable {
    struct File: Encodable {
        var path: String
        var headers: [String: String]
    }

    var name: String
    var files: [File]

    /// The response headers both parsers understand, by their lower-case names.
    static let headerNames: Set<String> = ["content-type", "content-location", "content-language"]

    /// Every `.xml` file under `folder`, with the headers its `Header:` comment lines give
    /// (feedparser's corpus convention: `Header: Content-type: application/atom+xml`).
    static func corpus(_ folder: URL) throws -> Dataset {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else {
            throw BenchmarkError("cannot read the corpus at \(folder.path)")
        }
        let paths = walker.compactMap { ($0 as? URL)?.path }.filter { $0.hasSuffix(".xml") }.sorted()
        guard !paths.isEmpty else { throw BenchmarkError("no .xml files in \(folder.path)") }
        return Dataset(name: "corpus", files: try paths.map { path in
            File(path: path, headers: headerHints(in: try Data(contentsOf: URL(fileURLWithPath: path))))
        })
    }

    static func headerHints(in data: Data) -> [String: String] {
        var headers: [String: String] = [:]
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) where line.hasPrefix("Header:") {
            let header = line.dropFirst("Header:".count).split(separator: ":", maxSplits: 1)
            guard header.count == 2 else { continue }
            let name = header[0].trimmingCharacters(in: .whitespaces).lowercased()
            if headerNames.contains(name) { headers[name] = header[1].trimmingCharacters(in: .whitespaces) }
        }
        return headers
    }

    /// The files' bytes with their transport, read into memory for timing.
    func load() throws -> [(data: Data, transport: FeedTransport)] {
        try files.map { file in
            (try Data(contentsOf: URL(fileURLWithPath: file.path)),
             FeedTransport(contentType: file.headers["content-type"], contentLocation: file.headers["content-location"],
                           contentLanguage: file.headers["content-language"]))
        }
    }
}

/// What stops the benchmark (missing data, a failed baseline run); not missing the target.
struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

import AsyncHTTPClient
import Foundation
import JunctionCore
import JunctionServer
import JunctionTesting
import Testing

/// Outbound GETs with the hub's limits, against loopback servers.
@Suite("HTTP fetcher", .timeLimit(.minutes(1)))
struct HTTPFetcherTests {
    static func withFetcher(allowPrivate: Bool = true, _ body: (HTTPFetcher) async throws -> Void) async throws {
        let client = HTTPClient(configuration: HTTPFetcher.clientConfiguration)
        do {
            try await body(HTTPFetcher(client: client, allowPrivateNetwork: allowPrivate))
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    @Test("redirects are followed and permanent ones reported; too many end in a clear error")
    func redirects() async throws {
        try await LoopbackSink.run { sink in
            try await Self.withFetcher { fetcher in
                sink.script([.init(status: 301, headers: ["Location": "/moved"]), .init(status: 302, headers: ["Location": "\(sink.url)/final"]),
                             .init(status: 200, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Data("hello".utf8))])
                let response = try await fetcher.fetch(FetchRequest(url: URL(string: "\(sink.url)/start")!, accept: "text/plain"))
                #expect(response.status == 200 && response.body == Data("hello".utf8) && response.mediaType == "text/plain")
                #expect(response.url.path == "/final" && response.permanentRedirects.map(\.path) == ["/moved"])
                #expect(sink.received.map(\.path) == ["/start", "/moved", "/final"])
                #expect(sink.received.first?.headers.contains { $0.name.lowercased() == "accept" && $0.value == "text/plain" } == true)

                sink.answer(.init(status: 302, headers: ["Location": "/again"]))
                await #expect(throws: FetchError(.tooManyRedirects, "\(sink.url)/loop redirects more than 3 times")) {
                    try await fetcher.fetch(FetchRequest(url: URL(string: "\(sink.url)/loop")!, maximumRedirects: 3))
                }
            }
        }
    }

    @Test("bodies above the cap, slow answers and unknown hosts end in clear errors")
    func limits() async throws {
        try await LoopbackSink.run { sink in
            try await Self.withFetcher { fetcher in
                sink.script([.init(status: 200, body: Data(repeating: 65, count: 100_000))])
                await #expect { try await fetcher.fetch(FetchRequest(url: URL(string: "\(sink.url)/big")!, maximumBytes: 10_000)) } throws: {
                    ($0 as? FetchError)?.kind == .tooLarge
                }
                sink.delay(.seconds(30))
                let started = ContinuousClock.now
                await #expect { try await fetcher.fetch(FetchRequest(url: URL(string: "\(sink.url)/slow")!, timeout: .milliseconds(300))) } throws: {
                    ($0 as? FetchError)?.kind == .timedOut
                }
                #expect(ContinuousClock.now - started < .seconds(10))
                await #expect { try await fetcher.fetch(FetchRequest(url: URL(string: "http://no-such-host.invalid/")!, timeout: .seconds(3))) } throws: {
                    [.unknownHost, .connectionFailed, .timedOut].contains(($0 as? FetchError)?.kind)
                }
                await #expect { try await fetcher.fetch(FetchRequest(url: URL(string: "ftp://example.com/")!)) } throws: {
                    ($0 as? FetchError)?.kind == .invalidURL
                }
            }
        }
    }

    @Test("loopback and private destinations are refused unless allowed, on every redirect hop")
    func privateNetworkGuard() async throws {
        try await LoopbackSink.run { sink in
            try await Self.withFetcher(allowPrivate: false) { fetcher in
                for url in ["\(sink.url)/x", "http://localhost:\(sink.port)/", "http://[::1]:\(sink.port)/", "http://10.1.2.3/", "http://169.254.169.254/latest"] {
                    await #expect { try await fetcher.fetch(FetchRequest(url: URL(string: url)!)) } throws: {
                        ($0 as? FetchError)?.kind == .privateAddress
                    }
                }
                #expect(sink.received.isEmpty)
            }
        }
    }
}

// The durable queue against a bare HTTP loop: one item fanned out to 10,000 followers on 200
// loopback hubs (a warm-up fan-out, then several measured ones, one item each), then a
// sustained stream of items to the same audience, on SQLite and on PostgreSQL. Each figure is
// printed beside a baseline measured in the same run: a bare AsyncHTTPClient loop POSTing the
// same payloads to the same sinks with the same concurrency, warmed up and timed the same way.
//
//   swift run -c release QueueBenchmark [--hubs 200] [--followers 10000] [--rounds 5] [--stream 25] [--workers 16] [--backends sqlite,postgres]
//
// PostgreSQL needs JUNCTION_TEST_POSTGRES_URL (scripts/bench starts a throwaway server).

import AsyncHTTPClient
import BenchmarkSupport
import Foundation
import JunctionCore
import JunctionNative
import JunctionServer
import JunctionStore
import JunctionTesting
import Logging
import NIOCore
import NIOHTTP1

struct Options {
    var hubs = 200
    var followers = 10_000
    var rounds = 5
    var stream = 25
    var workers = 16
    var backends: [TestBackend] = [.sqlite, .postgres]

    init(_ arguments: [String]) throws {
        var iterator = arguments.dropFirst().makeIterator()
        while let flag = iterator.next() {
            guard let value = iterator.next() else { throw TestSetupError("\(flag) needs a value") }
            switch flag {
            case "--hubs": hubs = Int(value) ?? hubs
            case "--followers": followers = Int(value) ?? followers
            case "--rounds": rounds = max(1, Int(value) ?? rounds)
            case "--stream": stream = Int(value) ?? stream
            case "--workers": workers = Int(value) ?? workers
            case "--backends": backends = value.split(separator: ",").compactMap { TestBackend(rawValue: String($0)) }
            default: throw TestSetupError("unknown option \(flag)")
            }
        }
    }
}

/// One measured run.
struct Measurement {
    var deliveries: Int
    var seconds: Double
    var peakMB: Double
    /// Time spent in each post before the queue could send, on average (fan-out only).
    var notifierSeconds: Double? = nil
    var rate: Double { Double(deliveries) / seconds }
}

func waitForDeliveries(_ sinks: [LoopbackSink], total: Int) async throws {
    while sinks.reduce(0, { $0 + $1.received.count }) < total {
        try await Task.sleep(for: .milliseconds(5))
    }
}

typealias Request = (url: String, body: Data, contentType: String)

/// The bare baseline: after an untimed `warmUp` round, each round's payloads POSTed to their
/// sinks, `concurrency` at a time, one round after the other; the rounds' times add up.
func baseline(warmUp: [Request], rounds: [[Request]], sinks: [LoopbackSink], concurrency: Int) async throws -> Measurement {
    let client = HTTPClient(configuration: .init(timeout: .init(connect: .seconds(10), read: .seconds(30))))
    defer { _ = client.shutdown() }
    if !warmUp.isEmpty { _ = try await post(warmUp, client: client, sinks: sinks, concurrency: concurrency) }
    PeakMemory.reset()
    var seconds = 0.0
    for round in rounds {
        seconds += try await post(round, client: client, sinks: sinks, concurrency: concurrency)
    }
    return Measurement(deliveries: rounds.reduce(0) { $0 + $1.count }, seconds: seconds, peakMB: PeakMemory.megabytes())
}

/// POSTs `requests`, `concurrency` at a time, and returns the seconds until every sink has its own.
func post(_ requests: [Request], client: HTTPClient, sinks: [LoopbackSink], concurrency: Int) async throws -> Double {
    let before = sinks.reduce(0) { $0 + $1.received.count }
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        var next = 0
        func add() {
            let request = requests[next]
            next += 1
            group.addTask {
                var http = HTTPClientRequest(url: request.url)
                http.method = .POST
                http.headers.add(name: "Content-Type", value: request.contentType)
                http.body = .bytes(ByteBuffer(bytes: request.body))
                let response = try await client.execute(http, timeout: .seconds(30))
                _ = try await response.body.collect(upTo: 64 * 1024)
            }
        }
        while next < min(concurrency, requests.count) { add() }
        while try await group.next() != nil { if next < requests.count { add() } }
    }
    try await waitForDeliveries(sinks, total: before + requests.count)
    return (ContinuousClock.now - start).seconds
}

/// Builds the audience: `followers` connections spread over the sinks' hubs.
func seed(_ store: any Store, sinks: [LoopbackSink], followers: Int) async throws -> JunctionCore.Channel {
    _ = try await store.createAccount(email: "bench@example.com", password: "benchmark-password")
    let channel = try await store.createChannel(handle: "bench", accountEmail: "bench@example.com", role: .public,
                                                domain: try HubDomain("bench.example"))
    for chunk in stride(from: 0, to: followers, by: 1000) {
        try await store.write { session in
            for index in chunk..<min(chunk + 1000, followers) {
                let sink = sinks[index % sinks.count]
                let hash = "follower-\(index)"
                try await session.upsertXChan(XChan(hash: hash, address: "f\(index)@\(sink.host)", name: hash, network: XChan.localNetwork))
                try await session.upsertHubLoc(HubLoc(xchanHash: hash, network: XChan.localNetwork, host: sink.host, endpoint: "\(sink.url)/inbox"))
                _ = try await session.insertABook(ABook(channelID: channel.id, xchanHash: hash,
                                                        myPermissions: ConnectionRole.follower.permissions, role: .follower))
            }
        }
    }
    return channel
}

func run(_ backend: TestBackend, options: Options, sinks: [LoopbackSink], logger: Logger) async throws -> [(String, Measurement, Measurement)] {
    try await withTestStore(backend) { store, url in
        let channel = try await seed(store, sinks: sinks, followers: options.followers)
        let configuration = try await HubConfiguration.load(
            flags: ["database.url": url.rawText, "hub.domain": "bench.example", "federation.allowPrivateNetwork": "true",
                    "queue.workers": String(options.workers)],
            configFile: nil, environment: [:])
        return try await HubRuntime.with(configuration: configuration, store: store, drivers: [NativeDriver()], logger: logger) { runtime in
            let runner = Task { try await runtime.runner.run() }
            defer { runner.cancel() }
            var results: [(String, Measurement, Measurement)] = []

            // One item to every follower, a round at a time: the queue's rate counts from the
            // moment the post returns (its entries are queued) to the last delivery; the
            // notifier's time (audience, entries) is reported beside it. The first round warms up
            // (connections, the kept audience) and is reported on its own line, untimed in the table.
            var warmUp: [Request] = []
            var rounds: [[Request]] = []
            var queueSeconds = 0.0
            var notifierSeconds = 0.0
            for round in 0...options.rounds {
                let before = sinks.reduce(0) { $0 + $1.received.count }
                if round == 1 { PeakMemory.reset() }
                let start = ContinuousClock.now
                _ = try await runtime.items.post(LocalPost(channelID: channel.id, body: "item \(round) to \(options.followers) followers"))
                let queued = ContinuousClock.now
                try await waitForDeliveries(sinks, total: before + sinks.count)
                let sent = ContinuousClock.now
                if round == 0 {
                    warmUp = captured(sinks, last: 1)
                    print(String(format: "%@ warm-up fan-out: notifier %.0f ms, %d deliveries in %.0f ms", backend.rawValue,
                                 (queued - start).seconds * 1000, sinks.count, (sent - queued).seconds * 1000))
                } else {
                    rounds.append(captured(sinks, last: 1))
                    queueSeconds += (sent - queued).seconds
                    notifierSeconds += (queued - start).seconds
                }
            }
            let fanOut = Measurement(deliveries: options.rounds * sinks.count, seconds: queueSeconds, peakMB: PeakMemory.megabytes(),
                                     notifierSeconds: notifierSeconds / Double(options.rounds))
            results.append(("fan-out: 1 item → \(options.followers) followers on \(sinks.count) hubs, × \(options.rounds)", fanOut,
                            try await baseline(warmUp: warmUp, rounds: rounds, sinks: sinks, concurrency: options.workers)))

            // A sustained stream: items posted back to back while the queue sends.
            let before = sinks.reduce(0) { $0 + $1.received.count }
            PeakMemory.reset()
            let start = ContinuousClock.now
            for index in 0..<options.stream {
                _ = try await runtime.items.post(LocalPost(channelID: channel.id, body: "stream item \(index)"))
            }
            let total = options.stream * sinks.count
            try await waitForDeliveries(sinks, total: before + total)
            let stream = Measurement(deliveries: total, seconds: (ContinuousClock.now - start).seconds, peakMB: PeakMemory.megabytes())
            results.append(("stream: \(options.stream) items × \(sinks.count) hubs", stream,
                            try await baseline(warmUp: [], rounds: [captured(sinks, last: options.stream)], sinks: sinks,
                                               concurrency: options.workers)))
            return results
        }
    }
}

/// The payloads each sink received for the last `count` items, as the baseline resends them.
func captured(_ sinks: [LoopbackSink], last count: Int) -> [Request] {
    sinks.flatMap { sink in
        sink.received.suffix(count).map { (url: "\(sink.url)\($0.path)", body: $0.body, contentType: "application/activity+json") }
    }
}

let options = try Options(CommandLine.arguments)
var logger = Logger(label: "junction.bench")
logger.logLevel = .error
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = .error
    return handler
}
print("Queue benchmark: \(options.hubs) loopback hubs, \(options.followers) followers, \(options.rounds) fan-out rounds after a warm-up, \(options.stream)-item stream, \(options.workers) workers")
print("Baseline: a bare AsyncHTTPClient loop POSTing the same payloads to the same sinks with the same concurrency.")
print("")
let header = ["backend", "scenario", "deliveries", "queue/s", "baseline/s", "ratio", "notifier ms per post", "ratio with notifier",
              "queue peak MB", "baseline peak MB"]
var rows: [[String]] = []
try await LoopbackSink.runMany(options.hubs) { sinks in
    for backend in options.backends {
        if backend == .postgres, ProcessInfo.processInfo.environment["JUNCTION_TEST_POSTGRES_URL"] == nil {
            print("postgres: skipped (JUNCTION_TEST_POSTGRES_URL is not set; scripts/bench starts a server)")
            continue
        }
        for (scenario, queue, bare) in try await run(backend, options: options, sinks: sinks, logger: logger) {
            let notifier = queue.notifierSeconds.map { String(format: "%.0f", $0 * 1000) } ?? "(in the rate)"
            let rounds = Double(queue.deliveries / options.hubs)
            let withNotifier = queue.notifierSeconds.map {
                String(format: "%.2f", Double(queue.deliveries) / (queue.seconds + $0 * rounds) / bare.rate)
            } ?? String(format: "%.2f", queue.rate / bare.rate)
            rows.append([backend.rawValue, scenario, "\(queue.deliveries)", String(format: "%.0f", queue.rate),
                         String(format: "%.0f", bare.rate), String(format: "%.2f", queue.rate / bare.rate), notifier, withNotifier,
                         String(format: "%.0f", queue.peakMB), String(format: "%.0f", bare.peakMB)])
        }
    }
}
printTable(header: header, rows: rows)

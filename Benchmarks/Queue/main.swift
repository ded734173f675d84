// The durable queue against a bare HTTP loop: one item fanned out to 10,000 followers on 200
// loopback hubs (a warm-up fan-out, then several measured ones, one item each), then a
// sustained stream of items to the same audience, on SQLite and on PostgreSQL. Each figure is
// printed beside a baseline measured in the same run: a bare AsyncHTTPClient loop resending the
// requests the sinks received to the same sinks with the same concurrency, each round and each
// stream run straight after the queue's.
//
//   swift run -c release QueueBenchmark [--hubs 200] [--followers 10000] [--rounds 20] [--stream 25] [--stream-runs 3]
//                                       [--workers 16] [--backends sqlite,postgres]
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
import Synchronization

struct Options {
    var hubs = 200
    var followers = 10_000
    var rounds = 20
    var stream = 25
    var streamRuns = 3
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
            case "--stream-runs": streamRuns = max(1, Int(value) ?? streamRuns)
            case "--workers": workers = Int(value) ?? workers
            case "--backends": backends = value.split(separator: ",").compactMap { TestBackend(rawValue: String($0)) }
            default: throw TestSetupError("unknown option \(flag)")
            }
        }
    }
}

/// Counts the requests every sink receives, so that either side can wait for its last delivery
/// without polling the sinks (a poll costs both time and CPU the queue side would pay alone).
/// The count is atomic: every sink bumps it, and a lock they all took would be contended. The
/// lock is taken only once the count reaches what the waiter waits for.
final class DeliveryCounter: Sendable {
    private let received = Atomic<Int>(0)
    /// The count the waiter waits for; `Int.max` while none waits.
    private let target = Atomic<Int>(.max)
    private let waiter = Mutex<(total: Int, continuation: CheckedContinuation<Void, Never>)?>(nil)

    init(_ sinks: [LoopbackSink]) {
        for sink in sinks { sink.respond { [self] _ in arrived(); return nil } }
    }

    var count: Int { received.load(ordering: .acquiring) }

    private func arrived() {
        let count = received.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue
        if count >= target.load(ordering: .acquiring) { wakeIfDone() }
    }

    /// Resumes the waiter if its total has arrived: checked under the lock, so that a late call
    /// for an earlier total never wakes the next waiter.
    private func wakeIfDone() {
        let continuation = waiter.withLock { waiter -> CheckedContinuation<Void, Never>? in
            guard let current = waiter, count >= current.total else { return nil }
            waiter = nil
            target.store(.max, ordering: .releasing)
            return current.continuation
        }
        continuation?.resume()
    }

    /// Returns once `total` requests have arrived in all.
    func wait(for total: Int) async {
        await withCheckedContinuation { continuation in
            waiter.withLock { $0 = (total, continuation) }
            target.store(total, ordering: .releasing)
            // A request that arrived before the target was set did not look.
            wakeIfDone()
        }
    }
}

/// A request as a sink received it: its URL, header fields and body.
typealias Request = (url: String, headers: [(name: String, value: String)], body: Data)

/// The bare baseline: one AsyncHTTPClient, kept warm from one phase to the next, POSTing requests
/// to their sinks `concurrency` at a time.
struct BareLoop {
    let client = HTTPClient(configuration: .init(timeout: .init(connect: .seconds(10), read: .seconds(30))))
    let counter: DeliveryCounter
    let concurrency: Int

    /// POSTs `requests` and returns the seconds until every sink has its own.
    func send(_ requests: [Request]) async throws -> Double {
        let before = counter.count
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func add() {
                let request = requests[next]
                next += 1
                group.addTask {
                    var http = HTTPClientRequest(url: request.url)
                    http.method = .POST
                    for (name, value) in request.headers { http.headers.add(name: name, value: value) }
                    http.body = .bytes(ByteBuffer(bytes: request.body))
                    let response = try await client.execute(http, timeout: .seconds(30))
                    _ = try await response.body.collect(upTo: 64 * 1024)
                }
            }
            while next < min(concurrency, requests.count) { add() }
            while try await group.next() != nil { if next < requests.count { add() } }
        }
        await counter.wait(for: before + requests.count)
        return (ContinuousClock.now - start).seconds
    }

    func shutdown() async throws { try await client.shutdown() }
}

/// One side's figures over the measured phases.
struct Tally {
    var deliveries = 0
    var seconds = 0.0
    var peakMB = 0.0
    /// Time spent in the posts before the queue could send (fan-out only).
    var notifierSeconds = 0.0
    var posts = 0

    var rate: Double { Double(deliveries) / seconds }

    /// Adds a phase of `deliveries` that took `seconds`, with the peak memory since `PeakMemory.reset()`.
    mutating func add(_ deliveries: Int, seconds: Double) {
        self.deliveries += deliveries
        self.seconds += seconds
        peakMB = max(peakMB, PeakMemory.megabytes())
    }
}

/// The requests each sink received for the last `count` items, item by item in the order they
/// were posted, as the baseline resends them: every header field but those the client sets
/// itself (host, framing), and the body.
func captured(_ sinks: [LoopbackSink], last count: Int, counter: DeliveryCounter) async -> [Request] {
    // The counter counts a request just before its sink records it.
    while sinks.reduce(0, { $0 + $1.received.count }) < counter.count { try? await Task.sleep(for: .milliseconds(1)) }
    let setByClient: Set<String> = ["host", "content-length", "transfer-encoding", "connection"]
    let received = sinks.map { Array($0.received.suffix(count)) }
    return (0..<count).flatMap { item in
        zip(sinks, received).map { sink, received in
            (url: "\(sink.url)\(received[item].path)", headers: received[item].headers.filter { !setByClient.contains($0.name.lowercased()) },
             body: received[item].body)
        }
    }
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

/// One scenario's figures: the queue's and the baseline's.
typealias Result = (scenario: String, queue: Tally, bare: Tally)

func run(_ backend: TestBackend, options: Options, sinks: [LoopbackSink], counter: DeliveryCounter, logger: Logger) async throws -> [Result] {
    /// Both scenarios on one hub runtime, each side in turn.
    func measure(store: any Store, configuration: HubConfiguration, channel: JunctionCore.Channel, bare: BareLoop) async throws -> [Result] {
        try await HubRuntime.with(configuration: configuration, store: store, drivers: [NativeDriver()], logger: logger) { runtime in
            let runner = Task { try await runtime.runner.run() }
            defer { runner.cancel() }

            // One item to every follower, a round at a time, each round's deliveries then resent by
            // the baseline, so both sides run under the same conditions. The queue's time counts
            // from the moment the post returns (its entries are queued) to the last delivery; the
            // notifier's time (audience, entries) is reported beside it. The first round warms up
            // both sides (connections, the kept audience) and is reported on its own line.
            var queue = Tally()
            var baseline = Tally()
            for round in 0...options.rounds {
                let before = counter.count
                PeakMemory.reset()
                let start = ContinuousClock.now
                _ = try await runtime.items.post(LocalPost(channelID: channel.id, body: "item \(round) to \(options.followers) followers"))
                let queued = ContinuousClock.now
                await counter.wait(for: before + sinks.count)
                let sent = ContinuousClock.now
                if round > 0 {
                    queue.add(sinks.count, seconds: (sent - queued).seconds)
                    queue.notifierSeconds += (queued - start).seconds
                    queue.posts += 1
                }
                let requests = await captured(sinks, last: 1, counter: counter)
                PeakMemory.reset()
                let bareSeconds = try await bare.send(requests)
                if round > 0 {
                    baseline.add(requests.count, seconds: bareSeconds)
                } else {
                    print(String(format: "%@ warm-up fan-out: notifier %.0f ms, %d deliveries in %.0f ms (baseline %.0f ms)",
                                 backend.rawValue, (queued - start).seconds * 1000, sinks.count, (sent - queued).seconds * 1000,
                                 bareSeconds * 1000))
                }
            }
            var results = [("fan-out: 1 item → \(options.followers) followers on \(sinks.count) hubs, × \(options.rounds)", queue, baseline)]

            // A sustained stream: items posted back to back while the queue sends, timed from the
            // first post to the last delivery; then the baseline resends them. Several times over,
            // alternating.
            queue = Tally()
            baseline = Tally()
            for _ in 0..<options.streamRuns {
                let before = counter.count
                PeakMemory.reset()
                let start = ContinuousClock.now
                for index in 0..<options.stream {
                    _ = try await runtime.items.post(LocalPost(channelID: channel.id, body: "stream item \(index)"))
                }
                let total = options.stream * sinks.count
                await counter.wait(for: before + total)
                queue.add(total, seconds: (ContinuousClock.now - start).seconds)
                let requests = await captured(sinks, last: options.stream, counter: counter)
                PeakMemory.reset()
                baseline.add(requests.count, seconds: try await bare.send(requests))
            }
            results.append(("stream: \(options.stream) items × \(sinks.count) hubs, × \(options.streamRuns)", queue, baseline))
            return results
        }
    }

    return try await withTestStore(backend) { store, url in
        let channel = try await seed(store, sinks: sinks, followers: options.followers)
        let configuration = try await HubConfiguration.load(
            flags: ["database.url": url.rawText, "hub.domain": "bench.example", "federation.allowPrivateNetwork": "true",
                    "queue.workers": String(options.workers)],
            configFile: nil, environment: [:])
        let bare = BareLoop(counter: counter, concurrency: options.workers)
        do {
            let results = try await measure(store: store, configuration: configuration, channel: channel, bare: bare)
            try await bare.shutdown()
            return results
        } catch {
            try? await bare.shutdown()
            throw error
        }
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
print("Queue benchmark: \(options.hubs) loopback hubs, \(options.followers) followers, \(options.rounds) fan-out rounds after a warm-up, \(options.stream)-item stream × \(options.streamRuns), \(options.workers) workers")
print("Baseline: a bare AsyncHTTPClient loop resending the requests the sinks received, with the same concurrency, after each phase of the queue's.")
print("")
let header = ["backend", "scenario", "deliveries", "queue/s", "baseline/s", "ratio", "notifier ms per post", "ratio with notifier",
              "queue peak MB", "baseline peak MB"]
var rows: [[String]] = []
try await LoopbackSink.runMany(options.hubs) { sinks in
    let counter = DeliveryCounter(sinks)
    for backend in options.backends {
        if backend == .postgres, ProcessInfo.processInfo.environment["JUNCTION_TEST_POSTGRES_URL"] == nil {
            print("postgres: skipped (JUNCTION_TEST_POSTGRES_URL is not set; scripts/bench starts a server)")
            continue
        }
        for (scenario, queue, bare) in try await run(backend, options: options, sinks: sinks, counter: counter, logger: logger) {
            let fanOut = queue.posts > 0
            let withNotifier = Double(queue.deliveries) / (queue.seconds + queue.notifierSeconds) / bare.rate
            rows.append([backend.rawValue, scenario, "\(queue.deliveries)", String(format: "%.0f", queue.rate),
                         String(format: "%.0f", bare.rate), String(format: "%.2f", queue.rate / bare.rate),
                         fanOut ? String(format: "%.0f", queue.notifierSeconds * 1000 / Double(queue.posts)) : "(in the rate)",
                         String(format: "%.2f", withNotifier),
                         String(format: "%.0f", queue.peakMB), String(format: "%.0f", bare.peakMB)])
        }
    }
}
printTable(header: header, rows: rows)

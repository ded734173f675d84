import Foundation
import JunctionCore
import SQLKit

/// Claiming due queue entries: the runner's hottest statement, written two ways.
///
/// Both follow the same rules: due, unleased, oldest first (higher priority before), never more
/// in flight per destination than ``DeliveryPolicy/concurrency(for:now:)`` allows for its site.
/// PostgreSQL does it in one statement, a single round trip to a server that is often a busy
/// event loop away; SQLite, in-process, runs a few simple reads and one update, which its planner
/// handles far better than the joined statement.
extension SQLStoreSession {
    func claimDueEntries(now: Date, limit: Int, owner: String, leaseUntil: Date, policy: DeliveryPolicy) async throws -> [QueueEntry] {
        guard limit > 0 else { return [] }
        if backend.claimsInOneStatement {
            return try await claimInOneStatement(now: now, limit: limit, owner: owner, leaseUntil: leaseUntil, policy: policy)
        }
        return try await claimStepByStep(now: now, limit: limit, owner: owner, leaseUntil: leaseUntil, policy: policy)
    }

    /// Candidates are the oldest due entries, `limit × candidatesPerEntry` of them at most, so a
    /// claim never sorts more than that once destinations with no room are left out.
    static let candidatesPerEntry = 4

    /// The claim as one `UPDATE … FROM (…) RETURNING`: the entries in flight are counted, the
    /// candidates locked (`SKIP LOCKED`, so concurrent claimers pass each other by), numbered
    /// within their destination after those in flight, and kept while the number is within the
    /// destination's limit, which `CASE` works out from its site as `DeliveryPolicy` does.
    private func claimInOneStatement(now: Date, limit: Int, owner: String, leaseUntil: Date, policy: DeliveryPolicy) async throws -> [QueueEntry] {
        let stamp = now.millisecondsSince1970
        let healthy = policy.perDestinationConcurrency
        let probeBefore = now.addingTimeInterval(-policy.deadSiteProbeInterval).millisecondsSince1970
        let claimed = try await db.raw("""
            WITH leased AS (
                SELECT destination, COUNT(*) AS n FROM outq
                WHERE state = 'pending' AND lease_until > \(bind: stamp)
                GROUP BY destination
            ), candidates AS (
                SELECT id, destination, priority, next_attempt FROM outq
                WHERE state = 'pending' AND next_attempt <= \(bind: stamp) AND (lease_until IS NULL OR lease_until <= \(bind: stamp))
                  AND destination NOT IN (SELECT destination FROM leased WHERE n >= \(bind: healthy))
                ORDER BY priority DESC, next_attempt, id
                LIMIT \(bind: limit * Self.candidatesPerEntry)
                \(unsafeRaw: backend.skipLockedClause)
            ), numbered AS (
                SELECT c.id, c.priority, c.next_attempt,
                       COALESCE(l.n, 0) + ROW_NUMBER() OVER (PARTITION BY c.destination ORDER BY c.priority DESC, c.next_attempt, c.id) AS slot,
                       CASE WHEN s.host IS NULL THEN \(bind: healthy)
                            WHEN s.blocked THEN 0
                            WHEN s.dead THEN CASE WHEN COALESCE(s.last_failure, 0) <= \(bind: probeBefore) THEN 1 ELSE 0 END
                            WHEN s.failure_streak > 0 THEN 1
                            ELSE \(bind: healthy) END AS room
                FROM candidates c
                LEFT JOIN leased l ON l.destination = c.destination
                LEFT JOIN site s ON s.host = c.destination
            ), chosen AS (
                SELECT id FROM numbered WHERE slot <= room
                ORDER BY priority DESC, next_attempt, id
                LIMIT \(bind: limit)
            )
            UPDATE outq SET lease_until = \(bind: leaseUntil.millisecondsSince1970), lease_owner = \(bind: owner), attempts = attempts + 1
            FROM chosen WHERE outq.id = chosen.id
            RETURNING outq.*
            """).all().map(Self.entry)
        // RETURNING keeps no order: the claim's own, as the step-by-step claim returns it.
        return claimed.sorted { a, b in
            if a.priority != b.priority { return a.priority > b.priority }
            if a.nextAttempt != b.nextAttempt { return a.nextAttempt < b.nextAttempt }
            return a.id < b.id
        }
    }

    /// The claim as separate reads (entries in flight, candidates, troubled sites) and one update.
    private func claimStepByStep(now: Date, limit: Int, owner: String, leaseUntil: Date, policy: DeliveryPolicy) async throws -> [QueueEntry] {
        let stamp = now.millisecondsSince1970
        var inFlight = try await leasedEntries(now: now)
        // Destinations with no room left stay out of the candidates, so a backlog to one host
        // cannot fill the window and starve the others. (A troubled destination's smaller limit
        // is applied to the candidates below, once its site is read.)
        let full = inFlight.filter { $0.value >= policy.perDestinationConcurrency }.keys.sorted().prefix(Self.bindsPerQuery)
        let skipFull: SQLQueryString = full.isEmpty ? "" : "AND destination NOT IN (\(inList(Array(full))))"
        // Candidates come from the claim index alone, without their payloads.
        let candidates = try await db.raw("""
            SELECT id, destination FROM outq
            WHERE state = 'pending' AND next_attempt <= \(bind: stamp) AND (lease_until IS NULL OR lease_until <= \(bind: stamp)) \(skipFull)
            ORDER BY priority DESC, next_attempt, id
            LIMIT \(bind: limit * Self.candidatesPerEntry)
            \(unsafeRaw: backend.skipLockedClause)
            """).all().map { (id: try $0.value("id", Int64.self), destination: try $0.value("destination", String.self)) }
        let hosts = Set(candidates.map(\.destination)).union(inFlight.keys)
        let sites = Dictionary(try await troubledSites(hosts: Array(hosts)).map { ($0.host, $0) }, uniquingKeysWith: { first, _ in first })
        var chosen: [Int64] = []
        for candidate in candidates where chosen.count < limit {
            guard inFlight[candidate.destination, default: 0] < policy.concurrency(for: sites[candidate.destination], now: now) else { continue }
            inFlight[candidate.destination, default: 0] += 1
            chosen.append(candidate.id)
        }
        guard !chosen.isEmpty else { return [] }
        let claimed = Dictionary(try await db.raw("""
            UPDATE outq SET lease_until = \(bind: leaseUntil.millisecondsSince1970), lease_owner = \(bind: owner), attempts = attempts + 1
            WHERE id IN (\(inList(chosen)))
            RETURNING *
            """).all().map(Self.entry).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return chosen.compactMap { claimed[$0] }
    }

    /// How many pending entries are leased (in flight or claimed) per destination at `now`.
    private func leasedEntries(now: Date) async throws -> [String: Int] {
        var leased: [String: Int] = [:]
        for row in try await db.raw("""
            SELECT destination, COUNT(*) AS n FROM outq WHERE lease_until > \(bind: now.millisecondsSince1970) AND state = 'pending'
            GROUP BY destination
            """).all() {
            leased[try row.value("destination")] = Int(try row.value("n", Int64.self))
        }
        return leased
    }
}

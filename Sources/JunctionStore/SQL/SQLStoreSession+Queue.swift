import Foundation
import JunctionCore
import SQLKit

extension SQLStoreSession: QueueRecords {
    @discardableResult
    func enqueue(_ drafts: [QueueEntryDraft], network: String, channelID: Int64?, itemID: Int64?, now: Date) async throws -> [Int64] {
        var ids: [Int64] = []
        let stamp = now.millisecondsSince1970
        for draft in drafts {
            let row = try await db.raw("""
                INSERT INTO outq (driver, network, destination, endpoint, payload, content_type, channel_id, item_id, recipients,
                                  priority, state, attempts, created, next_attempt)
                VALUES (\(bind: draft.driver), \(bind: network), \(bind: draft.destination), \(bind: draft.endpoint),
                        \(bind: draft.payload), \(bind: draft.contentType), \(bind: channelID), \(bind: itemID),
                        \(bind: try jsonText(draft.recipients)), \(bind: draft.priority), 'pending', 0, \(bind: stamp), \(bind: stamp))
                RETURNING id
                """).first()
            let id: Int64 = try row?.value("id") ?? 0
            ids.append(id)
            try await insertReports(draft.recipients.map {
                DeliveryReport(itemID: itemID, recipient: $0, destination: draft.destination, queueEntryID: id, status: .queued,
                               reason: nil, attempts: 0, nextAttempt: now, updated: now)
            }, channelID: channelID)
        }
        return ids
    }

    func recordReports(_ reports: [DeliveryReport]) async throws {
        try await insertReports(reports, channelID: nil)
    }

    /// Inserts reports many rows per statement: a fan-out to thousands of recipients is a few
    /// round trips, not thousands.
    private func insertReports(_ reports: [DeliveryReport], channelID: Int64?) async throws {
        for chunk in reports.chunked(maximum: 500) {
            let rows = chunk.map { r in
                SQLGroupExpression([
                    SQLBind(r.itemID), SQLBind(channelID), SQLBind(r.recipient), SQLBind(r.destination), SQLBind(r.queueEntryID),
                    SQLBind(r.status.rawValue), SQLBind(r.reason), SQLBind(r.attempts), SQLBind(r.nextAttempt?.millisecondsSince1970),
                    SQLBind(r.updated.millisecondsSince1970),
                ] as [any SQLExpression])
            }
            try await db.raw("""
                INSERT INTO dreport (item_id, channel_id, recipient, destination, outq_id, status, reason, attempts, next_attempt, updated)
                VALUES \(SQLList(rows))
                """).run()
        }
    }

    func claimDueEntries(now: Date, limit: Int, owner: String, leaseUntil: Date, concurrency: (Site?) -> Int) async throws -> [QueueEntry] {
        guard limit > 0 else { return [] }
        let stamp = now.millisecondsSince1970
        var inFlight: [String: Int] = [:]
        for row in try await db.raw("""
            SELECT destination, COUNT(*) AS n FROM outq WHERE lease_until > \(bind: stamp) AND state = 'pending' GROUP BY destination
            """).all() {
            inFlight[try row.value("destination")] = Int(try row.value("n", Int64.self))
        }
        // Candidates without their payloads: most are passed over for their destination's limit.
        let candidates = try await db.raw("""
            SELECT id, destination FROM outq
            WHERE state = 'pending' AND next_attempt <= \(bind: stamp) AND (lease_until IS NULL OR lease_until <= \(bind: stamp))
            ORDER BY priority DESC, next_attempt, id
            LIMIT \(bind: limit * 4)
            \(unsafeRaw: backend.skipLockedClause)
            """).all().map { (id: try $0.value("id", Int64.self), destination: try $0.value("destination", String.self)) }
        let sites = Dictionary(try await sites(hosts: Array(Set(candidates.map(\.destination)))).map { ($0.host, $0) },
                               uniquingKeysWith: { first, _ in first })
        var chosen: [Int64] = []
        for candidate in candidates where chosen.count < limit {
            guard inFlight[candidate.destination, default: 0] < concurrency(sites[candidate.destination]) else { continue }
            inFlight[candidate.destination, default: 0] += 1
            chosen.append(candidate.id)
        }
        guard !chosen.isEmpty else { return [] }
        let ids = SQLList(chosen.map { SQLBind($0) })
        try await db.raw("""
            UPDATE outq SET lease_until = \(bind: leaseUntil.millisecondsSince1970), lease_owner = \(bind: owner), attempts = attempts + 1
            WHERE id IN (\(ids))
            """).run()
        let claimed = Dictionary(try await db.raw("SELECT * FROM outq WHERE id IN (\(ids))").all().map(Self.entry).map { ($0.id, $0) },
                                 uniquingKeysWith: { first, _ in first })
        return chosen.compactMap { claimed[$0] }
    }

    func finishEntry(_ entry: QueueEntry, decision: DeliveryPolicy.Decision, now: Date) async throws {
        let stamp = now.millisecondsSince1970
        switch decision {
        case .delivered, .refused:
            let (status, reason): (DeliveryReport.Status, String?) = if case .refused(let why) = decision { (.refused, why) } else { (.delivered, nil) }
            try await db.raw("DELETE FROM outq WHERE id = \(bind: entry.id)").run()
            try await db.raw("""
                UPDATE dreport SET status = \(bind: status.rawValue), reason = \(bind: reason), attempts = \(bind: entry.attempts),
                    next_attempt = NULL, updated = \(bind: stamp)
                WHERE outq_id = \(bind: entry.id)
                """).run()
        case .retry(let at, let reason):
            try await db.raw("""
                UPDATE outq SET next_attempt = \(bind: at.millisecondsSince1970), lease_until = NULL, lease_owner = NULL,
                    last_error = \(bind: reason)
                WHERE id = \(bind: entry.id)
                """).run()
            try await db.raw("""
                UPDATE dreport SET status = 'failing', reason = \(bind: reason), attempts = \(bind: entry.attempts),
                    next_attempt = \(bind: at.millisecondsSince1970), updated = \(bind: stamp)
                WHERE outq_id = \(bind: entry.id)
                """).run()
        case .deadLetter(let reason):
            try await db.raw("""
                UPDATE outq SET state = 'dead_letter', lease_until = NULL, lease_owner = NULL, last_error = \(bind: reason)
                WHERE id = \(bind: entry.id)
                """).run()
            try await db.raw("""
                UPDATE dreport SET status = 'dead_letter', reason = \(bind: reason), attempts = \(bind: entry.attempts),
                    next_attempt = NULL, updated = \(bind: stamp)
                WHERE outq_id = \(bind: entry.id)
                """).run()
        }
    }

    func releaseEntries(destination host: String, at date: Date) async throws {
        let stamp = date.millisecondsSince1970
        try await db.raw("""
            UPDATE dreport SET next_attempt = \(bind: stamp)
            WHERE outq_id IN (SELECT id FROM outq WHERE destination = \(bind: host) AND state = 'pending' AND lease_until IS NULL)
            """).run()
        try await db.raw("""
            UPDATE outq SET next_attempt = \(bind: stamp)
            WHERE destination = \(bind: host) AND state = 'pending' AND lease_until IS NULL
            """).run()
    }

    func holdEntries(destination host: String, until date: Date, except probe: Int64) async throws {
        let stamp = date.millisecondsSince1970
        try await db.raw("""
            UPDATE outq SET next_attempt = \(bind: stamp)
            WHERE destination = \(bind: host) AND state = 'pending' AND lease_until IS NULL AND id <> \(bind: probe)
              AND next_attempt < \(bind: stamp)
            """).run()
    }

    private func filter(_ selection: QueueSelection) -> SQLQueryString {
        switch selection {
        case .entry(let id): "id = \(bind: id)"
        case .item(let id): "item_id = \(bind: id)"
        case .channel(let id): "channel_id = \(bind: id)"
        case .destination(let host): "destination = \(bind: host)"
        }
    }

    @discardableResult
    func cancelEntries(_ selection: QueueSelection, reason: String, now: Date) async throws -> Int {
        let condition = filter(selection)
        let ids = try await db.raw("SELECT id FROM outq WHERE state = 'pending' AND \(condition)").all().map { try $0.value("id", Int64.self) }
        guard !ids.isEmpty else { return 0 }
        let list = SQLList(ids.map { SQLBind($0) })
        try await db.raw("""
            UPDATE dreport SET status = 'cancelled', reason = \(bind: reason), next_attempt = NULL, updated = \(bind: now.millisecondsSince1970)
            WHERE outq_id IN (\(list))
            """).run()
        try await db.raw("DELETE FROM outq WHERE id IN (\(list))").run()
        return ids.count
    }

    @discardableResult
    func requeueEntries(_ selection: QueueSelection, now: Date) async throws -> Int {
        let condition = filter(selection)
        let stamp = now.millisecondsSince1970
        let ids = try await db.raw("""
            SELECT id FROM outq WHERE (state = 'dead_letter' OR attempts > 0) AND (lease_until IS NULL OR lease_until <= \(bind: stamp)) AND \(condition)
            """).all().map { try $0.value("id", Int64.self) }
        guard !ids.isEmpty else { return 0 }
        let list = SQLList(ids.map { SQLBind($0) })
        // A re-send starts a fresh retry window.
        try await db.raw("""
            UPDATE outq SET state = 'pending', next_attempt = \(bind: stamp), created = \(bind: stamp), attempts = 0,
                lease_until = NULL, lease_owner = NULL
            WHERE id IN (\(list))
            """).run()
        try await db.raw("""
            UPDATE dreport SET status = 'queued', next_attempt = \(bind: stamp), updated = \(bind: stamp) WHERE outq_id IN (\(list))
            """).run()
        return ids.count
    }

    func queueEntry(id: Int64) async throws -> QueueEntry? {
        try await db.raw("SELECT * FROM outq WHERE id = \(bind: id)").first().map(Self.entry)
    }

    func queueSummary(now: Date) async throws -> [DestinationSummary] {
        try await db.raw("""
            SELECT destination, network,
                   SUM(CASE WHEN state = 'pending' THEN 1 ELSE 0 END) AS pending,
                   SUM(CASE WHEN state = 'pending' AND attempts > 0 THEN 1 ELSE 0 END) AS retrying,
                   SUM(CASE WHEN state = 'dead_letter' THEN 1 ELSE 0 END) AS dead,
                   MIN(created) AS oldest
            FROM outq GROUP BY destination, network ORDER BY destination, network
            """).all().map { row in
            DestinationSummary(destination: try row.value("destination"), network: try row.value("network"), pending: Int(try row.value("pending", Int64.self)),
                               retrying: Int(try row.value("retrying", Int64.self)), deadLetters: Int(try row.value("dead", Int64.self)),
                               oldestCreated: try row.optionalDate("oldest"))
        }
    }

    func deliveryReports(itemID: Int64) async throws -> [DeliveryReport] {
        try await db.raw("SELECT * FROM dreport WHERE item_id = \(bind: itemID) ORDER BY destination, recipient").all().map { row in
            DeliveryReport(itemID: try row.optional("item_id"), recipient: try row.value("recipient"), destination: try row.value("destination"),
                           queueEntryID: try row.optional("outq_id"),
                           status: DeliveryReport.Status(rawValue: try row.value("status")) ?? .queued,
                           reason: try row.optional("reason"), attempts: Int(try row.value("attempts", Int64.self)),
                           nextAttempt: try row.optionalDate("next_attempt"), updated: try row.date("updated"))
        }
    }

    private static func entry(_ row: any SQLRow) throws -> QueueEntry {
        QueueEntry(
            id: try row.value("id"), driver: try row.value("driver"), network: try row.value("network"),
            destination: try row.value("destination"), endpoint: try row.value("endpoint"), payload: try row.value("payload", Data.self),
            contentType: try row.value("content_type"), channelID: try row.optional("channel_id"), itemID: try row.optional("item_id"),
            recipients: try row.json("recipients"), priority: Int(try row.value("priority", Int64.self)),
            state: QueueEntry.State(rawValue: try row.value("state")) ?? .pending, attempts: Int(try row.value("attempts", Int64.self)),
            created: try row.date("created"), nextAttempt: try row.date("next_attempt"), lastError: try row.optional("last_error")
        )
    }
}

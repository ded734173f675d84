import Foundation
import JunctionCore
import NIOCore
import NIOFoundationCompat
import SQLKit

extension SQLStoreSession: QueueRecords {
    @discardableResult
    func enqueue(_ drafts: [QueueEntryDraft], network: String, channelID: Int64?, itemID: Int64?, now: Date,
                 lease: QueueHandoff.Lease?) async throws -> [Int64] {
        var ids: [Int64] = []
        let stamp = now.millisecondsSince1970
        let leaseUntil = lease?.until.millisecondsSince1970
        let attempts = lease == nil ? 0 : 1
        if backend.bindsArrays {
            // One statement per thousand entries, binding each column once as an array: a fan-out
            // to hundreds of hubs binds fifteen values, not fourteen per entry.
            for chunk in drafts.chunked(maximum: Self.bindsPerQuery) {
                ids += try await db.raw("""
                    INSERT INTO outq (driver, network, destination, endpoint, payload, content_type, channel_id, item_id, recipients,
                                      priority, state, attempts, created, next_attempt, lease_until, lease_owner)
                    SELECT d.driver, \(bind: network), d.destination, d.endpoint, d.payload, d.content_type, \(bind: channelID),
                           \(bind: itemID), d.recipients, d.priority, 'pending', \(bind: attempts), \(bind: stamp), \(bind: stamp),
                           \(bind: leaseUntil), \(bind: lease?.owner)
                    FROM unnest(\(bind: chunk.map(\.driver))::text[], \(bind: chunk.map(\.destination))::text[],
                                \(bind: chunk.map(\.endpoint))::text[], \(bind: chunk.map { ByteBuffer(data: $0.payload) })::bytea[],
                                \(bind: chunk.map(\.contentType))::text[], \(bind: chunk.map { JSONStringArray.text($0.recipients) })::text[],
                                \(bind: chunk.map { Int64($0.priority) })::bigint[])
                         WITH ORDINALITY AS d(driver, destination, endpoint, payload, content_type, recipients, priority, n)
                    ORDER BY d.n
                    RETURNING id
                    """).all().map { try $0.value("id", Int64.self) }.sorted()  // ids are drawn in insertion order
            }
            return ids
        }
        for chunk in rowChunks(drafts, maximum: 128) {
            var values: [any Encodable & Sendable] = []
            values.reserveCapacity(chunk.count * 15)
            for draft in chunk {
                values += [draft.driver, network, draft.destination, draft.endpoint, draft.payload, draft.contentType, channelID, itemID,
                           JSONStringArray.text(draft.recipients), draft.priority, attempts, stamp, stamp, leaseUntil, lease?.owner]
            }
            // The state is the column's default, 'pending'.
            ids += try await db.raw("""
                INSERT INTO outq (driver, network, destination, endpoint, payload, content_type, channel_id, item_id, recipients,
                                  priority, attempts, created, next_attempt, lease_until, lease_owner)
                VALUES \(SQLBindList(rows: values, rowLength: 15))
                RETURNING id
                """).all().map { try $0.value("id", Int64.self) }
        }
        return ids
    }

    func recordReports(_ reports: [DeliveryReport]) async throws {
        for chunk in rowChunks(reports, maximum: 512) {
            var values: [any Encodable & Sendable] = []
            values.reserveCapacity(chunk.count * 9)
            for r in chunk {
                values += [r.itemID, r.recipient, r.destination, r.queueEntryID, r.status.rawValue, r.reason, r.attempts,
                           r.nextAttempt?.millisecondsSince1970, r.updated.millisecondsSince1970]
            }
            try await db.raw("""
                INSERT INTO dreport (item_id, recipient, destination, outq_id, status, reason, attempts, next_attempt, updated)
                VALUES \(SQLBindList(rows: values, rowLength: 9))
                """).run()
        }
    }

    func finishEntries(_ attempts: [FinishedAttempt], now: Date) async throws {
        let stamp = now.millisecondsSince1970
        // Entries that are done leave the queue together, a statement per outcome and reason.
        var done: [Conclusion: [Int64]] = [:]
        for attempt in attempts {
            let entry = attempt.entry
            switch attempt.decision {
            case .delivered:
                done[Conclusion(status: .delivered, reason: nil), default: []].append(entry.id)
            case .refused(let reason):
                done[Conclusion(status: .refused, reason: reason), default: []].append(entry.id)
            case .retry(let at, let reason):
                try await db.raw("""
                    UPDATE outq SET next_attempt = \(bind: at.millisecondsSince1970), lease_until = NULL, lease_owner = NULL,
                        last_error = \(bind: reason), updated = \(bind: stamp)
                    WHERE id = \(bind: entry.id)
                    """).run()
            case .deadLetter(let reason):
                try await db.raw("""
                    UPDATE outq SET state = 'dead_letter', lease_until = NULL, lease_owner = NULL, last_error = \(bind: reason),
                        updated = \(bind: stamp)
                    WHERE id = \(bind: entry.id)
                    """).run()
            }
        }
        for (conclusion, ids) in done {
            try await conclude(ids, as: conclusion, at: stamp)
        }
    }

    /// How the entries that leave the queue ended, as their reports keep it.
    private struct Conclusion: Hashable {
        let status: DeliveryReport.Status
        let reason: String?
    }

    /// Removes entries from the queue, writing one final report per entry for all its recipients.
    private func conclude(_ ids: [Int64], as conclusion: Conclusion, at stamp: Int64) async throws {
        for chunk in ids.chunked(maximum: Self.bindsPerQuery) {
            let list = inList(chunk)
            if backend.deletesInCommonTableExpressions {
                // One statement, one round trip to the server.
                try await db.raw("""
                    WITH o AS (DELETE FROM outq WHERE id IN (\(list)) RETURNING item_id, channel_id, recipients, destination, id, attempts)
                    INSERT INTO dreport (item_id, channel_id, recipient, recipients, destination, outq_id, status, reason, attempts,
                                         next_attempt, updated)
                    SELECT o.item_id, o.channel_id, '', o.recipients, o.destination, o.id, \(bind: conclusion.status.rawValue),
                           \(bind: conclusion.reason), o.attempts, NULL, \(bind: stamp)
                    FROM o
                    """).run()
                continue
            }
            try await db.raw("""
                INSERT INTO dreport (item_id, channel_id, recipient, recipients, destination, outq_id, status, reason, attempts,
                                     next_attempt, updated)
                SELECT o.item_id, o.channel_id, '', o.recipients, o.destination, o.id, \(bind: conclusion.status.rawValue),
                       \(bind: conclusion.reason), o.attempts, NULL, \(bind: stamp)
                FROM outq o
                WHERE o.id IN (\(list))
                """).run()
            try await db.raw("DELETE FROM outq WHERE id IN (\(list))").run()
        }
    }

    func returnEntries(ids: [Int64], owner: String) async throws {
        for chunk in ids.chunked(maximum: Self.bindsPerQuery) {
            try await db.raw("""
                UPDATE outq SET lease_until = NULL, lease_owner = NULL, attempts = attempts - 1
                WHERE id IN (\(inList(chunk))) AND lease_owner = \(bind: owner)
                """).run()
        }
    }

    func releaseEntries(destination host: String, at date: Date) async throws {
        try await db.raw("""
            UPDATE outq SET next_attempt = \(bind: date.millisecondsSince1970)
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
        try await conclude(ids, as: Conclusion(status: .cancelled, reason: reason), at: now.millisecondsSince1970)
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
        let list = inList(ids)
        // A re-send starts a fresh retry window.
        try await db.raw("""
            UPDATE outq SET state = 'pending', next_attempt = \(bind: stamp), created = \(bind: stamp), attempts = 0,
                lease_until = NULL, lease_owner = NULL, last_error = NULL, updated = \(bind: stamp)
            WHERE id IN (\(list))
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
        // Reports of single recipients, final reports of entries (one for all their recipients),
        // and the entries still in the queue, which report from the queue itself.
        try await db.raw("""
            SELECT item_id, recipient, destination, outq_id, status, reason, attempts, next_attempt, updated
            FROM dreport WHERE item_id = \(bind: itemID) AND recipients IS NULL
            UNION ALL
            SELECT d.item_id, r.value, d.destination, d.outq_id, d.status, d.reason, d.attempts, d.next_attempt, d.updated
            FROM dreport d, \(unsafeRaw: backend.jsonArrayElements("d.recipients"))
            WHERE d.item_id = \(bind: itemID) AND d.recipients IS NOT NULL
            UNION ALL
            SELECT o.item_id, r.value, o.destination, o.id,
                   CASE WHEN o.state = 'dead_letter' THEN 'dead_letter' WHEN o.last_error IS NOT NULL THEN 'failing' ELSE 'queued' END,
                   o.last_error, o.attempts, CASE WHEN o.state = 'dead_letter' THEN NULL ELSE o.next_attempt END,
                   COALESCE(o.updated, o.created)
            FROM outq o, \(unsafeRaw: backend.jsonArrayElements("o.recipients"))
            WHERE o.item_id = \(bind: itemID)
            ORDER BY destination, recipient
            """).all().map { row in
            DeliveryReport(itemID: try row.optional("item_id"), recipient: try row.value("recipient"), destination: try row.value("destination"),
                           queueEntryID: try row.optional("outq_id"),
                           status: DeliveryReport.Status(rawValue: try row.value("status")) ?? .queued,
                           reason: try row.optional("reason"), attempts: Int(try row.value("attempts", Int64.self)),
                           nextAttempt: try row.optionalDate("next_attempt"), updated: try row.date("updated"))
        }
    }

    static func entry(_ row: any SQLRow) throws -> QueueEntry {
        QueueEntry(
            id: try row.value("id"), driver: try row.value("driver"), network: try row.value("network"),
            destination: try row.value("destination"), endpoint: try row.value("endpoint"), payload: try row.value("payload", Data.self),
            contentType: try row.value("content_type"), channelID: try row.optional("channel_id"), itemID: try row.optional("item_id"),
            recipients: try row.strings("recipients"), priority: Int(try row.value("priority", Int64.self)),
            state: QueueEntry.State(rawValue: try row.value("state")) ?? .pending, attempts: Int(try row.value("attempts", Int64.self)),
            created: try row.date("created"), nextAttempt: try row.date("next_attempt"), lastError: try row.optional("last_error")
        )
    }
}

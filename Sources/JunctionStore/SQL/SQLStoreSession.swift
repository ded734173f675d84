import Foundation
import JunctionCore
import SQLKit
import Synchronization

/// The record protocols implemented once in SQL, over any SQLKit database (an SQLite
/// connection or a PostgreSQL connection); the backends only supply the connection.
struct SQLStoreSession: Sendable {
    let db: any SQLDatabase
    let backend: any SQLBackend
    /// What runs once the session's transaction commits; nil outside a transaction.
    let committed: Deferred?

    /// The most values bound in one `IN (…)` list; both backends take far more, this keeps
    /// statements small.
    static let bindsPerQuery = 1024

    /// `values` bound as the list of an `IN (…)`. Where the backend keeps prepared statements by
    /// their text (SQLite), padded to a power-of-two length by repeating the last value (the
    /// same set): lists of every length would each be prepared afresh, and push the statements
    /// used all the time out.
    func inList<Value: Encodable & Sendable>(_ values: some BidirectionalCollection<Value>) -> SQLBindList {
        var binds: [any Encodable & Sendable] = values.map { $0 }
        if backend.keepsStatementsByText, let last = values.last {
            binds.append(contentsOf: repeatElement(last as any Encodable & Sendable, count: values.count.nextPowerOfTwo - values.count))
        }
        return SQLBindList(binds)
    }

    /// `rows` in consecutive slices of at most `maximum`, for one multi-row statement each: where
    /// the backend keeps prepared statements by their text, in power-of-two lengths, so that
    /// the statements come in a few shapes (see ``inList(_:)``); elsewhere as few as may be.
    func rowChunks<Row>(_ rows: [Row], maximum: Int) -> [ArraySlice<Row>] {
        backend.keepsStatementsByText ? rows.chunkedInShapes(maximum: maximum) : rows.chunked(maximum: maximum)
    }

    /// Actions waiting for a transaction to commit.
    final class Deferred: Sendable {
        private let actions = Mutex<[@Sendable () -> Void]>([])

        func add(_ action: @escaping @Sendable () -> Void) {
            actions.withLock { $0.append(action) }
        }

        /// Runs the actions, once: the transaction committed.
        func run() {
            for action in actions.withLock({ actions in defer { actions = [] }; return actions }) { action() }
        }
    }

    /// Runs `body`, turning a unique-constraint violation into `conflict` with `message`.
    func unique<T>(_ message: @autoclosure () -> String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch where backend.isUniqueViolation(error) {
            throw JunctionError.conflict(message())
        }
    }
}

extension SQLStoreSession: CommitActions {
    func afterCommit(_ action: @escaping @Sendable () -> Void) {
        guard let committed else { return action() }
        committed.add(action)
    }
}

/// What differs between the SQL backends at run time.
protocol SQLBackend: Sendable {
    /// True when `error` is the database refusing a duplicate key.
    func isUniqueViolation(_ error: any Error) -> Bool
    /// Appended to a SELECT that claims rows, so concurrent claimers skip each other's rows.
    var skipLockedClause: String { get }
    /// True when a `WITH` clause may delete rows (`WITH o AS (DELETE … RETURNING …) INSERT …`).
    var deletesInCommonTableExpressions: Bool { get }
    /// True when a claim is best made as one statement (a server a round trip away), rather than
    /// as the few simple reads an in-process database plans better.
    var claimsInOneStatement: Bool { get }
    /// True when a value may be an array, expanded with `unnest($1::text[], …)`.
    var bindsArrays: Bool { get }
    /// True when the connection keeps prepared statements by their SQL text, so that statements
    /// are best written in few shapes (``SQLStoreSession/inList(_:)``).
    var keepsStatementsByText: Bool { get }
    /// Appended to a SELECT whose rows are read, changed and written back in one transaction.
    var lockRowsClause: String { get }
    /// A FROM item (alias `r`, column `value`) with one row per element of the JSON text array
    /// in `column`.
    func jsonArrayElements(_ column: String) -> String
}

extension SQLRow {
    func value<D: Decodable>(_ column: String, _ type: D.Type = D.self) throws -> D {
        try decode(column: column, as: D.self)
    }

    func optional<D: Decodable>(_ column: String, _ type: D.Type = D.self) throws -> D? {
        try decodeNil(column: column) ? nil : decode(column: column, as: D.self)
    }

    func date(_ column: String) throws -> Date {
        Date(millisecondsSince1970: try value(column, Int64.self))
    }

    func optionalDate(_ column: String) throws -> Date? {
        try optional(column, Int64.self).map(Date.init(millisecondsSince1970:))
    }

    func bool(_ column: String) throws -> Bool {
        // SQLite keeps booleans as integers; PostgreSQL as booleans.
        if let flag = try? decode(column: column, as: Bool.self) { return flag }
        return try value(column, Int64.self) != 0
    }

    /// A JSON array of strings (a recipient list), read without `JSONDecoder` where it can be.
    func strings(_ column: String) throws -> [String] {
        let text = try value(column, String.self)
        guard let strings = JSONStringArray.strings(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "column \(column) is not a JSON array of strings"))
        }
        return strings
    }

    func json<D: Decodable>(_ column: String, _ type: D.Type = D.self) throws -> D {
        let text = try value(column, String.self)
        return try JSONDecoder().decode(D.self, from: Data(text.utf8))
    }
}

/// The stored JSON text of a value.
func jsonText(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

extension Array {
    /// The array in consecutive slices of at most `maximum` elements.
    func chunked(maximum: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: maximum).map { self[$0..<Swift.min($0 + maximum, count)] }
    }

    /// The array in consecutive slices whose lengths are powers of two, at most `maximum` (one),
    /// largest first: a multi-row statement over them comes in a few shapes, which SQLite keeps
    /// prepared (see ``SQLStoreSession/rowChunks(_:maximum:)``).
    func chunkedInShapes(maximum: Int) -> [ArraySlice<Element>] {
        var slices: [ArraySlice<Element>] = []
        var start = 0
        while start < count {
            let length = Swift.min(maximum, 1 << (Int.bitWidth - 1 - (count - start).leadingZeroBitCount))
            slices.append(self[start..<start + length])
            start += length
        }
        return slices
    }
}

extension Int {
    /// The smallest power of two at least `self` (1 for 0 and 1).
    var nextPowerOfTwo: Int { self <= 1 ? 1 : 1 << (Int.bitWidth - (self - 1).leadingZeroBitCount) }
}

import CSQLite3
import Foundation
import SQLKit

/// One result row of an SQLite statement, read by column name.
struct SQLiteRow: SQLRow {
    /// The column names of a statement's result, shared by its rows.
    final class Columns: Sendable {
        let names: [String]
        let index: [String: Int]

        init(_ statement: OpaquePointer) {
            names = (0..<sqlite3_column_count(statement)).map { String(cString: sqlite3_column_name(statement, $0)) }
            // With duplicate names (a join's `id`s), the first column wins.
            index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    let columns: Columns
    let values: [SQLiteValue]

    var allColumns: [String] { columns.names }

    func contains(column: String) -> Bool { columns.index[column] != nil }

    func decodeNil(column: String) throws -> Bool { try value(column) == .null }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        let value = try value(column)
        if let optional = D.self as? any OptionalDecoding.Type {
            if let decoded = optional.decoding(value) as? D { return decoded }
        } else if let decoded = value.decoded(as: D.self) {
            return decoded
        }
        throw DecodingError.typeMismatch(D.self, .init(codingPath: [], debugDescription: "column \(column) holds \(value), not a \(D.self)"))
    }

    private func value(_ column: String) throws -> SQLiteValue {
        guard let index = columns.index[column] else {
            throw DecodingError.keyNotFound(SQLiteColumnKey(stringValue: column), .init(codingPath: [], debugDescription: "no column \(column)"))
        }
        return values[index]
    }
}

extension SQLiteValue {
    /// The value as a `D` — the types the store reads: integers, booleans, floating-point
    /// numbers, strings and bytes — or nil when it is not one.
    func decoded<D>(as type: D.Type) -> D? {
        switch self {
        case .integer(let value):
            if D.self == Int64.self { return value as? D }
            if D.self == Int.self { return Int(exactly: value) as? D }
            if D.self == Int32.self { return Int32(exactly: value) as? D }
            if D.self == Bool.self { return (value != 0) as? D }
            if D.self == Double.self { return Double(value) as? D }
        case .real(let value):
            if D.self == Double.self { return value as? D }
            if D.self == Float.self { return Float(value) as? D }
        case .text(let value):
            if D.self == String.self { return value as? D }
            if D.self == Data.self { return Data(value.utf8) as? D }
        case .blob(let value):
            if D.self == Data.self { return value as? D }
            if D.self == [UInt8].self { return [UInt8](value) as? D }
            if D.self == String.self { return String(decoding: value, as: UTF8.self) as? D }
        case .null:
            break
        }
        return nil
    }
}

/// Lets a row decode `Optional` columns: NULL is `nil`, anything else the wrapped type.
private protocol OptionalDecoding {
    static func decoding(_ value: SQLiteValue) -> Any?
}

extension Optional: OptionalDecoding {
    fileprivate static func decoding(_ value: SQLiteValue) -> Any? {
        if value == .null { return Wrapped?.none as Any }
        return value.decoded(as: Wrapped.self).map { Wrapped?.some($0) as Any }
    }
}

private struct SQLiteColumnKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

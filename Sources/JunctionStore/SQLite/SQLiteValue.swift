import CSQLite3
import Foundation

/// A value as SQLite stores it: a bound parameter or a result column.
enum SQLiteValue: Sendable, Equatable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
    case null

    /// The value of a bound Swift value: integers, floating-point numbers, strings, booleans
    /// (as 0 and 1), bytes and optionals of them — what the store binds.
    init(binding value: any Encodable) throws {
        // The concrete types first: a cast to one is a comparison of type metadata (and looks
        // through an optional that holds a value), where a cast to a protocol searches the
        // conformance tables; it is left for the nil optionals that get this far.
        switch value {
        case let value as String: self = .text(value)
        case let value as Int64: self = .integer(value)
        case let value as Int: self = .integer(Int64(value))
        case let value as Data: self = .blob(value)
        case let value as Bool: self = .integer(value ? 1 : 0)
        case let value as Int32: self = .integer(Int64(value))
        case let value as Double: self = .real(value)
        case let value as Float: self = .real(Double(value))
        case let value as [UInt8]: self = .blob(Data(value))
        case let optional as any OptionalBinding:
            guard let wrapped = optional.wrapped else {
                self = .null
                return
            }
            self = try SQLiteValue(binding: wrapped)
        default:
            throw SQLiteError(code: SQLITE_MISMATCH, message: "cannot bind a value of type \(type(of: value))")
        }
    }

    /// Column `column` of the row `statement` stands on.
    init(_ statement: OpaquePointer, column: Int32) {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER:
            self = .integer(sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT:
            self = .real(sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            let count = Int(sqlite3_column_bytes(statement, column))
            self = .text(sqlite3_column_text(statement, column).map {
                String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
            } ?? "")
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, column))
            self = .blob(sqlite3_column_blob(statement, column).map { Data(bytes: $0, count: count) } ?? Data())
        default:
            self = .null
        }
    }

    /// Binds the value to parameter `index` (from 1) of `statement`; returns SQLite's result code.
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        switch self {
        case .integer(let value):
            return sqlite3_bind_int64(statement, index, value)
        case .real(let value):
            return sqlite3_bind_double(statement, index, value)
        case .text(let value):
            var value = value
            // An empty string still needs an address: a null one would bind NULL.
            guard !value.isEmpty else { return sqlite3_bind_text(statement, index, "", 0, Self.transient) }
            return value.withUTF8 { sqlite3_bind_text(statement, index, $0.baseAddress, Int32($0.count), Self.transient) }
        case .blob(let value):
            guard !value.isEmpty else { return sqlite3_bind_zeroblob(statement, index, 0) }
            return value.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), Self.transient) }
        case .null:
            return sqlite3_bind_null(statement, index)
        }
    }

    /// `SQLITE_TRANSIENT`: SQLite copies the bytes before the bind returns.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
}

/// Lets a bound `Optional` of any type be told apart from its wrapped value.
private protocol OptionalBinding {
    var wrapped: (any Encodable)? { get }
}

extension Optional: OptionalBinding where Wrapped: Encodable {
    fileprivate var wrapped: (any Encodable)? { self }
}

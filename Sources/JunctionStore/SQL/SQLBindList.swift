import SQLKit

/// Values bound as parameters, comma-separated, or as parenthesised rows of `rowLength` values:
/// an `IN (…)` list, or the `VALUES` of a multi-row insert.
///
/// A list of `SQLBind`s serialises each value as an expression of its own, and the dialect
/// writes each placeholder as another; a fan-out's inserts bind thousands of values. Where the
/// placeholders are anonymous (``AnonymousParameters``), the text is written at once and the
/// values appended together.
struct SQLBindList: SQLExpression {
    let values: [any Encodable & Sendable]
    /// Values per row; nil for a plain list.
    let rowLength: Int?

    /// A plain list: `?, ?, ?`.
    init(_ values: [any Encodable & Sendable]) {
        self.values = values
        rowLength = nil
    }

    /// Rows of `rowLength` values each, `values` row after row: `(?, ?), (?, ?)`.
    init(rows values: [any Encodable & Sendable], rowLength: Int) {
        precondition(rowLength > 0 && values.count % rowLength == 0, "a row list needs whole rows")
        self.values = values
        self.rowLength = rowLength
    }

    func serialize(to serializer: inout SQLSerializer) {
        guard serializer.dialect is any AnonymousParameters else {
            for (index, value) in values.enumerated() {
                if let rowLength, index % rowLength == 0 { serializer.write(index == 0 ? "(" : "), (") } else if index > 0 { serializer.write(", ") }
                serializer.write(bind: value)
            }
            if rowLength != nil, !values.isEmpty { serializer.write(")") }
            return
        }
        if let rowLength {
            let row = "(" + repeatElement("?", count: rowLength).joined(separator: ", ") + ")"
            serializer.write(repeatElement(row, count: values.count / rowLength).joined(separator: ", "))
        } else {
            serializer.write(repeatElement("?", count: values.count).joined(separator: ", "))
        }
        serializer.binds.append(contentsOf: values)
    }
}

/// A dialect whose placeholders are all the same (`?`), numbered by their order.
protocol AnonymousParameters: SQLDialect {}

import SQLKit

/// How SQLKit writes SQL for SQLite: anonymous parameters (`?`), double-quoted identifiers,
/// `RETURNING` and `ON CONFLICT` (SQLite 3.35 and later).
struct SQLiteDialect: SQLDialect, AnonymousParameters {
    var name: String { "sqlite" }
    var identifierQuote: any SQLExpression { SQLRaw(#"""#) }
    var literalStringQuote: any SQLExpression { SQLRaw("'") }
    var supportsAutoIncrement: Bool { false }
    var autoIncrementClause: any SQLExpression { SQLRaw("AUTOINCREMENT") }
    var enumSyntax: SQLEnumSyntax { .unsupported }
    var supportsDropBehavior: Bool { false }
    var supportsReturning: Bool { true }
    var upsertSyntax: SQLUpsertSyntax { .standard }
    var alterTableSyntax: SQLAlterTableSyntax { .init(allowsBatch: false) }
    var triggerSyntax: SQLTriggerSyntax { .init(create: [.supportsBody, .supportsCondition, .supportsUpdateColumns], drop: []) }
    var unionFeatures: SQLUnionFeatures { [.union, .unionAll, .intersect, .except] }

    // Anonymous, numbered in order by SQLite: SQLKit writes the binds in the order it passes them.
    // A numbered `?NNN` costs a search of all earlier parameters each when the statement is
    // compiled, which made a 1,600-value insert take milliseconds to prepare.
    func bindPlaceholder(at position: Int) -> any SQLExpression { SQLRaw("?") }
    func literalBoolean(_ value: Bool) -> any SQLExpression { SQLRaw(value ? "TRUE" : "FALSE") }
}

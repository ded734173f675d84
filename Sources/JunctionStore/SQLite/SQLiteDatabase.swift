import Logging
import NIOCore
import NIOPosix
import SQLKit

/// An ``SQLiteConnection`` as an SQLKit database, so the store's shared SQL runs on it.
struct SQLiteDatabase: SQLDatabase {
    let connection: SQLiteConnection
    let logger: Logger

    /// SQLKit's futures need an event loop; statements do not run on it.
    var eventLoop: any EventLoop { MultiThreadedEventLoopGroup.singleton.any() }
    var dialect: any SQLDialect { SQLiteDialect() }
    var queryLogLevel: Logger.Level? { .trace }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        eventLoop.makeFutureWithTask { try await self.execute(sql: query, onRow) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        let (sql, binds) = serialize(query)
        logger.trace("\(sql)")
        try await connection.execute(sql, try binds.map(SQLiteValue.init(binding:))) { onRow($0) }
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await closure(self)
    }
}

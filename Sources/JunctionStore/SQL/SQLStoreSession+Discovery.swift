import Foundation
import JunctionCore
import SQLKit

extension SQLStoreSession: DiscoveryRecords {
    func discoveryEntry(address: String) async throws -> DiscoveryEntry? {
        guard let row = try await db.raw("SELECT * FROM discovery WHERE address = \(bind: address)").first() else { return nil }
        let failures = try JSONDecoder().decode([DiscoveryFailure.Attempt].self, from: Data(try row.value("failures", String.self).utf8))
        return DiscoveryEntry(
            address: try row.value("address"), xchanHash: try row.optional("xchan_hash"), resolver: try row.value("resolver"),
            failures: failures, checked: try row.date("checked"), expires: try row.date("expires")
        )
    }

    func putDiscoveryEntry(_ e: DiscoveryEntry) async throws {
        let failures = String(decoding: try JSONEncoder().encode(e.failures), as: UTF8.self)
        try await db.raw("""
            INSERT INTO discovery (address, xchan_hash, resolver, failures, checked, expires)
            VALUES (\(bind: e.address), \(bind: e.xchanHash), \(bind: e.resolver), \(bind: failures),
                    \(bind: e.checked.millisecondsSince1970), \(bind: e.expires.millisecondsSince1970))
            ON CONFLICT (address) DO UPDATE SET
                xchan_hash = excluded.xchan_hash, resolver = excluded.resolver, failures = excluded.failures,
                checked = excluded.checked, expires = excluded.expires
            """).run()
    }
}

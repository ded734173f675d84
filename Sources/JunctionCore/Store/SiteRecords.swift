/// Stored health of remote hosts.
public protocol SiteRecords: Sendable {
    func site(host: String) async throws -> Site?
    /// Inserts the site or replaces the one with the same host.
    func upsertSite(_ site: Site) async throws
    /// The sites of these hosts that are known, in one query.
    func sites(hosts: [String]) async throws -> [Site]
    /// All known sites, by host.
    func sites() async throws -> [Site]
}

/// Stored health of remote hosts.
public protocol SiteRecords: Sendable {
    func site(host: String) async throws -> Site?
    /// Inserts the site or replaces the one with the same host.
    func upsertSite(_ site: Site) async throws
    /// The sites of these hosts that are failing, dead or blocked (``Site/isTroubled``): a
    /// healthy site is treated as an unknown one, so only these need reading.
    func troubledSites(hosts: [String]) async throws -> [Site]
    /// The sites of these hosts that are known, locked until the transaction ends (PostgreSQL),
    /// because the caller writes their health back.
    func sitesForUpdate(hosts: [String]) async throws -> [Site]
    /// Writes the health of these sites (successes, failures, dead), inserting unknown ones;
    /// leaves whether they are blocked as it is.
    func recordHealth(_ sites: [Site]) async throws
    /// All known sites, by host.
    func sites() async throws -> [Site]
}

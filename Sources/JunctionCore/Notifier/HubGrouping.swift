/// A notifier run's recipients grouped by the hub that serves them: one delivery per hub.
struct HubGrouping: Sendable {
    /// The recipients one hub serves, in the order they came.
    struct Hub: Sendable {
        /// The network of the hub's location records.
        let network: String
        let host: String
        var recipients: [Recipient]
        /// The networks of the recipients' identities, which refusals depend on.
        let networks: Set<String>
    }

    /// By host, then network.
    let hubs: [Hub]
    /// Recipients with no location that is not deleted: nowhere to deliver to.
    let unserved: [Recipient]

    /// Groups `recipients` by the host and network of each one's first location that is not deleted.
    init(_ recipients: [Recipient]) {
        var positions: [HubKey: Int] = [:]
        var keys: [HubKey] = []
        var members: [[Int]] = []
        var unserved: [Recipient] = []
        for (index, recipient) in recipients.enumerated() {
            guard let hubloc = recipient.hublocs.first(where: { !$0.isDeleted }) else {
                unserved.append(recipient)
                continue
            }
            let key = HubKey(network: hubloc.network, host: hubloc.host)
            if let position = positions[key] {
                members[position].append(index)
            } else {
                positions[key] = keys.count
                keys.append(key)
                members.append([index])
            }
        }
        // Each recipient is copied once, into an array of the right size.
        hubs = zip(keys, members)
            .map { key, indices in
                Hub(network: key.network, host: key.host, recipients: indices.map { recipients[$0] },
                    networks: Set(indices.lazy.map { recipients[$0].network }))
            }
            .sorted { ($0.host, $0.network) < ($1.host, $1.network) }
        self.unserved = unserved
    }

    private struct HubKey: Hashable {
        let network: String
        let host: String
    }
}

import Foundation

extension XChan {
    /// The identity a WebFinger/LRDD document describes: its address (the `acct:` subject, else
    /// the queried address), name, avatar and profile page.
    public static func discovered(from identification: DocumentIdentification, hash: String, network: String) -> XChan {
        let document = identification.document
        let account = ([document.subject].compactMap { $0 } + document.aliases).first { $0.lowercased().hasPrefix("acct:") }
        let address = account.flatMap { account -> String? in
            let text = String(account.dropFirst(5))
            return text.lowercased().hasSuffix("@" + identification.address.host.lowercased()) ? text : nil
        } ?? identification.address.description
        let user = address.split(separator: "@").first.map(String.init) ?? address
        return XChan(hash: hash, address: address, name: document.name ?? user, network: network, photoURL: document.avatar,
                     url: document.profilePage ?? document.aliases.first { $0.hasPrefix("https://") || $0.hasPrefix("http://") })
    }
}

public import Foundation

/// An activity in a channel's stream: a post, comment, reaction, edit, delete or message.
///
/// One row exists per channel that holds it (`channelID`), deduplicated by ``mid``. Fields map
/// 1:1 to ActivityStreams 2.0: ``verb`` is the activity type, ``objectType`` the object's.
public struct Item: Sendable, Hashable, Identifiable {
    public var id: Int64
    /// The channel whose stream holds this copy.
    public var channelID: Int64
    /// The item's id (a URI), unique per channel.
    public var mid: String
    /// The `mid` of the thread's top-level item (equal to `mid` for a top-level item).
    public var parentMid: String
    /// The `mid` of the item this one directly answers (equal to `mid` for a top-level item).
    public var thrParent: String
    public var verb: Verb
    public var objectType: ObjectType
    public var authorXChan: String
    /// The owner of the conversation (the wall it was posted to).
    public var ownerXChan: String
    /// The identity it was relayed from, when relayed.
    public var sourceXChan: String?
    public var title: String?
    public var body: String
    /// `text/plain`, `text/markdown` or `text/html`.
    public var mimeType: String
    public var attachments: [Attachment]
    public var tags: [Tag]
    public var acl: AccessControlList
    /// Restricted to the ACL's recipients.
    public var isPrivate: Bool
    public var created: Date
    public var edited: Date
    public var expires: Date?
    /// When this hub stored it.
    public var received: Date
    /// The network it came from (`junction` for items written here).
    public var originNetwork: String
    /// Written on this hub.
    public var isOrigin: Bool
    public var isDeleted: Bool
    /// Its ids on other networks.
    public var copies: [NetworkCopy]
    /// Its page on the network it came from (Hubzilla's `plink`): a feed entry's link.
    public var plink: String?

    public init(
        id: Int64 = 0, channelID: Int64, mid: String, parentMid: String? = nil, thrParent: String? = nil,
        verb: Verb = .create, objectType: ObjectType = .note, authorXChan: String, ownerXChan: String,
        sourceXChan: String? = nil, title: String? = nil, body: String, mimeType: String = "text/plain",
        attachments: [Attachment] = [], tags: [Tag] = [], acl: AccessControlList = .init(),
        isPrivate: Bool = false, created: Date = Date(), edited: Date? = nil, expires: Date? = nil,
        received: Date = Date(), originNetwork: String, isOrigin: Bool, isDeleted: Bool = false,
        copies: [NetworkCopy] = [], plink: String? = nil
    ) {
        self.id = id
        self.channelID = channelID
        self.mid = mid
        self.parentMid = parentMid ?? mid
        self.thrParent = thrParent ?? parentMid ?? mid
        self.verb = verb
        self.objectType = objectType
        self.authorXChan = authorXChan
        self.ownerXChan = ownerXChan
        self.sourceXChan = sourceXChan
        self.title = title
        self.body = body
        self.mimeType = mimeType
        self.attachments = attachments
        self.tags = tags
        self.acl = acl
        self.isPrivate = isPrivate
        self.created = created
        self.edited = edited ?? created
        self.expires = expires
        self.received = received
        self.originNetwork = originNetwork
        self.isOrigin = isOrigin
        self.isDeleted = isDeleted
        self.copies = copies
        self.plink = plink
    }

    /// True for a thread's top-level item.
    public var isTopLevel: Bool { parentMid == mid }

    /// An ActivityStreams activity type.
    public struct Verb: RawRepresentable, Hashable, Sendable, Codable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let create = Verb(rawValue: "Create")
        public static let update = Verb(rawValue: "Update")
        public static let delete = Verb(rawValue: "Delete")
        public static let like = Verb(rawValue: "Like")
        public static let dislike = Verb(rawValue: "Dislike")
        public static let announce = Verb(rawValue: "Announce")
    }

    /// An ActivityStreams object type.
    public struct ObjectType: RawRepresentable, Hashable, Sendable, Codable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let note = ObjectType(rawValue: "Note")
        public static let article = ObjectType(rawValue: "Article")
        public static let message = ObjectType(rawValue: "ChatMessage")
        public static let image = ObjectType(rawValue: "Image")
    }

    /// A file or media link carried by an item.
    public struct Attachment: Sendable, Hashable, Codable {
        public var url: String
        public var mimeType: String?
        public var size: Int64?
        public var title: String?
        public init(url: String, mimeType: String? = nil, size: Int64? = nil, title: String? = nil) {
            self.url = url
            self.mimeType = mimeType
            self.size = size
            self.title = title
        }
    }

    /// A hashtag, mention or category.
    public struct Tag: Sendable, Hashable, Codable {
        public enum Kind: String, Sendable, Codable { case hashtag, mention, category }
        public var kind: Kind
        public var name: String
        public var url: String?
        public init(kind: Kind, name: String, url: String? = nil) {
            self.kind = kind
            self.name = name
            self.url = url
        }
    }

    /// The id an item has on another network.
    public struct NetworkCopy: Sendable, Hashable, Codable {
        public var network: String
        public var remoteID: String
        public init(network: String, remoteID: String) {
            self.network = network
            self.remoteID = remoteID
        }
    }
}

/// Who may see an item: xchan hashes and group names allowed or denied. Empty allow lists mean
/// "public" unless the item is private.
public struct AccessControlList: Sendable, Hashable, Codable {
    public var allowXChans: [String]
    public var allowGroups: [String]
    public var denyXChans: [String]
    public var denyGroups: [String]

    public init(allowXChans: [String] = [], allowGroups: [String] = [], denyXChans: [String] = [], denyGroups: [String] = []) {
        self.allowXChans = allowXChans
        self.allowGroups = allowGroups
        self.denyXChans = denyXChans
        self.denyGroups = denyGroups
    }

    /// True when nothing restricts the audience.
    public var isEmpty: Bool { allowXChans.isEmpty && allowGroups.isEmpty && denyXChans.isEmpty && denyGroups.isEmpty }
}

import Foundation
import JunctionCore

/// The wire form of a Junction hub-to-hub delivery: an ActivityStreams-shaped activity about
/// one item, addressed to the recipients (xchan hashes) this delivery serves on the receiving hub.
struct NativeActivity: Codable, Sendable {
    /// `Create`, `Update`, `Delete`, `Like`…
    var type: String
    /// The author's xchan hash on the sending hub.
    var actor: String
    var object: Object
    /// The xchan hashes of the recipients on the receiving hub.
    var to: [String]

    struct Object: Codable, Sendable {
        /// The item's id (its `mid`).
        var id: String
        var type: String
        /// The thread's top-level item.
        var context: String
        /// The item this one answers; absent for a top-level item.
        var inReplyTo: String?
        /// The thread owner's xchan hash.
        var owner: String
        var name: String?
        var content: String
        var mediaType: String
        var published: Date
        var updated: Date
        var attachment: [Item.Attachment]
        var tag: [Item.Tag]
        /// Only the addressed recipients may see it.
        var isPrivate: Bool
    }

    init(item: Item, event: NotifierEvent, recipients: [String]) {
        type = switch event {
        case .edit: Item.Verb.update.rawValue
        case .delete: Item.Verb.delete.rawValue
        default: item.verb.rawValue
        }
        actor = item.authorXChan
        object = Object(
            id: item.mid, type: item.objectType.rawValue, context: item.parentMid,
            inReplyTo: item.isTopLevel ? nil : item.thrParent, owner: item.ownerXChan, name: item.title,
            content: item.body, mediaType: item.mimeType, published: item.created, updated: item.edited,
            attachment: item.attachments, tag: item.tags, isPrivate: item.isPrivate
        )
        to = recipients
    }

    /// The item this activity describes, as received for `channel`.
    func item(for channel: Channel) -> Item {
        Item(
            channelID: channel.id, mid: object.id, parentMid: object.context, thrParent: object.inReplyTo ?? object.context,
            verb: .init(rawValue: type), objectType: .init(rawValue: object.type), authorXChan: actor, ownerXChan: object.owner,
            title: object.name, body: object.content, mimeType: object.mediaType, attachments: object.attachment,
            tags: object.tag, acl: AccessControlList(allowXChans: object.isPrivate ? to : []), isPrivate: object.isPrivate,
            created: object.published, edited: object.updated, originNetwork: XChan.localNetwork, isOrigin: false,
            isDeleted: type == Item.Verb.delete.rawValue
        )
    }

    static let contentType = "application/activity+json"

    /// The activity's JSON for each list of recipients (its `to`), as ``encoder`` writes it,
    /// with everything else encoded once: a post to 200 hubs encodes its object once, not 200
    /// times.
    func encoded(forEach recipients: [[String]]) throws -> [Data] {
        // The sorted keys: actor, object, to, type.
        var head = Array(try Self.encoder.encode(Head(actor: actor, object: object)))
        guard head.popLast() == UInt8(ascii: "}") else { throw EncodingError.invalidValue(self, .init(codingPath: [], debugDescription: "not an object")) }
        head += Array(#","to":"#.utf8)
        let tail = Array(#","type":"#.utf8) + Array(try Self.encoder.encode(type)) + [UInt8(ascii: "}")]
        return recipients.map { Data(head + JSONStringArray.utf8($0) + tail) }
    }

    /// The part of the activity that is the same for every delivery.
    private struct Head: Encodable {
        var actor: String
        var object: Object
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}

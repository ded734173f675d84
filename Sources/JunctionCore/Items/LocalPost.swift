public import Foundation

/// What a local user writes: a post, a private post or a reply.
public struct LocalPost: Sendable {
    /// The mime types a post's body may have.
    public static let mimeTypes: Set<String> = ["text/plain", "text/markdown", "text/html"]
    /// The longest body accepted, in UTF-8 bytes.
    public static let maximumBodyBytes = 256 * 1024
    /// The longest title accepted, in characters.
    public static let maximumTitleLength = 1024

    public var channelID: Int64
    public var body: String
    public var title: String?
    /// `text/plain`, `text/markdown` or `text/html`.
    public var mimeType: String
    /// xchan hashes of the only recipients; empty for a public post.
    public var privateTo: [String]
    /// The item (an id in the channel's stream) this one answers; its thread's audience applies.
    public var replyTo: Int64?

    public init(channelID: Int64, body: String, title: String? = nil, mimeType: String = "text/plain",
                privateTo: [String] = [], replyTo: Int64? = nil) {
        self.channelID = channelID
        self.body = body
        self.title = title
        self.mimeType = mimeType
        self.privateTo = privateTo
        self.replyTo = replyTo
    }

    /// Throws `invalidInput` naming the first rule the post breaks.
    public func validate() throws {
        guard LocalPost.mimeTypes.contains(mimeType) else {
            throw JunctionError.invalidInput("mime type must be one of \(LocalPost.mimeTypes.sorted().joined(separator: ", ")), not '\(mimeType)'")
        }
        guard !body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw JunctionError.invalidInput("the post is empty")
        }
        guard body.utf8.count <= LocalPost.maximumBodyBytes else {
            throw JunctionError.invalidInput("the post is longer than \(LocalPost.maximumBodyBytes / 1024) KiB")
        }
        if let title, title.count > LocalPost.maximumTitleLength {
            throw JunctionError.invalidInput("the title is longer than \(LocalPost.maximumTitleLength) characters")
        }
        if replyTo != nil, !privateTo.isEmpty {
            throw JunctionError.invalidInput("a reply keeps its thread's audience; it cannot name private recipients")
        }
    }
}

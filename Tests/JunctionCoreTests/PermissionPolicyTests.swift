import Foundation
import JunctionCore
import Testing

@Suite("May X do P on channel C")
struct PermissionPolicyTests {
    static let owner = "owner-hash"
    static let friend = "friend-hash"

    static func channel(_ role: ChannelRole, limits: [Permission: PermissionLimit] = [:]) -> Channel {
        Channel(id: 1, accountID: 1, handle: try! Handle("chan"), name: "Chan", role: role, xchanHash: owner,
                publicKey: SigningKey().publicKey, permissionLimits: limits, created: Date())
    }

    static func connection(
        _ perms: Set<Permission>, pending: Bool = false, blocked: Bool = false, ignored: Bool = false
    ) -> ABook {
        ABook(id: 2, channelID: 1, xchanHash: friend, myPermissions: perms, role: .custom,
              isPending: pending, isBlocked: blocked, isIgnored: ignored)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let permission: Permission
        let limit: PermissionLimit
        let requester: PermissionPolicy.Requester
        let connection: ABook?
        let allowed: Bool
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // public
        Case(name: "public: anonymous reads", permission: .viewStream, limit: .public, requester: .anonymous, connection: nil, allowed: true),
        Case(name: "public: stranger reads", permission: .viewStream, limit: .public, requester: .identity("x"), connection: nil, allowed: true),
        Case(name: "public: blocked connection refused", permission: .viewStream, limit: .public, requester: .identity(friend),
             connection: connection([.viewStream], blocked: true), allowed: false),
        Case(name: "public: ignored connection may read", permission: .viewStream, limit: .public, requester: .identity(friend),
             connection: connection([], ignored: true), allowed: true),
        Case(name: "public: ignored connection may not write", permission: .postComments, limit: .public, requester: .identity(friend),
             connection: connection([.postComments], ignored: true), allowed: false),
        // authenticated
        Case(name: "authenticated: anonymous refused", permission: .postComments, limit: .authenticated, requester: .anonymous,
             connection: nil, allowed: false),
        Case(name: "authenticated: any identity", permission: .postComments, limit: .authenticated, requester: .identity("x"),
             connection: nil, allowed: true),
        // connections
        Case(name: "connections: stranger refused", permission: .sendStream, limit: .connections, requester: .identity("x"),
             connection: nil, allowed: false),
        Case(name: "connections: approved connection", permission: .sendStream, limit: .connections, requester: .identity(friend),
             connection: connection([]), allowed: true),
        Case(name: "connections: pending refused", permission: .sendStream, limit: .connections, requester: .identity(friend),
             connection: connection([.sendStream], pending: true), allowed: false),
        Case(name: "connections: anonymous refused", permission: .viewStream, limit: .connections, requester: .anonymous,
             connection: nil, allowed: false),
        // specific
        Case(name: "specific: granted", permission: .postMail, limit: .specific, requester: .identity(friend),
             connection: connection([.postMail]), allowed: true),
        Case(name: "specific: not granted", permission: .postMail, limit: .specific, requester: .identity(friend),
             connection: connection([.postComments]), allowed: false),
        Case(name: "specific: granted but pending", permission: .postMail, limit: .specific, requester: .identity(friend),
             connection: connection([.postMail], pending: true), allowed: false),
        Case(name: "specific: granted but blocked", permission: .postMail, limit: .specific, requester: .identity(friend),
             connection: connection([.postMail], blocked: true), allowed: false),
        Case(name: "specific: stranger", permission: .postMail, limit: .specific, requester: .identity("x"),
             connection: nil, allowed: false),
        // self
        Case(name: "self: granted connection still refused", permission: .delegate, limit: .self, requester: .identity(friend),
             connection: connection(Set(Permission.allCases)), allowed: false),
        Case(name: "self: owner allowed", permission: .delegate, limit: .self, requester: .identity(owner), connection: nil, allowed: true),
        Case(name: "owner allowed whatever the limit", permission: .postMail, limit: .specific, requester: .identity(owner),
             connection: nil, allowed: true),
    ]

    @Test(arguments: cases)
    func decides(_ c: Case) {
        let channel = Self.channel(.personal, limits: [c.permission: c.limit])
        #expect(PermissionPolicy.isAllowed(c.permission, requester: c.requester, channel: channel, connection: c.connection) == c.allowed)
    }

    @Test("roles preset the limits")
    func rolePresets() {
        let personal = Self.channel(.personal)
        #expect(personal.limit(for: .viewStream) == .public)
        #expect(personal.limit(for: .postMail) == .specific)
        #expect(personal.limit(for: .delegate) == .self)
        let group = Self.channel(.group)
        #expect(group.limit(for: .postWall) == .connections)
        #expect(group.limit(for: .moderate) == .specific)
        let pub = Self.channel(.public)
        #expect(pub.limit(for: .postComments) == .authenticated)
    }

    @Test("a group member may post to the group, a follower may not; a moderator may moderate")
    func groupRoles() {
        let group = Self.channel(.group)
        func may(_ role: ConnectionRole, _ p: Permission) -> Bool {
            let abook = ABook(channelID: 1, xchanHash: Self.friend, myPermissions: role.permissions, role: role)
            return PermissionPolicy.isAllowed(p, requester: .identity(Self.friend), channel: group, connection: abook)
        }
        #expect(may(.member, .postWall))
        #expect(may(.follower, .viewStream))
        #expect(!may(.member, .moderate))
        #expect(may(.moderator, .moderate))
        #expect(!may(.admin, .delegate))  // delegate stays with the owner unless the limit is widened
        #expect(ConnectionRole.admin.permissions.isSuperset(of: ConnectionRole.moderator.permissions))
        #expect(ConnectionRole.moderator.permissions.isSuperset(of: ConnectionRole.member.permissions))
        #expect(ConnectionRole.member > ConnectionRole.follower)
    }

    @Test("stored permission lists round-trip and ignore unknown names")
    func storedForm() {
        let set: Set<Permission> = [.viewStream, .postMail, .chat]
        #expect(Permission.set(parsing: Permission.storedForm(set)) == set)
        #expect(Permission.set(parsing: "view_stream,from_the_future") == [.viewStream])
    }
}

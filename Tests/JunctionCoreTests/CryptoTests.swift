import Foundation
import JunctionCore
import Testing

@Suite("Keys and passwords")
struct CryptoTests {
    @Test func signAndVerify() throws {
        let key = SigningKey()
        let message = Data("hello".utf8)
        let signature = try key.signature(for: message)
        #expect(key.publicKey.isValidSignature(signature, for: message))
        #expect(!key.publicKey.isValidSignature(signature, for: Data("hellp".utf8)))
        let restored = try SigningKey(rawRepresentation: key.rawRepresentation)
        #expect(restored.publicKey == key.publicKey)
        #expect(try SigningKey.PublicKey(base64: key.publicKey.base64) == key.publicKey)
        #expect(!String(describing: key).contains(key.rawRepresentation.base64EncodedString()))
    }

    @Test func corruptKeysAreRefused() {
        #expect(throws: JunctionError.self) { try SigningKey(rawRepresentation: Data([1, 2, 3])) }
        #expect(throws: JunctionError.self) { try SigningKey.PublicKey(base64: "not base64!") }
    }

    @Test func argon2idHashes() throws {
        let hash = try PasswordHasher.hash("correct horse battery")
        #expect(hash.hasPrefix("$argon2id$"))
        #expect(PasswordHasher.verify("correct horse battery", against: hash))
        #expect(!PasswordHasher.verify("correct horse batterz", against: hash))
        #expect(!PasswordHasher.verify("anything", against: "not a hash"))
        #expect(try PasswordHasher.hash("correct horse battery") != hash)  // salted
    }

    @Test(arguments: ["short", "", "has\ttab and more", String(repeating: "x", count: 1025)])
    func badPasswords(_ password: String) {
        #expect(throws: JunctionError.self) { try PasswordHasher.hash(password) }
    }
}

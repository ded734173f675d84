import CSodium

/// Hashes and verifies account passwords with Argon2id (libsodium's `crypto_pwhash_str`).
///
/// The stored string carries its own salt and cost parameters, so costs can be raised later
/// without invalidating existing hashes.
public enum PasswordHasher {
    /// The shortest password accepted.
    public static let minimumLength = 8
    /// The longest password accepted, in bytes (a bound on hashing work for untrusted input).
    public static let maximumLength = 1024

    private static let ready: Bool = sodium_init() >= 0

    /// Checks the password rules and returns the Argon2id hash string.
    public static func hash(_ password: String) throws(JunctionError) -> String {
        try validate(password)
        guard ready else { throw JunctionError(.configuration, "libsodium could not be initialised") }
        var output = [CChar](repeating: 0, count: Int(crypto_pwhash_STRBYTES))
        let length = UInt64(password.utf8.count)
        let status = password.withCString { chars in
            crypto_pwhash_str(
                &output, chars, length,
                UInt64(crypto_pwhash_OPSLIMIT_INTERACTIVE), Int(crypto_pwhash_MEMLIMIT_INTERACTIVE)
            )
        }
        guard status == 0 else { throw JunctionError(.configuration, "password hashing ran out of memory") }
        return String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// True when `password` matches the stored `hash`. Constant-time in libsodium.
    public static func verify(_ password: String, against hash: String) -> Bool {
        guard ready, password.utf8.count <= maximumLength else { return false }
        let length = UInt64(password.utf8.count)
        return hash.withCString { hashPointer in
            password.withCString { chars in
                crypto_pwhash_str_verify(hashPointer, chars, length) == 0
            }
        }
    }

    /// Throws with a message naming the rule a password breaks.
    public static func validate(_ password: String) throws(JunctionError) {
        guard password.count >= minimumLength else {
            throw .invalidInput("password must be at least \(minimumLength) characters long")
        }
        guard password.utf8.count <= maximumLength else {
            throw .invalidInput("password must be at most \(maximumLength) bytes long")
        }
        guard !password.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .invalidInput("password must not contain control characters")
        }
    }
}

import Foundation

/// Foundation's `contains(_:)` and `replacingOccurrences(of:with:)` with an ASCII target, minus
/// their cost where the target cannot occur. On Linux both copy the whole string to UTF-16 and
/// search it through NSString; feed text rarely holds the targets, so a byte scan that rules the
/// target out first saves most of that (it was a third of the parse time of a large feed).
///
/// The scan is exact for Foundation's default comparison (canonical equivalence): a match
/// without the target's bytes needs a character canonically equivalent to an ASCII one, and
/// only U+037E (;), U+1FEF (`) and U+212A (K) are; the scan defers to Foundation when it
/// sees the target's bytes, or one of those where the target holds its ASCII twin.
extension String {
    /// False only when Foundation's search for `target` (ASCII) certainly finds nothing.
    func mightContain(ascii target: String) -> Bool {
        precondition(!target.isEmpty && target.utf8.allSatisfy { $0 < 0x80 }, "the target must be ASCII")
        return target.utf8.withContiguousStorageIfAvailable { needle in
            utf8.withContiguousStorageIfAvailable { bytes in
                Self.find(needle, in: bytes)
                    || Self.asciiEquivalents.contains { needle.contains($0.ascii) && $0.utf8.withUnsafeBufferPointer { Self.find($0, in: bytes) } }
            } ?? true
        } ?? true
    }

    /// Whether `bytes` contain `needle` (not empty).
    static func find(_ needle: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress, bytes.count >= needle.count else { return false }
        var start = 0
        while start <= bytes.count - needle.count,
              let found = memchr(base + start, Int32(needle[0]), bytes.count - needle.count + 1 - start) {
            start = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if (1..<needle.count).allSatisfy({ bytes[start + $0] == needle[$0] }) { return true }
            start += 1
        }
        return false
    }

    /// The characters canonically equivalent to an ASCII one, in UTF-8: U+037E, U+1FEF, U+212A.
    private static let asciiEquivalents: [(ascii: UInt8, utf8: [UInt8])] = [
        (UInt8(ascii: ";"), [0xCD, 0xBE]), (UInt8(ascii: "`"), [0xE1, 0xBF, 0xAF]), (UInt8(ascii: "K"), [0xE2, 0x84, 0xAA]),
    ]

    /// Whether a byte of the UTF-8 form matches (a scan of the string's storage).
    func containsByte(where matches: (UInt8) -> Bool) -> Bool {
        utf8.withContiguousStorageIfAvailable { $0.contains(where: matches) } ?? utf8.contains(where: matches)
    }

    /// `contains(target)` as Foundation answers it, without Foundation when the bytes rule it out.
    func contains(ascii target: String) -> Bool {
        mightContain(ascii: target) && contains(target)
    }

    /// `replacingOccurrences(of: target, with: replacement)`, without Foundation when the bytes
    /// rule the target out.
    func replacingOccurrences(ofASCII target: String, with replacement: String) -> String {
        mightContain(ascii: target) ? replacingOccurrences(of: target, with: replacement) : self
    }
}
